package org.mailward.auth.dkim;

import java.util.Locale;

/** RFC 8601 2.7.1 DKIM result values. */
public enum DkimStatus {
    NONE, PASS, FAIL, POLICY, NEUTRAL, TEMPERROR, PERMERROR;

    /** The Authentication-Results token ("pass", "permerror", ...). */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
