package org.mailward.auth.spf;

import java.util.Locale;

/** RFC 7208 2.6: the seven results of check_host(). {@link #keyword()} is the lower-case name used on the wire. */
public enum SpfVerdict {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

    /** {@code pass}, {@code fail}, ... as in Received-SPF, Authentication-Results and the CLI's JSON. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
