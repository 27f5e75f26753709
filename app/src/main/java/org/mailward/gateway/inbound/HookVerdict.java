package org.mailward.gateway.inbound;

import java.util.List;

/**
 * A hook's verdict for one SMTP phase (STYLE.md): go on, accept now (skip the remaining hooks of this phase),
 * refuse permanently, or refuse temporarily; in the data phase also quarantine (accept with 250, but keep the
 * message on hold with the reason). {@code Continue} may carry header fields to prepend and header fields to
 * remove (data phase: e.g. add Authentication-Results, and remove an incoming one that claims our authserv-id,
 * RFC 8601 5). A field to remove is given exactly as it appears in the message, folding included, without its
 * final CRLF.
 */
public sealed interface HookVerdict {

    record Continue(List<String> addHeaders, List<String> removeHeaders) implements HookVerdict {
        public Continue {
            addHeaders = List.copyOf(addHeaders);
            removeHeaders = List.copyOf(removeHeaders);
        }

        public Continue(List<String> addHeaders) {
            this(addHeaders, List.of());
        }
    }

    /**
     * Data phase only: accept (250) but hold the message in quarantine with this reason. Like Continue it may carry
     * header fields to prepend and to remove (the held message then shows our Authentication-Results).
     */
    record Quarantine(String reason, List<String> addHeaders, List<String> removeHeaders) implements HookVerdict {
        public Quarantine {
            addHeaders = List.copyOf(addHeaders);
            removeHeaders = List.copyOf(removeHeaders);
        }

        public Quarantine(String reason) {
            this(reason, List.of(), List.of());
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

    static HookVerdict editHeaders(List<String> add, List<String> remove) {
        return new Continue(add, remove);
    }

    static HookVerdict quarantine(String reason) {
        return new Quarantine(reason);
    }

    static HookVerdict quarantine(String reason, List<String> add, List<String> remove) {
        return new Quarantine(reason, add, remove);
    }

    static HookVerdict reject(int code, String enhanced, String text) {
        return new Reject(code, enhanced, text);
    }

    static HookVerdict tempFail(int code, String enhanced, String text) {
        return new TempFail(code, enhanced, text);
    }
}
