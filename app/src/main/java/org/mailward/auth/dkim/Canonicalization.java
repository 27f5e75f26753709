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
     *
     * <p>The value is taken a segment at a time, a segment ending at a CRLF (which unfolding deletes). A segment
     * whose inside needs no change (no control byte, no two adjacent SPs: {@link ByteScan#plainText}) is copied
     * whole; only the others are walked byte by byte.
     */
    private static void relaxedHeader(byte[] raw, int nameEnd, int valueStart, int valueEnd, CanonicalBuffer out) {
        byte[] a = out.reserve(nameEnd + 1 + (valueEnd - valueStart) + 2);
        int n = out.size();
        for (int i = 0; i < nameEnd; i++) {
            byte c = raw[i];
            a[n++] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
        }
        a[n++] = ':';
        boolean pendingSpace = false; // a WSP run after output so far: one SP, if more output follows
        boolean started = false; // something of the value has been output
        int i = valueStart;
        while (i < valueEnd) {
            int fold = foldAt(raw, i, valueEnd);
            int segEnd = fold < 0 ? valueEnd : fold;
            int s = i;
            int e = segEnd;
            while (s < e && isWsp(raw[s])) {
                s++;
            }
            if (s > i) {
                pendingSpace = started;
            }
            while (e > s && isWsp(raw[e - 1])) {
                e--;
            }
            if (s < e && ByteScan.plainText(raw, s, e)) {
                if (pendingSpace) {
                    a[n++] = ' ';
                }
                System.arraycopy(raw, s, a, n, e - s);
                n += e - s;
                started = true;
                pendingSpace = false;
            } else {
                for (int k = s; k < e; k++) {
                    byte c = raw[k];
                    if (isWsp(c)) {
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
            }
            if (e < segEnd) {
                pendingSpace = started; // WSP at the end of the segment
            }
            i = fold < 0 ? valueEnd : fold + 2;
        }
        a[n++] = '\r';
        a[n++] = '\n';
        out.size(n);
    }

    /** The index of the first CRLF in {@code raw[from, to)} (a CR not followed by LF is ordinary text), or -1. */
    private static int foldAt(byte[] raw, int from, int to) {
        int cr = ByteScan.indexOf(raw, from, to, (byte) '\r');
        while (cr >= 0 && !(cr + 1 < to && raw[cr + 1] == '\n')) {
            cr = ByteScan.indexOf(raw, cr + 1, to, (byte) '\r');
        }
        return cr;
    }

    private static boolean isWsp(byte c) {
        return c == ' ' || c == '\t';
    }
}
