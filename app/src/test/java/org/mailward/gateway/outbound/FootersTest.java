package org.mailward.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FootersTest {

    static String apply(String m, String text, String html) {
        return new String(Footers.apply(m.getBytes(StandardCharsets.ISO_8859_1), text, html).message(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void plainTextGetsTheFooterAfterTheBody() {
        assertThat(apply("From: a@example.org\r\nSubject: x\r\n\r\nHello\r\n", "--\nExample Ltd", "<p>x</p>"))
                .isEqualTo("From: a@example.org\r\nSubject: x\r\n\r\nHello\r\n\r\n--\r\nExample Ltd\r\n");
        assertThat(apply("Subject: x\r\n\r\nno final newline", "F", ""))
                .isEqualTo("Subject: x\r\n\r\nno final newline\r\n\r\nF\r\n");
    }

    @Test
    void quotedPrintableBodiesGetAnEncodedFooter() {
        String m = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9\r\n";
        assertThat(apply(m, "Société = 1 " + "x".repeat(80), ""))
                .isEqualTo(m + "\r\nSoci=C3=A9t=C3=A9 =3D 1 " + "x".repeat(51) + "=\r\n" + "x".repeat(29) + "\r\n");
        assertThat(apply(m, "x".repeat(80), "").split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(76));
        assertThat(Footers.quotedPrintable("a \r\nb\t")).isEqualTo("a=20\r\nb=09");
    }

    @Test
    void base64AndUnknownEncodingsAndNonAsciiIn7bitAreSkippedWithANote() {
        String b64 = "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n";
        Footers.Result r = Footers.apply(b64.getBytes(StandardCharsets.ISO_8859_1), "F", "");
        assertThat(r.changed()).isFalse();
        assertThat(new String(r.message(), StandardCharsets.ISO_8859_1)).isEqualTo(b64);
        assertThat(r.notes()).singleElement().asString().contains("base64");
        Footers.Result u = Footers.apply("Content-Transfer-Encoding: x-uuencode\r\n\r\nb\r\n".getBytes(StandardCharsets.ISO_8859_1), "F", "");
        assertThat(u.changed()).isFalse();
        assertThat(u.notes()).singleElement().asString().contains("x-uuencode");
        Footers.Result d = Footers.apply("Content-Type: text/plain\r\nContent-Type: application/pdf\r\n\r\nb\r\n"
                .getBytes(StandardCharsets.ISO_8859_1), "F", "");
        assertThat(d.changed()).isFalse();
        assertThat(d.notes()).singleElement().asString().contains("Content-Type given twice");
        Footers.Result n = Footers.apply("Subject: x\r\n\r\nb\r\n".getBytes(StandardCharsets.ISO_8859_1), "Société", "");
        assertThat(n.changed()).isFalse();
        assertThat(n.notes()).singleElement().asString().contains("us-ascii");
    }

    static final String ALT = "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
            + "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
            + "--b1\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><body><p>Hello</p></body></html>\r\n"
            + "--b1--\r\nepilogue\r\n";

    @Test
    void alternativeGetsBothFooters() {
        assertThat(apply(ALT, "Text footer", "<p class=\"f\">HTML footer</p>")).isEqualTo(
                "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n\r\nText footer\r\n"
                + "--b1\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "<html><body><p>Hello</p><p class=3D\"f\">HTML footer</p>=\r\n</body></html>\r\n"
                + "--b1--\r\nepilogue\r\n");
    }

    @Test
    void mixedGetsTheFooterInItsFirstTextOrAlternativePartOnly() {
        String mixed = "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n" + ALT.replace("\r\nepilogue\r\n", "")
                + "\r\n--outer\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nattached\r\n--outer--\r\n";
        String out = apply(mixed, "TF", "<p>HF</p>");
        assertThat(out).contains("Hello\r\n\r\nTF\r\n--b1").contains("<p>Hello</p><p>HF</p>=\r\n</body>")
                .contains("\r\n\r\nattached\r\n--outer--");
        String pdfFirst = "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--o\r\n\r\ntext\r\n--o--\r\n";
        Footers.Result r = Footers.apply(pdfFirst.getBytes(StandardCharsets.ISO_8859_1), "TF", "");
        assertThat(r.changed()).isFalse();
        assertThat(r.notes()).singleElement().asString().contains("application/pdf");
        String signed = "Content-Type: multipart/signed; boundary=s; protocol=\"application/pkcs7-signature\"\r\n\r\n--s\r\n\r\nx\r\n--s--\r\n";
        assertThat(Footers.apply(signed.getBytes(StandardCharsets.ISO_8859_1), "TF", "").changed()).isFalse();
    }

    /** Fuzz: mutated messages never make it throw; a change always keeps the original header and adds a footer. */
    @Test
    void fuzzMutatedMessages() {
        long seed = Long.getLong("mailward.fuzz.seed", 20261125L); // fixed for repeatable CI runs; -Dmailward.fuzz.seed=N explores
        Random rnd = new Random(seed);
        List<String> seeds = List.of(ALT, "Subject: x\r\n\r\nHello\r\n",
                "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n" + ALT + "\r\n--o--\r\n",
                "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<body>x</BODY>\r\n");
        String alphabet = "\r\n-b1o=:;\" <>/BODYtextplainhtmlmultipart";
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder(seeds.get(rnd.nextInt(seeds.size())));
            int edits = 1 + rnd.nextInt(6);
            for (int e = 0; e < edits && sb.length() > 0; e++) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    default -> sb.setCharAt(at, (char) rnd.nextInt(256));
                }
            }
            String in = sb.toString();
            try {
                Footers.Result r = Footers.apply(in.getBytes(StandardCharsets.ISO_8859_1), "FOOTERTEXT", "<p>FOOTERHTML</p>");
                String out = new String(r.message(), StandardCharsets.ISO_8859_1);
                if (r.changed()) {
                    int h = in.indexOf("\r\n\r\n");
                    assertThat(out).startsWith(in.substring(0, h + 4));
                    assertThat(out.length()).isGreaterThan(in.length());
                    assertThat(out.contains("FOOTERTEXT") || out.contains("FOOTERHTML")).isTrue();
                } else {
                    assertThat(out).isEqualTo(in);
                }
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " input " + in.replace("\r\n", "\\r\\n"), t);
            }
        }
    }
}
