package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BimiSvgTest {

    private static List<String> check(String svg) {
        return BimiSvg.problems(svg.getBytes(StandardCharsets.UTF_8));
    }

    private static String svg(String attrs, String content) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" " + attrs + ">" + content + "</svg>";
    }

    @Test
    void tinyPsLogoPasses() {
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\"", "<title>Org</title><circle cx=\"32\" cy=\"32\" r=\"30\"/>")))
                .isEmpty();
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" width=\"64px\" height=\"64\"", "<title>Org</title>"))).isEmpty();
    }

    @Test
    void eachViolationIsNamed() {
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny\" viewBox=\"0 0 64 64\"", "<title>t</title>"))).singleElement().asString()
                .contains("baseProfile is 'tiny'");
        assertThat(check(svg("version=\"1.1\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\"", "<title>t</title>"))).singleElement().asString()
                .contains("version");
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 32\"", "<title>t</title>"))).singleElement().asString()
                .contains("not square");
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\"", ""))).singleElement().asString().contains("<title>");
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\" x=\"1\"", "<title>t</title>"))).singleElement().asString()
                .contains("x or y");
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\"", "<title>t</title><script>x()</script>")))
                .singleElement().asString().contains("<script>");
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\"", "<title>t</title><rect onclick=\"x()\"/>")))
                .singleElement().asString().contains("event handler");
        assertThat(check(svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
                "<title>t</title><use xlink:href=\"https://evil.test/a.svg#x\"/><use href=\"#ok\"/>"))).singleElement().asString().contains("external reference");
        assertThat(check("<html xmlns=\"http://www.w3.org/1999/xhtml\"><title>t</title></html>")).anyMatch(p -> p.contains("root element"));
        assertThat(check("<svg")).singleElement().asString().startsWith("not well-formed XML");
        assertThat(check("")).singleElement().asString().startsWith("not well-formed XML");
    }

    @Test
    void doctypeAndEntitiesAreRejectedNotLoaded() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 1 1\"", "<title>&x;</title>");
        List<String> p = check(xxe);
        assertThat(p).anyMatch(s -> s.contains("DOCTYPE"));
        assertThat(String.join(" ", p)).doesNotContain("root:");
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                + svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 1 1\"", "<title>&b;&b;&b;</title>");
        assertThat(check(bomb)).anyMatch(s -> s.contains("DOCTYPE"));
    }

    @Test
    void oversizedAndDeepDocumentsAreBounded() {
        String big = svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 1 1\"", "<title>t</title>" + "<!--" + "x".repeat(40_000) + "-->");
        assertThat(check(big)).singleElement().asString().contains("at most 32768");
        String deep = svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 1 1\"", "<title>t</title>" + "<g>".repeat(200) + "</g>".repeat(200));
        assertThat(check(deep)).anyMatch(s -> s.contains("too deeply nested"));
    }

    /** Property: random mutations of a valid logo never throw, and every problem is a non-empty message. */
    @Test
    void fuzzNeverThrows() {
        Random rnd = new Random(0x5A6L);
        String base = svg("version=\"1.2\" baseProfile=\"tiny-ps\" viewBox=\"0 0 64 64\"", "<title>Org</title><path d=\"M0 0h64v64z\"/>");
        String[] inserts = {"<", ">", "&", "&amp;", "\"", "<script>", "</g>", "<!DOCTYPE x>", "<![CDATA[", "]]>", "\u0000", "\uFFFF", "xmlns:a=\"b\"", "=", " "};
        for (int i = 0; i < 3_000; i++) {
            StringBuilder sb = new StringBuilder(base);
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(sb.length() + 1);
                if (rnd.nextBoolean() && sb.length() > 0) {
                    sb.deleteCharAt(Math.min(at, sb.length() - 1));
                } else {
                    sb.insert(at, inserts[rnd.nextInt(inserts.length)]);
                }
            }
            List<String> p = BimiSvg.problems(sb.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(p).allMatch(s -> !s.isBlank());
        }
    }
}
