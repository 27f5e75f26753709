package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;

/**
 * Property test for the streaming body canonicalisation and the header collector: random messages built from the
 * bytes that matter (WSP, CR, LF, text), read in place and as a stream cut at random points, must give exactly the
 * hash of a line-by-line reference canonicaliser written straight from RFC 6376 3.4.3/3.4.4, and the same header
 * fields either way. Seed: {@code -Dmailward.fuzz.seed}.
 */
class BodyHasherPropertyTest {

    private static final long SEED = Long.getLong("mailward.fuzz.seed", 20261206L);
    private static final char[] ALPHABET = {'a', 'b', ' ', ' ', ' ', '\t', '\r', '\n', '\n', 'x', '.'};

    @Test
    void streamingCanonicalisationMatchesTheReferenceWhateverTheChunking() throws Exception {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 3000; i++) {
            String body = randomText(rnd, rnd.nextInt(200));
            String headers = "Subject:" + randomText(rnd, 12).replace("\n", "\r\n ") + "\r\nFrom: a@example.org\n";
            byte[] msg = (headers + "\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
            for (Canonicalization c : Canonicalization.values()) {
                byte[] expected = MessageDigest.getInstance("SHA-256").digest(reference(body, c).getBytes(StandardCharsets.ISO_8859_1));
                BodyHasher inPlace = new BodyHasher(c, "SHA-256", Long.MAX_VALUE);
                MessageHeaders h1 = new MessageReader().read(msg, h -> List.of(inPlace)).headers();
                BodyHasher streamed = new BodyHasher(c, "SHA-256", Long.MAX_VALUE);
                MessageHeaders h2 = new MessageReader().read(new org.mailward.testing.TrickleStream(msg, new Random(rnd.nextLong())), h -> List.of(streamed)).headers();
                String what = "case " + i + " " + c + " body " + escape(body);
                assertThat(inPlace.hash()).as(what).isEqualTo(expected);
                assertThat(streamed.hash()).as(what).isEqualTo(expected);
                assertThat(h2.fields().stream().map(HeaderField::raw).toList()).as(what)
                        .isEqualTo(h1.fields().stream().map(HeaderField::raw).toList());
                assertThat(h1.fields()).hasSize(2);
            }
        }
    }

    @Test
    void longLinesOfOrdinaryTextHashLikeTheReference() throws Exception {
        // mostly letters with single spaces, now and then a tab, a run of spaces, trailing WSP or a bare CR: lines
        // long enough for the word-at-a-time scan, the clean ones taking the fast path and the others not
        Random rnd = new Random(SEED + 1);
        for (int i = 0; i < 1500; i++) {
            StringBuilder body = new StringBuilder();
            int lines = rnd.nextInt(12);
            for (int l = 0; l < lines; l++) {
                int len = rnd.nextInt(120);
                for (int k = 0; k < len; k++) {
                    int r = rnd.nextInt(100);
                    body.append(r < 15 ? ' ' : r == 15 ? '\t' : r == 16 && rnd.nextInt(4) == 0 ? '\r' : (char) ('a' + rnd.nextInt(26)));
                }
                if (rnd.nextInt(5) == 0) {
                    body.append(" \t ".substring(0, 1 + rnd.nextInt(3)));
                }
                body.append(rnd.nextInt(6) == 0 ? "\n" : "\r\n");
            }
            if (rnd.nextBoolean()) {
                body.append("tail without line end ");
            }
            String text = body.toString();
            byte[] msg = ("From: a@example.org\r\n\r\n" + text).getBytes(StandardCharsets.ISO_8859_1);
            for (Canonicalization c : Canonicalization.values()) {
                byte[] expected = MessageDigest.getInstance("SHA-256").digest(reference(text, c).getBytes(StandardCharsets.ISO_8859_1));
                BodyHasher inPlace = new BodyHasher(c, "SHA-256", Long.MAX_VALUE);
                new MessageReader().read(msg, h -> List.of(inPlace));
                BodyHasher streamed = new BodyHasher(c, "SHA-256", Long.MAX_VALUE);
                new MessageReader().read(new org.mailward.testing.TrickleStream(msg, new Random(rnd.nextLong())), h -> List.of(streamed));
                String what = "case " + i + " " + c + " body " + escape(text);
                assertThat(inPlace.hash()).as(what).isEqualTo(expected);
                assertThat(streamed.hash()).as(what).isEqualTo(expected);
            }
        }
    }

    /** RFC 6376 3.4.3 / 3.4.4 applied to whole lines; LF ends a line, a CR right before it belongs to the line end. */
    static String reference(String body, Canonicalization c) {
        List<String> lines = new ArrayList<>();
        int p = 0;
        while (p < body.length()) {
            int lf = body.indexOf('\n', p);
            if (lf < 0) {
                lines.add(body.substring(p)); // last line without a line end: it gets one
                break;
            }
            String line = body.substring(p, lf);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            p = lf + 1;
        }
        List<String> canon = new ArrayList<>();
        for (String l : lines) {
            canon.add(c == Canonicalization.SIMPLE ? l : l.replaceAll("[ \t]+", " ").replaceAll(" \\z", ""));
        }
        while (!canon.isEmpty() && canon.get(canon.size() - 1).isEmpty()) {
            canon.remove(canon.size() - 1); // empty lines at the end are ignored
        }
        StringBuilder sb = new StringBuilder();
        canon.forEach(l -> sb.append(l).append("\r\n"));
        if (sb.isEmpty() && c == Canonicalization.SIMPLE) {
            sb.append("\r\n"); // 3.4.3: an empty body is one CRLF
        }
        return sb.toString();
    }

    private static String randomText(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    @Test
    void theReferenceItselfFollowsTheRfcExamples() {
        // RFC 6376 3.4.5 example body: " C \r\nD \t E\r\n\r\n\r\n"
        String body = " C \r\nD \t E\r\n\r\n\r\n";
        assertThat(reference(body, Canonicalization.RELAXED)).isEqualTo(" C\r\nD E\r\n");
        assertThat(reference(body, Canonicalization.SIMPLE)).isEqualTo(" C \r\nD \t E\r\n");
    }
}
