package org.mailward.auth.dmarc;

/** Identifier alignment mode (RFC 7489 3.1, tags {@code adkim} and {@code aspf}; default relaxed). */
public enum Alignment {
    /** Organizational Domains must be equal (RFC 7489 3.1.1, 3.1.2). */
    RELAXED,
    /** Domains must be identical (case-insensitive). */
    STRICT;

    public String keyword() {
        return this == RELAXED ? "r" : "s";
    }
}
