package org.mailward.check;

import java.util.Locale;

/** The areas of CHECKS.md (sections 1 to 15); DNSSEC and DANE rules share one area as in section 12. */
public enum Area {
    GEN, DMARC, REPORTAUTH, SPF, DKIM, MX, TLS, CERT, PTR, MTASTS, TLSRPT, DNSSEC, RPKI, BIMI, UK;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
