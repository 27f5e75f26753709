package org.mailward.records;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 1035 master-file text for generated records: TXT values are split into character-strings of at most 255
 * octets (RFC 1035 3.3.14; RFC 7208 3.3 and RFC 6376 3.6.2.2 say receivers join them with no separator) with
 * {@code "} and {@code \} escaped (RFC 1035 5.1).
 */
public final class ZoneText {

    /** The longest character-string of a TXT record (RFC 1035 3.3). */
    public static final int MAX_STRING = 255;

    private ZoneText() {
    }

    /** The value split into strings of at most 255 octets (UTF-8), never inside a multi-byte character. */
    public static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            int n = ch.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > MAX_STRING) {
                out.add(cur.toString());
                cur.setLength(0);
                bytes = 0;
            }
            cur.append(ch);
            bytes += n;
            i += Character.charCount(cp);
        }
        if (cur.length() > 0 || out.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The TXT data as master-file text: quoted strings separated by a space. */
    public static String txtData(String value) {
        List<String> parts = new ArrayList<>();
        for (String s : split(value)) {
            parts.add("\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return String.join(" ", parts);
    }

    /** A TXT master-file line with an absolute name: {@code name. IN TXT "..."}. */
    public static String txt(String name, String value) {
        return absolute(name) + " IN TXT " + txtData(value);
    }

    /** A TXT master-file line with a TTL. */
    public static String txt(String name, long ttl, String value) {
        return absolute(name) + " " + ttl + " IN TXT " + txtData(value);
    }

    /** The name with its trailing dot. */
    public static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }
}
