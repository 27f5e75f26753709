package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.auth.message.HeaderField;

/**
 * Header canonicalisation (RFC 6376 3.4.1/3.4.2) against a reference written with regular expressions straight from
 * the RFC text, on random fields built from the characters that matter, and the RFC's own example. Seed:
 * {@code -Dmailward.fuzz.seed}.
 */
class CanonicalizationTest {

    private static final long SEED = Long.getLong("mailward.fuzz.seed", 20261207L);
    private static final String[] PIECES = {" ", "  ", "\t", "\r\n ", "\r\n\t", "\r", "\n", "a", "Word", "x.y@z", ":", "\u00e9", "\u0000"};

    @Test
    void rfcExample() {
        // RFC 6376 3.4.5: "A: X" / "B : Y\t\r\n\tZ  " become "a:X" / "b:Y Z"
        assertThat(Canonicalization.RELAXED.header(HeaderField.of("A: X\r\n"))).isEqualTo("a:X\r\n");
        assertThat(Canonicalization.RELAXED.header(HeaderField.of("B : Y\t\r\n\tZ  \r\n"))).isEqualTo("b:Y Z\r\n");
        assertThat(Canonicalization.SIMPLE.header(HeaderField.of("B : Y\t\r\n\tZ  \r\n"))).isEqualTo("B : Y\t\r\n\tZ  \r\n");
    }

    @Test
    void randomFieldsCanonicaliseLikeTheReference() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 30_000; i++) {
            StringBuilder value = new StringBuilder();
            int n = rnd.nextInt(30);
            for (int k = 0; k < n; k++) {
                value.append(rnd.nextInt(3) == 0 ? PIECES[rnd.nextInt(PIECES.length)] : "Text" + k);
            }
            String name = List.of("Subject", "X-Test", "FROM", "Received").get(rnd.nextInt(4)) + (rnd.nextInt(4) == 0 ? " \t" : "");
            HeaderField f = new HeaderField(name, name + ":" + value + "\r\n");
            assertThat(Canonicalization.RELAXED.header(f)).as("case %d: %s", i, f.raw().replace("\r", "\\r").replace("\n", "\\n"))
                    .isEqualTo(reference(name, value.toString()));
            assertThat(Canonicalization.SIMPLE.header(f)).isEqualTo(f.raw());
        }
    }

    @Test
    void theHashInputIsTheConcatenationOfTheSelectedFieldsBottomUp() {
        List<HeaderField> fields = List.of(HeaderField.of("To: one"), HeaderField.of("Subject: s"), HeaderField.of("to:  two "),
                HeaderField.of("From: f"));
        HeaderField sig = HeaderField.of("DKIM-Signature: h=to:from:to:to:subject; b=abc\r\n def");
        byte[] data = HeaderHashInput.build(fields, List.of("To", "from", "TO", "to", "Subject"), Canonicalization.RELAXED, sig, sig);
        assertThat(new String(data, java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo("to:two\r\nfrom:f\r\nto:one\r\nsubject:s\r\ndkim-signature:h=to:from:to:to:subject; b=");
    }

    /** 3.4.2: lower-case the name, unfold, WSP runs to one SP, no WSP at the value's ends or before the colon. */
    private static String reference(String name, String value) {
        String v = value.replaceAll("\r\n(?=[ \t])", "").replace("\r\n", "");
        v = v.replaceAll("[ \t]+", " ").replaceAll("\\A | \\z", "");
        return name.replaceAll("[ \t]+$", "").toLowerCase(Locale.ROOT) + ":" + v + "\r\n";
    }
}
