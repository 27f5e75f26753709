package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tag-list parser against a reference written plainly from RFC 6376 3.2 (split at ';', split each spec at the
 * first '=', strip FWS, check the name and every value char): on random lists built from the characters that matter
 * both must give the same tags in the same order, or fail at the same tag with the same message. Seed:
 * {@code -Dmailward.fuzz.seed}.
 */
class TagListTest {

    private static final long SEED = Long.getLong("mailward.fuzz.seed", 20261207L);
    private static final String[] PIECES = {";", "=", " ", "\t", "\r\n ", "\r\n", "\r", "\n", "a", "b", "h", "bh", "v", "1", "x_y",
            "9", "AB+/", "==", ":", "\u00e9", "\u0100", "\u0000", "\u007f", ";;", " ; ", "=="};

    @Test
    void randomListsParseLikeTheReference() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(16);
            for (int k = 0; k < n; k++) {
                sb.append(rnd.nextInt(3) == 0 ? PIECES[rnd.nextInt(PIECES.length)] : tagSpec(rnd));
            }
            String text = sb.toString();
            assertThat(describe(TagList.parse(text))).as("case %d: %s", i, text.replace("\r", "\\r").replace("\n", "\\n"))
                    .isEqualTo(describe(reference(text)));
        }
    }

    @Test
    void examples() {
        assertThat(describe(TagList.parse(" v = 1 ;\r\n\th=a:\r\n b ; z=; "))).isEqualTo("ok {v=1, h=a:\r\n b, z=}");
        assertThat(describe(TagList.parse("v=1;;h=a"))).isEqualTo("invalid v: empty tag-spec (\";;\")");
        assertThat(describe(TagList.parse("v=1; v=2"))).isEqualTo("invalid v: duplicate tag");
        assertThat(describe(TagList.parse("b=AA\r\nBB"))).isEqualTo("invalid b: line break in value");
        assertThat(describe(TagList.parse("b=AA\r\n"))).isEqualTo("ok {b=AA}");
        assertThat(describe(TagList.parse("b=A\u0100"))).isEqualTo("invalid b: invalid character 0x100 in value");
    }

    private static String tagSpec(Random rnd) {
        StringBuilder sb = new StringBuilder();
        sb.append(rnd.nextInt(5) == 0 ? " " : "").append((char) ('a' + rnd.nextInt(4))).append(rnd.nextInt(4) == 0 ? " \t" : "").append('=');
        int len = rnd.nextInt(40);
        for (int k = 0; k < len; k++) {
            int r = rnd.nextInt(60);
            sb.append(r < 50 ? (char) ('A' + rnd.nextInt(26)) : r < 53 ? " " : r < 55 ? "\r\n\t" : PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.append(rnd.nextInt(3) == 0 ? "" : ";").toString();
    }

    private static String describe(TagList.Parsed p) {
        return p instanceof TagList.Ok ok ? "ok " + ok.list().tags() : "invalid " + ((TagList.Invalid) p).tag() + ": " + ((TagList.Invalid) p).message();
    }

    /** RFC 6376 3.2, read literally. */
    private static TagList.Parsed reference(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] specs = text.split(";", -1);
        String last = "";
        for (int i = 0; i < specs.length; i++) {
            String spec = specs[i];
            if (spec.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                boolean restEmpty = true;
                for (int j = i + 1; j < specs.length; j++) {
                    restEmpty &= specs[j].chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r' || c == '\n');
                }
                if (i < specs.length - 1 && !(restEmpty && i == specs.length - 2)) {
                    return new TagList.Invalid(last, "empty tag-spec (\";;\")");
                }
                continue;
            }
            int eq = spec.indexOf('=');
            String name = TagList.stripFws(eq < 0 ? spec : spec.substring(0, eq));
            String shown = name.codePoints().limit(20).map(c -> c >= 0x21 && c < 0x7f ? c : '?')
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            if (eq < 0) {
                return new TagList.Invalid(shown, "tag without '='");
            }
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                return new TagList.Invalid(shown, "invalid tag name");
            }
            String value = TagList.stripFws(spec.substring(eq + 1));
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if (c == ' ' || c == '\t') {
                    continue;
                }
                if (c == '\r' && value.startsWith("\n", k + 1) && k + 2 < value.length() && (value.charAt(k + 2) == ' ' || value.charAt(k + 2) == '\t')) {
                    k++;
                    continue;
                }
                if (c == '\r') {
                    return new TagList.Invalid(name, "line break in value");
                }
                if (c < 0x21 || c > 0x7e) {
                    return new TagList.Invalid(name, "invalid character 0x" + Integer.toHexString(c) + " in value");
                }
            }
            if (out.containsKey(name)) {
                return new TagList.Invalid(name, "duplicate tag");
            }
            out.put(name, value);
            last = name;
        }
        return new TagList.Ok(new TagList(out));
    }
}
