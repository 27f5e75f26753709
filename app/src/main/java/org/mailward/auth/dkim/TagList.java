package org.mailward.auth.dkim;

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
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
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

    /** Parses a tag list (RFC 6376 3.2). Never throws on bad input. */
    public static Parsed parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int n = text.length();
        int p = 0;
        String last = "";
        while (p < n) {
            int semi = text.indexOf(';', p);
            int end = semi < 0 ? n : semi;
            String spec = text.substring(p, end);
            p = end + 1;
            if (isFws(spec)) {
                if (semi >= 0 && !isFws(text.substring(p))) {
                    // 3.2: tag-list = tag-spec *( ";" tag-spec ) [ ";" ]: only a final ";" may be followed by nothing
                    return new Invalid(last, "empty tag-spec (\";;\")");
                }
                continue;
            }
            int eq = spec.indexOf('=');
            String rawName = eq < 0 ? spec : spec.substring(0, eq);
            String name = stripFws(rawName);
            if (eq < 0) {
                return new Invalid(safe(name), "tag without '='");
            }
            if (!validName(name)) {
                return new Invalid(safe(name), "invalid tag name");
            }
            String value = stripFws(spec.substring(eq + 1));
            String bad = checkValue(value);
            if (bad != null) {
                return new Invalid(name, bad);
            }
            if (out.containsKey(name)) {
                return new Invalid(name, "duplicate tag");
            }
            out.put(name, value);
            last = name;
        }
        return new Ok(new TagList(out));
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

    /** tag-value = [ tval *( 1*(WSP / FWS) tval ) ]; tval = 1*VALCHAR (%x21-3A / %x3C-7E). Returns an error or null. */
    static String checkValue(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ' ' || c == '\t') {
                continue;
            }
            if (c == '\r') {
                if (i + 2 < v.length() && v.charAt(i + 1) == '\n' && (v.charAt(i + 2) == ' ' || v.charAt(i + 2) == '\t')) {
                    i++;
                    continue;
                }
                return "line break in value";
            }
            if (c < 0x21 || c > 0x7e) {
                return "invalid character 0x" + Integer.toHexString(c) + " in value";
            }
        }
        return null;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isFws(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    static String stripFws(String s) {
        int b = 0;
        int e = s.length();
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
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isWs(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
