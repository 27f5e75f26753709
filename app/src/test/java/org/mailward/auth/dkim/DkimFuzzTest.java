package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.auth.message.HeaderField;

/**
 * Mutation fuzzing of the DKIM parsers and the verifier from a seeded Random (the seed is printed on failure):
 * never an exception, always a result with a reason, never a pass for a mutated signed field or body.
 */
class DkimFuzzTest {

    static final String KEY_NAME = "sel._domainkey.example.com";
    static final Map<String, String> DNS = Map.of(KEY_NAME, DkimKeys.recordValue(DkimSignerTest.RSA.getPublic()));

    static String signed() throws Exception {
        return DkimVerifierTest.manual(DkimSignerTest.MESSAGE, DkimVerifierTest.BASE + ":date:message-id", DkimSignerTest.RSA);
    }

    @Test
    void mutatedMessagesNeverThrowAndNeverPassWhenSignedBytesChange() throws Exception {
        long seed = Long.getLong("dkim.fuzz.seed", 20261125L);
        Random rnd = new Random(seed);
        String base = signed();
        DkimVerifier v = new DkimVerifier(DkimTestSupport.txt(DNS), DkimTestSupport.at(DkimVerifierTest.NOW));
        assertThat(v.verify(base.getBytes(StandardCharsets.ISO_8859_1)).get(0).status()).isEqualTo(DkimStatus.PASS);
        int sigEnd = base.indexOf("\r\nFrom:");
        String junk = "\0\r\n;=:@ \t\u00ffabcXYZ0+/=";
        for (int i = 0; i < 1500; i++) {
            StringBuilder m = new StringBuilder(base);
            int edits = 1 + rnd.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int pos = rnd.nextInt(m.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> m.setCharAt(pos, junk.charAt(rnd.nextInt(junk.length())));
                    case 1 -> m.insert(pos, junk.charAt(rnd.nextInt(junk.length())));
                    default -> m.deleteCharAt(pos);
                }
            }
            String mutated = m.toString();
            try {
                List<DkimResult> rs = v.verify(mutated.getBytes(StandardCharsets.ISO_8859_1));
                for (DkimResult r : rs) {
                    assertThat(r.status()).isNotNull();
                    if (r.status() != DkimStatus.PASS) {
                        assertThat(r.reason()).isNotEmpty();
                    }
                }
                boolean signedPartTouched = !mutated.substring(0, Math.min(mutated.length(), sigEnd)).equals(base.substring(0, sigEnd));
                if (signedPartTouched && rs.size() == 1 && rs.get(0).status() == DkimStatus.PASS) {
                    // a change to the signature field can still pass only if it is white space a relaxed canon ignores
                    // or inside FWS of b=: check that the canonical form is unchanged by re-parsing
                    String a = Canonicalization.RELAXED.header(DkimSignature.withoutB(HeaderField.of(base.substring(0, sigEnd))));
                    // The reader takes a bare LF as a line end (RFC 5322 storage form): give the oracle the same view,
                    // so a LF + space inserted into the field is the fold it really is.
                    int fieldEnd = mutated.indexOf("\nFrom:");
                    assertThat(fieldEnd).as("seed %d: passed although the From line was destroyed: %s", seed, mutated).isPositive();
                    if (mutated.charAt(fieldEnd - 1) == '\r') {
                        fieldEnd--;
                    }
                    String mutatedField = mutated.substring(0, fieldEnd).replaceAll("(?<!\r)\n", "\r\n");
                    String b2 = Canonicalization.RELAXED.header(DkimSignature.withoutB(HeaderField.of(mutatedField)));
                    assertThat(b2).as("seed %d: mutated signature passed: %s", seed, mutated).isEqualTo(a);
                }
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " threw on: " + mutated, ex);
            }
        }
    }

    @Test
    void garbageInTagsGivesPreciseErrors() throws Exception {
        long seed = Long.getLong("dkim.fuzz.seed", 20261125L);
        Random rnd = new Random(seed);
        DkimVerifier v = new DkimVerifier(DkimTestSupport.txt(DNS), DkimTestSupport.at(DkimVerifierTest.NOW));
        String base = signed();
        for (int i = 0; i < 300; i++) {
            String garbage = randomJunk(rnd, 1 + rnd.nextInt(80));
            String withBadB = base.replaceFirst("; b=", "; b=" + java.util.regex.Matcher.quoteReplacement(garbage.replace(";", "")) + "!");
            DkimResult r = v.verify(withBadB.getBytes(StandardCharsets.ISO_8859_1)).get(0);
            assertThat(r.status()).as("seed %d: %s", seed, withBadB).isIn(DkimStatus.PERMERROR, DkimStatus.FAIL);
            String badKey = "v=DKIM1; k=rsa; p=" + garbage;
            DkimResult k = new DkimVerifier(DkimTestSupport.txt(Map.of(KEY_NAME, badKey)), DkimTestSupport.at(DkimVerifierTest.NOW))
                    .verify(base.getBytes(StandardCharsets.ISO_8859_1)).get(0);
            assertThat(k.status()).as("seed %d: key %s", seed, badKey).isIn(DkimStatus.PERMERROR, DkimStatus.FAIL);
            assertThat(k.reason()).isNotEmpty();
        }
    }

    @Test
    void tagListAndKeyRecordParsersAcceptAnyString() {
        long seed = Long.getLong("dkim.fuzz.seed", 20261125L);
        Random rnd = new Random(seed);
        for (int i = 0; i < 5000; i++) {
            String s = randomJunk(rnd, rnd.nextInt(120));
            try {
                TagList.Parsed p = TagList.parse(s);
                assertThat(p).isNotNull();
                DkimKeyRecord.Parsed k = DkimKeyRecord.parse(s);
                assertThat(k).isNotNull();
                DkimSignature.Parsed sig = DkimSignature.parse(HeaderField.of("DKIM-Signature: " + s));
                assertThat(sig).isNotNull();
                if (sig instanceof DkimSignature.Invalid inv) {
                    assertThat(inv.reason()).isNotEmpty();
                }
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " threw on: " + s, ex);
            }
        }
    }

    @Test
    void hugeHeaderListsAreCheap() throws Exception {
        StringBuilder h = new StringBuilder("from");
        for (int i = 0; i < 50_000; i++) {
            h.append(":x-h").append(i % 100);
        }
        String tags = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=" + h;
        StringBuilder msg = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            msg.append("X-H").append(i % 100).append(": v").append(i).append("\r\n");
        }
        msg.append(DkimSignerTest.MESSAGE);
        String signed = DkimVerifierTest.manual(msg.toString(), tags, DkimSignerTest.RSA);
        long t0 = System.nanoTime();
        DkimResult r = new DkimVerifier(DkimTestSupport.txt(DNS), DkimTestSupport.at(DkimVerifierTest.NOW)).verify(signed.getBytes(StandardCharsets.ISO_8859_1)).get(0);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(ms).isLessThan(5000);
    }

    @Test
    void nulBytesAndBrokenMimeAreJustBytes() throws Exception {
        String msg = "From: a@example.com\r\nTo: b\0@example.net\r\nSubject: \0nul\r\nContent-Type: multipart/mixed; boundary=\"unterminated\r\n"
                + "\r\n--unterminated\r\nContent-Type: text/plain\r\n\r\n\0\0\0 body with NULs\r\n--wrong--\r\n";
        String signed = DkimVerifierTest.manual(msg, DkimVerifierTest.BASE + ":content-type", DkimSignerTest.RSA);
        DkimResult r = new DkimVerifier(DkimTestSupport.txt(DNS), DkimTestSupport.at(DkimVerifierTest.NOW)).verify(signed.getBytes(StandardCharsets.ISO_8859_1)).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        DkimResult broken = new DkimVerifier(DkimTestSupport.txt(DNS), DkimTestSupport.at(DkimVerifierTest.NOW))
                .verify(signed.replace("\0\0\0", "\0\0").getBytes(StandardCharsets.ISO_8859_1)).get(0);
        assertThat(broken.reason()).isEqualTo("body hash mismatch");
    }

    static String randomJunk(Random rnd, int n) {
        String alphabet = "abvkphdst=;:= \t\r\n\0+/AZ09-_.@\u00ff\u00e9!";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(rnd.nextInt(10) == 0 ? (char) rnd.nextInt(256) : alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
