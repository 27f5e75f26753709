package org.mailward.auth.message;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One header field exactly as it appeared (RFC 5322 2.2), its line ends normalised to CRLF and including the final
 * CRLF. The text is the bytes decoded as ISO-8859-1, so every byte (8-bit, UTF-8, NUL) survives one to one and
 * {@link #bytes()} gives the original bytes back.
 *
 * @param name the field name as written (no case change); empty when the line had no colon (malformed: such a
 *             field is kept so nothing is lost, but no name ever matches it)
 * @param raw  the whole field: name, colon, value with its folding, CRLF
 */
public record HeaderField(String name, String raw) {

    public HeaderField {
        Objects.requireNonNull(name);
        Objects.requireNonNull(raw);
    }

    /** Builds a field from text such as {@code "Subject: hi"} (a CRLF is appended when missing). */
    public static HeaderField of(String text) {
        String raw = text.endsWith("\r\n") ? text : text + "\r\n";
        int colon = raw.indexOf(':');
        String name = colon < 0 ? "" : raw.substring(0, colon);
        if (colon >= 0 && !validName(name)) {
            name = "";
        }
        return new HeaderField(name, raw);
    }

    /** RFC 5322 2.2 / 3.6.8: a field name is printable US-ASCII except colon; trailing WSP before the colon tolerated. */
    static boolean validName(String name) {
        String n = stripTrailingWsp(name);
        if (n.isEmpty()) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c < 33 || c > 126) {
                return false;
            }
        }
        return true;
    }

    private static String stripTrailingWsp(String s) {
        int e = s.length();
        while (e > 0 && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) {
            e--;
        }
        return s.substring(0, e);
    }

    /** The name without trailing white space before the colon (RFC 5322 4.5.2 obsolete syntax). */
    public String trimmedName() {
        return stripTrailingWsp(name);
    }

    /** True when this field's name equals {@code other} ignoring ASCII case. */
    public boolean is(String other) {
        return !name.isEmpty() && trimmedName().equalsIgnoreCase(other);
    }

    /** The value: everything after the colon, folding kept, final CRLF removed. Empty for a malformed field. */
    public String rawValue() {
        int colon = raw.indexOf(':');
        if (colon < 0 || name.isEmpty()) {
            return "";
        }
        int end = raw.endsWith("\r\n") ? raw.length() - 2 : raw.length();
        return raw.substring(colon + 1, Math.max(colon + 1, end));
    }

    /** The value unfolded (CRLF before WSP removed, RFC 5322 2.2.3) and trimmed; bytes still ISO-8859-1 decoded. */
    public String value() {
        return unfold(rawValue()).strip();
    }

    /** The value decoded as UTF-8 (RFC 6532) for display. */
    public String valueUtf8() {
        return new String(value().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The original bytes of the field, CRLF included. */
    public byte[] bytes() {
        return raw.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String unfold(String s) {
        if (s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                i++;
                continue;
            }
            if (c == '\n') {
                continue;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
    }
}
