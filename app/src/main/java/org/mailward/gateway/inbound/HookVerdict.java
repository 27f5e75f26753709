package org.mailward.gateway.inbound;

import java.util.List;

/**
 * A hook's verdict for one SMTP phase (STYLE.md): go on, accept now (skip the remaining hooks of this phase),
 * refuse permanently, or refuse temporarily. {@code Continue} may carry header fields to prepend to the message
 * (used in the data phase, e.g. Authentication-Results).
 */
public sealed interface HookVerdict {

    record Continue(List<String> addHeaders) implements HookVerdict {
        public Continue {
            addHeaders = List.copyOf(addHeaders);
        }
    }

    record Accept() implements HookVerdict {
    }

    record Reject(int code, String enhanced, String text) implements HookVerdict {
        public Reject {
            if (code < 500 || code > 599) {
                throw new IllegalArgumentException("Reject needs a 5xx code: " + code);
            }
        }
    }

    record TempFail(int code, String enhanced, String text) implements HookVerdict {
        public TempFail {
            if (code < 400 || code > 499) {
                throw new IllegalArgumentException("TempFail needs a 4xx code: " + code);
            }
        }
    }

    HookVerdict CONTINUE = new Continue(List.of());

    static HookVerdict proceed() {
        return CONTINUE;
    }

    static HookVerdict addHeaders(List<String> headers) {
        return new Continue(headers);
    }

    static HookVerdict reject(int code, String enhanced, String text) {
        return new Reject(code, enhanced, text);
    }

    static HookVerdict tempFail(int code, String enhanced, String text) {
        return new TempFail(code, enhanced, text);
    }
}
