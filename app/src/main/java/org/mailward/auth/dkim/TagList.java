package org.mailward.auth.dkim;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An RFC 6376 3.2 tag=value list, as used by DKIM-Signature, DKIM key records and the ARC header fields.
 * Tag names are case-sensitive; values keep their inner folding white space but lose the FWS around them.
 * Duplicate tags are an error (3.2: "Tags with duplicate names MUST NOT occur").
 */
public record TagList(Map<String, String> tags) {

    public TagList {
        // a map the parser built and handed over is kept as it is; any other is copied
        tags = Collections.unmodifiableMap(tags instanceof Parsing own ? own : new LinkedHashMap<>(tags));
    }

    /** The parser's own map: nobody else holds it once the TagList is made. */
    private static final class Parsing extends LinkedHashMap<String, String> {
    }

    /** The outcome of parsing a tag list: the list, or the tag (possibly empty) where the syntax broke. */
    public sealed interface Parsed permits Ok, Invalid {
    }

    public record Ok(TagList list) implements Parsed {
    }

    /**
     * @param tag     the tag at which parsing failed ("" when before any tag name could be read)
     * @param message what is wrong
     */
    public record Invalid(String tag, String message) implements Parsed {
    }

    public Optional<String> get(String tag) {
        return Optional.ofNullable(tags.get(tag));
    }

    public boolean has(String tag) {
        return tags.containsKey(tag);
    }

    /**
     * Parses a tag list (RFC 6376 3.2). Never throws on bad input. It runs for every signature and key record, so it
     * works on one char array and makes a string only of each name and value.
     */
    public static Parsed parse(String text) {
        char[] c = text.toCharArray();
        Map<String, String> out = new Parsing();
        int n = c.length;
        int p = 0;
        String last = "";
        while (p < n) {
            int specStart = p;
            int eq = -1;
            boolean plain = true; // the value holds only VALCHAR, WSP and folding: checkValue has nothing to find
            int end = specStart;
            while (end < n && c[end] != ';' && c[end] != '=') {
                end++;
            }
            if (end < n && c[end] == '=') {
                eq = end;
                end = text.indexOf(';', eq + 1);
                end = end < 0 ? n : end;
                plain = plainValue(c, eq + 1, end);
            }
            boolean semi = end < n;
            p = end + 1;
            if (eq < 0 && isFws(c, specStart, end)) {
                if (semi && !isFws(c, p, n)) {
                    // 3.2: tag-list = tag-spec *( ";" tag-spec ) [ ";" ]: only a final ";" may be followed by nothing
                    return new Invalid(last, "empty tag-spec (\";;\")");
                }
                continue;
            }
            String name = stripped(c, specStart, eq < 0 ? end : eq);
            if (eq < 0) {
                return new Invalid(safe(name), "tag without '='");
            }
            if (!validName(name)) {
                return new Invalid(safe(name), "invalid tag name");
            }
            int vs = eq + 1;
            int ve = end;
            while (vs < ve && isWs(c[vs])) {
                vs++;
            }
            while (ve > vs && isWs(c[ve - 1])) {
                ve--;
            }
            String bad = plain ? null : checkValue(c, vs, ve);
            if (bad != null) {
                return new Invalid(name, bad);
            }
            if (out.containsKey(name)) {
                return new Invalid(name, "duplicate tag");
            }
            out.put(name, new String(c, vs, ve - vs));
            last = name;
        }
        return new Ok(new TagList(out));
    }

    /**
     * True when {@code c[from, to)} holds only VALCHAR, WSP and folding (CRLF followed by WSP), so {@link #checkValue}
     * has nothing to find; false sends the value there (a bare line break, a control, 8-bit).
     */
    private static boolean plainValue(char[] c, int from, int to) {
        for (int i = from; i < to; i++) {
            char x = c[i];
            if (x >= 0x21 && x <= 0x7e || x == ' ' || x == '\t') {
                continue;
            }
            if (x == '\r' && i + 2 < to && c[i + 1] == '\n' && (c[i + 2] == ' ' || c[i + 2] == '\t')) {
                i += 2; // folding: CRLF WSP
                continue;
            }
            return false;
        }
        return true;
    }

    private static boolean isFws(char[] c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isWs(c[i])) {
                return false;
            }
        }
        return true;
    }

    /** {@code c[from, to)} without the FWS around it. */
    private static String stripped(char[] c, int from, int to) {
        while (from < to && isWs(c[from])) {
            from++;
        }
        while (to > from && isWs(c[to - 1])) {
            to--;
        }
        return new String(c, from, to - from);
    }

    private static String safe(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 20; i++) {
            char c = name.charAt(i);
            sb.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    /** tag-name = ALPHA *ALNUMPUNC */
    static boolean validName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    /**
     * tag-value = [ tval *( 1*(WSP / FWS) tval ) ]; tval = 1*VALCHAR (%x21-3A / %x3C-7E), for {@code v[from, to)}
     * with the FWS around it already removed. Returns an error or null.
     */
    private static String checkValue(char[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = v[i];
            if (c >= 0x21 && c <= 0x7e) {
                continue;
            }
            if (c == ' ' || c == '\t') {
                continue;
            }
            if (c == '\r') {
                if (i + 2 < to && v[i + 1] == '\n' && (v[i + 2] == ' ' || v[i + 2] == '\t')) {
                    i++;
                    continue;
                }
                return "line break in value";
            }
            return "invalid character 0x" + Integer.toHexString(c) + " in value";
        }
        return null;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static String stripFws(String s) {
        return stripFws(s, 0, s.length());
    }

    /** {@code s[from, to)} without the FWS around it. */
    static String stripFws(String s, int from, int to) {
        int b = from;
        int e = to;
        while (b < e && isWs(s.charAt(b))) {
            b++;
        }
        while (e > b && isWs(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    private static boolean isWs(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Removes all FWS from a value (base64 values in b=, bh=, p= may be folded, RFC 6376 3.5). */
    public static String removeFws(String s) {
        int n = s.length();
        int r = 0;
        while (r < n && !isWs(s.charAt(r))) {
            r++;
        }
        if (r == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n);
        int runStart = 0;
        for (; r < n; r++) {
            if (isWs(s.charAt(r))) {
                sb.append(s, runStart, r); // the run before this FWS char, copied whole
                runStart = r + 1;
            }
        }
        return sb.append(s, runStart, n).toString();
    }

    /** Decodes a base64 value (b=, bh=, p=) with its FWS removed; null when it is not base64. */
    public static byte[] decodeBase64(String v) {
        // as ISO-8859-1 bytes (a char above U+00FF becomes '?', which is not base64 either), FWS squeezed out in place
        byte[] b = v.getBytes(StandardCharsets.ISO_8859_1);
        int w = 0;
        for (byte c : b) {
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                b[w++] = c;
            }
        }
        try {
            return Base64.getDecoder().decode(w == b.length ? b : Arrays.copyOf(b, w));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The first {@code max} chars of a value with its FWS removed (for RFC 6008 header.b, without the whole copy). */
    public static String removeFws(String s, int max) {
        StringBuilder sb = new StringBuilder(max);
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            if (!isWs(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
