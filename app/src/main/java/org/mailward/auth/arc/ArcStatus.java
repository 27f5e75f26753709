package org.mailward.auth.arc;

import java.util.Locale;
import java.util.Optional;

/** RFC 8617 4.4 chain validation status (the cv= values and the arc= result of Authentication-Results). */
public enum ArcStatus {
    NONE, PASS, FAIL;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a cv= value; case-sensitive (RFC 6376 3.2 tag values). */
    public static Optional<ArcStatus> fromToken(String s) {
        return switch (s) {
            case "none" -> Optional.of(NONE);
            case "pass" -> Optional.of(PASS);
            case "fail" -> Optional.of(FAIL);
            default -> Optional.empty();
        };
    }
}
