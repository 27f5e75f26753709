package org.mailward.auth.dkim;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.mailward.auth.message.ByteScan;
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

    /**
     * The canonical form of one header field, CRLF included (3.4.1 simple, 3.4.2 relaxed), as ISO-8859-1 text (one
     * char per byte; a char the field should not hold, above U+00FF, becomes '?', as in the bytes that are hashed).
     */
    public String header(HeaderField field) {
        CanonicalBuffer out = new CanonicalBuffer(field.raw().length() + 8);
        header(field, out);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** Appends the canonical form of one header field, CRLF included, to {@code out}. */
    void header(HeaderField field, CanonicalBuffer out) {
        byte[] raw = field.raw().getBytes(StandardCharsets.ISO_8859_1);
        if (this == SIMPLE) {
            out.append(raw, 0, raw.length);
            return;
        }
        // the value as HeaderField.rawValue() has it: after the colon, without the final CRLF; none when malformed
        int colon = field.raw().indexOf(':');
        int valueStart = 0;
        int valueEnd = 0;
        if (colon >= 0 && !field.name().isEmpty()) {
            valueStart = colon + 1;
            valueEnd = Math.max(valueStart, field.raw().endsWith("\r\n") ? raw.length - 2 : raw.length);
        }
        relaxedHeader(raw, field.trimmedName().length(), valueStart, valueEnd, out);
    }

    /**
     * RFC 6376 3.4.2: lower-case the name; unfold; every run of WSP becomes one SP; no WSP at the end of the value
     * nor around the colon. The name is {@code raw[0, nameEnd)}, the value {@code raw[valueStart, valueEnd)}.
     */
    private static void relaxedHeader(byte[] raw, int nameEnd, int valueStart, int valueEnd, CanonicalBuffer out) {
        byte[] a = out.reserve(nameEnd + 1 + (valueEnd - valueStart) + 2);
        int n = out.size();
        for (int i = 0; i < nameEnd; i++) {
            byte c = raw[i];
            a[n++] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
        }
        a[n++] = ':';
        int vs = valueStart;
        int ve = valueEnd;
        while (vs < ve && (raw[vs] == ' ' || raw[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (raw[ve - 1] == ' ' || raw[ve - 1] == '\t')) {
            ve--;
        }
        if (ByteScan.plainText(raw, vs, ve)) { // the usual unfolded value: only the WSP around it goes
            System.arraycopy(raw, vs, a, n, ve - vs);
            n += ve - vs;
            a[n++] = '\r';
            a[n++] = '\n';
            out.size(n);
            return;
        }
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = valueStart; i < valueEnd; i++) {
            byte c = raw[i];
            if (c == '\r' && i + 1 < valueEnd && raw[i + 1] == '\n') {
                i++;
                continue; // unfold
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                a[n++] = ' ';
                pendingSpace = false;
            }
            started = true;
            a[n++] = c;
        }
        a[n++] = '\r';
        a[n++] = '\n';
        out.size(n);
    }
}
