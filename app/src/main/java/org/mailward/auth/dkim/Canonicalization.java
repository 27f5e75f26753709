package org.mailward.auth.dkim;

import java.util.Locale;
import java.util.Optional;
import org.mailward.auth.message.HeaderField;

/** RFC 6376 3.4: the two canonicalisation algorithms, for header fields and for the body. */
public enum Canonicalization {
    SIMPLE, RELAXED;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Canonicalization> fromToken(String s) {
        return switch (s) {
            case "simple" -> Optional.of(SIMPLE);
            case "relaxed" -> Optional.of(RELAXED);
            default -> Optional.empty();
        };
    }

    /** The canonical form of one header field, CRLF included (3.4.1 simple, 3.4.2 relaxed). */
    public String header(HeaderField field) {
        if (this == SIMPLE) {
            return field.raw();
        }
        return relaxedHeader(field.trimmedName(), field.rawValue()) + "\r\n";
    }

    /**
     * RFC 6376 3.4.2: lower-case the name; unfold; every run of WSP becomes one SP; no WSP at the end of the value
     * nor around the colon.
     */
    static String relaxedHeader(String name, String rawValue) {
        StringBuilder sb = new StringBuilder(name.length() + rawValue.length() + 1);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        sb.append(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = 0; i < rawValue.length(); i++) {
            char c = rawValue.charAt(i);
            if (c == '\r' && i + 1 < rawValue.length() && rawValue.charAt(i + 1) == '\n') {
                i++;
                continue; // unfold
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                sb.append(' ');
                pendingSpace = false;
            }
            started = true;
            sb.append(c);
        }
        return sb.toString();
    }
}
