package org.mailward.auth.dmarc;

import java.util.Locale;

/** The DMARC method result of RFC 7489 11.2 (registered in the RFC 8601 registry): none, pass, fail, temperror, permerror. */
public enum DmarcVerdict {
    NONE, PASS, FAIL, TEMPERROR, PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
