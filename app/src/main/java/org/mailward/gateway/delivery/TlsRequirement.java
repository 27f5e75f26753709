package org.mailward.gateway.delivery;

/** What TLS a delivery needs (the Secure Delivery options of the seed). */
public enum TlsRequirement {
    /** STARTTLS when offered, any certificate; clear text otherwise (RFC 3207; the default). */
    OPPORTUNISTIC,
    /** TLS required, any certificate; without TLS the message is held, never sent in clear. */
    ENFORCED_RELAXED,
    /** TLS required, chain valid to a trusted CA and the MX host name in CN/SAN; otherwise held. */
    ENFORCED_STRICT;

    public boolean enforced() {
        return this != OPPORTUNISTIC;
    }

    public static TlsRequirement fromConfig(String s) {
        return switch (s) {
            case "enforced-relaxed" -> ENFORCED_RELAXED;
            case "enforced-strict" -> ENFORCED_STRICT;
            default -> OPPORTUNISTIC;
        };
    }
}
