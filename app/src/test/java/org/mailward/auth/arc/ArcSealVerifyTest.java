package org.mailward.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

class ArcSealVerifyTest {

    static final KeyPair RSA = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);
    static final KeyPair ED = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final Map<String, String> KEYS = Map.of(
            "arc._domainkey.forwarder.example", DkimKeys.recordValue(RSA.getPublic()),
            "ed._domainkey.list.example", DkimKeys.recordValue(ED.getPublic()));
    static final Resolver DNS = (name, type) -> {
        String n = Resolver.normalise(name);
        String v = KEYS.get(n);
        if (v == null) {
            return DnsAnswer.nxdomain(n, type);
        }
        return type == RecordType.TXT ? DnsAnswer.of(n, type, List.of(new DnsRecord.Txt(DkimKeys.txtStrings(v), 60))) : DnsAnswer.nodata(n, type);
    };
    static final String MSG = "Authentication-Results: mx.forwarder.example; spf=pass smtp.mailfrom=a@origin.example\r\n"
            + "From: a@origin.example\r\nTo: list@list.example\r\nSubject: hello\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
            + "Message-ID: <1@origin.example>\r\n\r\nbody text\r\n";

    static ArcSealer rsaSealer() {
        return ArcSealer.builder("forwarder.example", "arc", RSA.getPrivate(), CLOCK).build();
    }

    static ArcSealer edSealer() {
        return ArcSealer.builder("list.example", "ed", ED.getPrivate(), CLOCK).build();
    }

    static ArcResult verify(byte[] m) {
        return new ArcVerifier(DNS, CLOCK).verify(m);
    }

    static byte[] seal(ArcSealer s, byte[] m) {
        ArcStatus cv = verify(m).cv();
        ArcSealer.Outcome o = s.seal(m, "mx.forwarder.example", "arc=" + cv.token() + "; spf=pass", cv);
        assertThat(o).isInstanceOf(ArcSealer.Sealed.class);
        return ((ArcSealer.Sealed) o).applyTo(m, false);
    }

    @Test
    void unsignedMessageIsNone() {
        assertThat(verify(MSG.getBytes(StandardCharsets.US_ASCII))).isEqualTo(ArcResult.none());
    }

    @Test
    void sealTwiceRsaThenEd25519Passes() {
        byte[] one = seal(rsaSealer(), MSG.getBytes(StandardCharsets.US_ASCII));
        ArcResult r1 = verify(one);
        assertThat(r1.cv()).as("%s", r1).isEqualTo(ArcStatus.PASS);
        assertThat(r1.instances()).isEqualTo(1);
        byte[] two = seal(edSealer(), one);
        ArcResult r2 = verify(two);
        assertThat(r2.cv()).as("%s", r2).isEqualTo(ArcStatus.PASS);
        assertThat(r2.instances()).isEqualTo(2);
        assertThat(r2.oldestPass()).isZero();
        assertThat(r2.sets()).extracting(ArcResult.SetSummary::sealDomain).containsExactly("forwarder.example", "list.example");
        assertThat(r2.sets().get(1).aarText()).startsWith("mx.forwarder.example; arc=pass");
        assertThat(new String(two, StandardCharsets.ISO_8859_1)).contains("ARC-Seal: a=ed25519-sha256;").contains("cv=pass; d=list.example; i=2");
    }

    @Test
    void bodyChangeBetweenHopsGivesOldestPass() {
        byte[] one = seal(rsaSealer(), MSG.getBytes(StandardCharsets.US_ASCII));
        byte[] changed = new String(one, StandardCharsets.ISO_8859_1).replace("body text", "body text [list footer]").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verify(changed).cv()).isEqualTo(ArcStatus.FAIL);
        assertThat(verify(changed).reason()).contains("ARC-Message-Signature i=1").contains("body hash mismatch");
        byte[] two = seal(edSealer(), changed);
        // the list's own seal is cv=fail: the chain it received was broken
        ArcResult r = verify(two);
        assertThat(r.cv()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).contains("cv=fail");
        // a list that modifies the body and seals a passing chain would be seen as: AMS(2) valid, AMS(1) broken
        byte[] goodTwo = seal(edSealer(), one);
        byte[] modified = new String(goodTwo, StandardCharsets.ISO_8859_1).replace("body text", "body text!").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verify(modified).cv()).isEqualTo(ArcStatus.FAIL);
    }

    @Test
    void sealingAFailedChainAddsNothing() {
        byte[] one = seal(rsaSealer(), MSG.getBytes(StandardCharsets.US_ASCII));
        byte[] broken = new String(one, StandardCharsets.ISO_8859_1).replace("body text", "other").getBytes(StandardCharsets.ISO_8859_1);
        byte[] two = seal(edSealer(), broken);
        ArcSealer.Outcome third = rsaSealer().seal(two, "mx.forwarder.example", "", verify(two).cv());
        assertThat(third).isInstanceOf(ArcSealer.NotSealed.class);
    }

    @Test
    void tamperingWithAnArcHeaderFailsTheSeal() {
        byte[] two = seal(edSealer(), seal(rsaSealer(), MSG.getBytes(StandardCharsets.US_ASCII)));
        String s = new String(two, StandardCharsets.ISO_8859_1);
        byte[] aar = s.replaceFirst("arc=none; spf=pass", "arc=none; spf=fail").getBytes(StandardCharsets.ISO_8859_1);
        ArcResult r = verify(aar);
        assertThat(r.cv()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).contains("ARC-Seal");
    }

    @Test
    void structuralProblemsFail() {
        byte[] one = seal(rsaSealer(), MSG.getBytes(StandardCharsets.US_ASCII));
        String s = new String(one, StandardCharsets.ISO_8859_1);
        assertThat(verify(s.replaceFirst("ARC-Authentication-Results: i=1;", "ARC-Authentication-Results: i=2;").getBytes(StandardCharsets.ISO_8859_1)).reason())
                .contains("incomplete");
        assertThat(verify(("ARC-Seal: i=1; a=rsa-sha256; b=AAAA; cv=none; d=x.example; s=s\r\n" + s).getBytes(StandardCharsets.ISO_8859_1)).reason())
                .contains("duplicate ARC-Seal i=1");
        assertThat(verify(s.replaceFirst("ARC-Seal: a=rsa-sha256;", "ARC-Seal: a=rsa-sha1;").getBytes(StandardCharsets.ISO_8859_1)).cv())
                .isEqualTo(ArcStatus.FAIL);
        assertThat(verify(s.replaceFirst("; i=1; s=arc;", "; i=51; s=arc;").getBytes(StandardCharsets.ISO_8859_1)).cv()).isEqualTo(ArcStatus.FAIL);
    }

    @Test
    void fiftySetsAreTheLimit() {
        byte[] m = MSG.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 50; i++) {
            m = seal(rsaSealer(), m);
        }
        ArcResult r = verify(m);
        assertThat(r.cv()).isEqualTo(ArcStatus.PASS);
        assertThat(r.instances()).isEqualTo(50);
        assertThat(rsaSealer().seal(m, "x.example", "", r.cv())).isInstanceOf(ArcSealer.NotSealed.class);
    }

    @Test
    void foldingOfAarKeepsQuotedStringsWhole() {
        String line = "ARC-Authentication-Results: i=1; mx.example; dkim=pass header.d=example.com; x=\"a; b; c; d; e; f; g; h; i; j; k; l\"; "
                + "spf=pass (comment; with; semicolons; inside; it; is; long; enough) smtp.mailfrom=someone@example.com";
        String folded = ArcSealer.foldAtSemicolons(line);
        assertThat(folded.replace("\r\n\t", " ")).isEqualTo(line);
        assertThat(folded).contains("\"a; b; c; d; e; f; g; h; i; j; k; l\"");
        assertThat(folded).contains("(comment; with; semicolons; inside; it; is; long; enough)");
    }

    /** Mutated ARC headers never make the verifier throw; a mutation of signed ARC bytes never passes unnoticed. */
    @Test
    void fuzzArcHeaders() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        byte[] two = seal(edSealer(), seal(rsaSealer(), MSG.getBytes(StandardCharsets.US_ASCII)));
        String base = new String(two, StandardCharsets.ISO_8859_1);
        int arcEnd = base.indexOf("Authentication-Results: mx.forwarder.example; spf=pass smtp.mailfrom");
        String junk = "\0\r\n;=:@ \t\u00ffabi1209+/";
        for (int i = 0; i < 800; i++) {
            StringBuilder m = new StringBuilder(base);
            int pos = rnd.nextInt(arcEnd);
            switch (rnd.nextInt(3)) {
                case 0 -> m.setCharAt(pos, junk.charAt(rnd.nextInt(junk.length())));
                case 1 -> m.insert(pos, junk.charAt(rnd.nextInt(junk.length())));
                default -> m.deleteCharAt(pos);
            }
            try {
                ArcResult r = verify(m.toString().getBytes(StandardCharsets.ISO_8859_1));
                assertThat(r.cv()).isNotNull();
                if (r.cv() == ArcStatus.FAIL) {
                    assertThat(r.reason()).as("seed %d", seed).isNotEmpty();
                }
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " threw on " + m, e);
            }
        }
    }
}
