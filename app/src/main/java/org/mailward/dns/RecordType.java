package org.mailward.dns;

import java.util.Locale;
import java.util.Optional;

/** The DNS record types Mailward asks for. The numeric codes are the IANA type values. */
public enum RecordType {
    A(1), NS(2), CNAME(5), SOA(6), PTR(12), MX(15), TXT(16), AAAA(28), SRV(33), DS(43), RRSIG(46), DNSKEY(48),
    TLSA(52), SPF(99), CAA(257);

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The IANA type value, as dnsjava's {@code Type} constants use it. */
    public int code() {
        return code;
    }

    public static Optional<RecordType> fromCode(int code) {
        for (RecordType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Optional<RecordType> fromName(String name) {
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
