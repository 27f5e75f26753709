package org.mailward.auth.dmarc;

import java.util.Locale;
import java.util.Optional;

/** A requested handling (RFC 7489 6.3 {@code p}/{@code sp}; DMARCbis {@code np}), also used as the disposition. */
public enum Policy {
    NONE, QUARANTINE, REJECT;

    /** Case-insensitive keyword (ABNF quoted strings are case-insensitive, RFC 5234 2.3); empty when unknown. */
    public static Optional<Policy> parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> Optional.of(NONE);
            case "quarantine" -> Optional.of(QUARANTINE);
            case "reject" -> Optional.of(REJECT);
            default -> Optional.empty();
        };
    }

    /** The next less strict policy (RFC 7489 6.6.4 sampling; DMARCbis t=y): reject → quarantine → none. */
    public Policy lessStrict() {
        return switch (this) {
            case REJECT -> QUARANTINE;
            case QUARANTINE, NONE -> NONE;
        };
    }

    /** The keyword as written in records and reports. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
