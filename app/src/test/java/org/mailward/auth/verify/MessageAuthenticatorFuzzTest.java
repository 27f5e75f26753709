package org.mailward.auth.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailward.auth.arc.ArcSealer;
import org.mailward.auth.arc.ArcStatus;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.results.AuthenticationResults;
import org.mailward.auth.results.AuthenticationResultsParse;

/**
 * Random and mutated messages through {@link MessageAuthenticator}: never an exception, the byte[] and stream paths
 * agree, and the Authentication-Results field we would add always parses back to the same value. Seeded; the seed
 * and case are printed on failure ({@code -Dverify.fuzz.seed=N} to replay, {@code -Dverify.fuzz.cases=N}).
 */
class MessageAuthenticatorFuzzTest {

    static final String[] NASTY = {"From:", "From: <>", "From: a@b@c", "From: \"x\" <a@[127.0.0.1]>", "From: a@example.com, b@other.example",
        "DKIM-Signature: v=1; a=rsa-sha256; d=reject.example; s=rsa; h=from; bh=; b=", "DKIM-Signature: ;;;=", "DKIM-Signature: v=1; a=ed25519-sha256; d=x; s=y; h=" + "from:".repeat(500) + "from; bh=AA==; b=@@@",
        "ARC-Seal: i=1; cv=none; a=rsa-sha256; d=fwd.example; s=arc; b=", "ARC-Seal: i=99; cv=pass", "ARC-Message-Signature: i=1; garbage",
        "ARC-Authentication-Results: i=1; (((", "Authentication-Results: mx.receiver.example; dmarc=pass", " continuation first",
        "no colon here", "From: =?utf-8?b?w6k=?= <é@exämple.com>", "From: a@\u0000.example", "Subject: " + "x".repeat(3000)};

    static byte[][] seeds;

    @BeforeAll
    static void setUp() throws Exception {
        MessageAuthenticatorTest.setUp();
        byte[] plain = MessageAuthenticatorTest.message("alice@reject.example");
        byte[] signed = DkimSigner.signAll(plain, List.of(MessageAuthenticatorTest.rsaSigner("reject.example"),
                MessageAuthenticatorTest.edSigner("reject.example")));
        ArcSealer sealer = ArcSealer.builder("fwd.example", "arc", MessageAuthenticatorTest.arcKey.getPrivate(), MessageAuthenticatorTest.CLOCK).build();
        byte[] sealed = ((ArcSealer.Sealed) sealer.seal(signed, "mx.fwd.example", "dkim=pass", ArcStatus.NONE)).applyTo(signed, false);
        byte[] lf = new String(signed, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
        seeds = new byte[][] {plain, signed, sealed, lf, new byte[0], "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)};
    }

    @Test
    void neverThrowsAndAlwaysRendersAParsableHeader() {
        long seed = Long.getLong("verify.fuzz.seed", 20261125L);
        int cases = Integer.getInteger("verify.fuzz.cases", 1500);
        Random rnd = new Random(seed);
        MessageAuthenticator auth = MessageAuthenticatorTest.authenticator(DmarcOptions.defaults()
                .withTrustedArcSealers(java.util.Set.of("fwd.example")));
        for (int i = 0; i < cases; i++) {
            byte[] m = mutate(rnd, seeds[rnd.nextInt(seeds.length)]);
            Envelope env = switch (rnd.nextInt(4)) {
                case 0 -> Envelope.none();
                case 1 -> Envelope.of(MessageAuthenticatorTest.GOOD_IP, "mail.reject.example", "alice@reject.example");
                case 2 -> Envelope.of(MessageAuthenticatorTest.BAD_IP, randomText(rnd, 20), "");
                default -> new Envelope(Optional.of(MessageAuthenticatorTest.FWD_IP), "", randomText(rnd, 30));
            };
            try {
                MessageAuthentication a = auth.authenticate(env, m);
                MessageAuthentication b = auth.authenticate(env, new ByteArrayInputStream(m));
                assertThat(b.authenticationResults()).isEqualTo(a.authenticationResults());
                String field = a.authenticationResultsField();
                assertThat(field).doesNotContain("\r\n\r\n").startsWith("Authentication-Results: mx.receiver.example;");
                AuthenticationResultsParse p = AuthenticationResults.parse(field.substring(field.indexOf(':') + 1));
                assertThat(p).isInstanceOf(AuthenticationResultsParse.Parsed.class);
                assertThat(((AuthenticationResultsParse.Parsed) p).results().value()).isEqualTo(a.authenticationResults().value());
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " case " + i + ": " + t + "\nmessage: "
                        + new String(m, 0, Math.min(m.length, 600), StandardCharsets.ISO_8859_1), t);
            }
        }
    }

    static String randomText(Random rnd, int max) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            sb.append(rnd.nextInt(10) == 0 ? (char) rnd.nextInt(256) : "abc@.-<>\"(); xyz".charAt(rnd.nextInt(16)));
        }
        return sb.toString();
    }

    static byte[] mutate(Random rnd, byte[] seed) {
        String s = new String(seed, StandardCharsets.ISO_8859_1);
        int ops = 1 + rnd.nextInt(4);
        for (int k = 0; k < ops; k++) {
            int pos = s.isEmpty() ? 0 : rnd.nextInt(s.length() + 1);
            switch (rnd.nextInt(8)) {
                case 0 -> { // flip a byte
                    if (!s.isEmpty()) {
                        int p = Math.min(pos, s.length() - 1);
                        s = s.substring(0, p) + (char) rnd.nextInt(256) + s.substring(p + 1);
                    }
                }
                case 1 -> s = s.substring(0, pos); // truncate
                case 2 -> s = NASTY[rnd.nextInt(NASTY.length)] + "\r\n" + s; // a nasty header on top
                case 3 -> { // delete a range
                    int end = Math.min(s.length(), pos + rnd.nextInt(200));
                    s = s.substring(0, pos) + s.substring(end);
                }
                case 4 -> s = s.substring(0, pos) + randomText(rnd, 40) + s.substring(pos); // insert junk
                case 5 -> s = s.replaceFirst("\r\n", "\n"); // mixed line ends
                case 6 -> s = s.substring(0, pos) + "\u0000" + s.substring(pos); // NUL
                default -> { // duplicate a line
                    int ls = s.lastIndexOf('\n', Math.max(0, pos - 1)) + 1;
                    int le = s.indexOf('\n', pos);
                    if (le > ls) {
                        s = s.substring(0, le + 1) + s.substring(ls, le + 1) + s.substring(le + 1);
                    }
                }
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
