package org.mailward.reports.generate;

import java.io.IOException;
import java.net.URI;

/**
 * POSTs a TLS report to an https: rua (RFC 8460 5.2). Injected, so tests post to a local endpoint and production
 * uses {@link JdkHttpsPoster} with the configured TLS context.
 */
public interface HttpsPoster {

    /** The HTTP status and a short detail. RFC 8460 5.2: a 2xx status means the report was received. */
    record Posted(int status, String detail) {
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    Posted post(URI uri, String contentType, byte[] body) throws IOException;
}
