package org.mailward.auth.dmarc;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code rua}/{@code ruf} destination (RFC 7489 6.2 dmarc-uri): the URI and an optional size limit
 * ({@code !10m} = 10 * 2^20 bytes; units k, m, g, t are powers of two, none means bytes).
 *
 * @param uri      the URI as written (absolute, e.g. {@code mailto:dmarc@example.com})
 * @param maxBytes the limit in bytes when one was given
 */
public record ReportUri(String uri, Optional<Long> maxBytes) {
    public ReportUri {
        Objects.requireNonNull(uri);
        Objects.requireNonNull(maxBytes);
    }

    /** The URI's scheme in lower case (mailto, https...). */
    public String scheme() {
        int c = uri.indexOf(':');
        return c < 0 ? "" : uri.substring(0, c).toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return maxBytes.map(m -> uri + "!" + m).orElse(uri);
    }
}
