package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailward.auth.message.MessageReader;
import org.mailward.testing.SharedTestdata;

class DkimSignerTest {

    static final String MESSAGE = "From: Joe SixPack <joe@football.example.com>\r\n"
            + "To: Suzie Q <suzie@shopping.example.net>\r\n"
            + "Subject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
            + "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
            + "\r\n"
            + "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n";

    static final KeyPair RSA = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);
    static final KeyPair ED = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);

    static List<DkimResult> verify(byte[] signed, Map<String, String> dns) {
        return new DkimVerifier(DkimTestSupport.txt(dns), DkimTestSupport.CLOCK_2026).verify(signed);
    }

    static Map<String, String> dns(String name, KeyPair kp) {
        return Map.of(name, DkimKeys.recordValue(kp.getPublic()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed"})
    void signThenVerifyBothAlgorithms(String canon) {
        String[] c = canon.split("/");
        var hc = Canonicalization.fromToken(c[0]).orElseThrow();
        var bc = Canonicalization.fromToken(c[1]).orElseThrow();
        DkimSigner rsa = DkimSigner.builder("example.com", "rsa", RSA.getPrivate(), DkimTestSupport.CLOCK_2026).canonicalization(hc, bc).build();
        DkimSigner ed = DkimSigner.builder("example.com", "ed", ED.getPrivate(), DkimTestSupport.CLOCK_2026).canonicalization(hc, bc).build();
        byte[] signed = DkimSigner.signAll(MESSAGE.getBytes(StandardCharsets.US_ASCII), List.of(rsa, ed));
        var dns = new java.util.HashMap<>(dns("rsa._domainkey.example.com", RSA));
        dns.putAll(dns("ed._domainkey.example.com", ED));
        List<DkimResult> results = verify(signed, dns);
        assertThat(results).extracting(DkimResult::status).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
        assertThat(results).extracting(DkimResult::algorithm).containsExactly("rsa-sha256", "ed25519-sha256");
        assertThat(results.get(0).keyBits()).isEqualTo(2048);
    }

    @Test
    void signatureIsFoldedAndCarriesTimestampsAndOversignedFrom() {
        DkimSigner s = DkimSigner.builder("example.com", "sel", RSA.getPrivate(), DkimTestSupport.CLOCK_2026)
                .expiry(Duration.ofDays(7)).build();
        String signed = new String(s.sign(MESSAGE.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1);
        String field = MessageReader.headers(signed.getBytes(StandardCharsets.ISO_8859_1)).first("DKIM-Signature").orElseThrow().raw();
        for (String line : field.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
        var sig = ((DkimSignature.Valid) DkimSignature.parse(HeaderField(field))).signature();
        assertThat(sig.timestamp().getAsLong()).isEqualTo(1767225600L);
        assertThat(sig.expiration().getAsLong()).isEqualTo(1767225600L + 7 * 86400);
        assertThat(sig.signedHeaders().stream().filter(h -> h.equals("From")).count()).isEqualTo(2);
        assertThat(sig.headerCanon()).isEqualTo(Canonicalization.RELAXED);
        assertThat(sig.bodyCanon()).isEqualTo(Canonicalization.RELAXED);
    }

    private static org.mailward.auth.message.HeaderField HeaderField(String raw) {
        return org.mailward.auth.message.HeaderField.of(raw);
    }

    @Test
    void oversigningBreaksTheSignatureWhenAFromIsAdded() {
        DkimSigner s = DkimSigner.builder("example.com", "sel", ED.getPrivate(), DkimTestSupport.CLOCK_2026).build();
        String signed = new String(s.sign(MESSAGE.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1);
        var dns = dns("sel._domainkey.example.com", ED);
        assertThat(verify(signed.getBytes(StandardCharsets.ISO_8859_1), dns).get(0).status()).isEqualTo(DkimStatus.PASS);
        String added = signed.replace("\r\nSubject: Is", "\r\nFrom: evil@attacker.example\r\nSubject: Is");
        DkimResult r = verify(added.getBytes(StandardCharsets.ISO_8859_1), dns).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(r.reason()).isEqualTo("signature mismatch");
        String addedCc = signed + "";
        addedCc = addedCc.replace("\r\n\r\nHi.", "\r\nCc: someone@example.net\r\n\r\nHi.");
        assertThat(verify(addedCc.getBytes(StandardCharsets.ISO_8859_1), dns).get(0).status()).isEqualTo(DkimStatus.FAIL);
    }

    @Test
    void lfOnlyInputKeepsLfAndVerifies() {
        String lf = MESSAGE.replace("\r\n", "\n");
        DkimSigner s = DkimSigner.builder("example.com", "sel", RSA.getPrivate(), DkimTestSupport.CLOCK_2026).build();
        byte[] signed = s.sign(lf.getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(signed, StandardCharsets.ISO_8859_1)).doesNotContain("\r");
        assertThat(verify(signed, dns("sel._domainkey.example.com", RSA)).get(0).status()).isEqualTo(DkimStatus.PASS);
        // and the CRLF form of the same bytes verifies too
        byte[] crlf = new String(signed, StandardCharsets.ISO_8859_1).replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verify(crlf, dns("sel._domainkey.example.com", RSA)).get(0).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void refusesRsaSha1AndMismatchedKeys() {
        assertThatThrownBy(() -> DkimSigner.builder("example.com", "s", RSA.getPrivate(), DkimTestSupport.CLOCK_2026)
                .algorithm(DkimAlgorithm.RSA_SHA1).build()).hasMessageContaining("RFC 8301");
        assertThatThrownBy(() -> DkimSigner.builder("example.com", "s", RSA.getPrivate(), DkimTestSupport.CLOCK_2026)
                .algorithm(DkimAlgorithm.ED25519_SHA256).build()).isInstanceOf(IllegalArgumentException.class);
    }

    /** Every key file of the dkimpy test data signs, and the signature verifies against the matching public record. */
    @ParameterizedTest
    @ValueSource(strings = {"dkimpy/test.private", "dkimpy/test2.private", "dkimpy/1024_testkey.key", "dkimpy/2048_testkey.key",
            "dkimpy/2048_testkey_PKCS8.key", "dkimpy/ed25519test.key", "dkimpy/rfc8032_7_1.key",
            "rfc8463-example/ed25519.private.b64", "rfc8463-example/rsa.private.pem", "rfc6376-example/rsa.private.pem"})
    void dkimpyKeyVariantsSignAndVerify(String keyFile) throws Exception {
        Path p = SharedTestdata.file("dkim/" + keyFile);
        PrivateKey key = DkimKeys.readPrivateKey(Files.readString(p)).orElseThrow(() -> new AssertionError("cannot read " + keyFile));
        var pub = DkimKeys.publicKey(key);
        DkimSigner s = DkimSigner.builder("example.com", "k", key, DkimTestSupport.CLOCK_2026).build();
        byte[] signed = s.sign(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        DkimResult r = verify(signed, Map.of("k._domainkey.example.com", DkimKeys.recordValue(pub))).get(0);
        assertThat(r.status()).as("%s", r).isEqualTo(DkimStatus.PASS);
    }

    /** The published public halves in the dkimpy data match the private keys (both SPKI and bare RSAPublicKey p= forms). */
    @ParameterizedTest
    @ValueSource(strings = {"1024_testkey.key:1024_testkey_wo_markers.pub.txt", "1024_testkey.key:1024_testkey_wo_markers.pub.rsa.txt",
            "2048_testkey.key:2048_testkey_wo_markers.pub.txt", "2048_testkey.key:2048_testkey_wo_markers.pub.rsa.txt",
            "2048_testkey_PKCS8.key:2048_testkey_PKCS8.key.pub.txt", "test.private:test.txt", "test2.private:test2.txt",
            "ed25519test.key:ed25519test.dns"})
    void publishedRecordsVerifyOurSignatures(String pair) throws Exception {
        String[] kp = pair.split(":");
        PrivateKey key = DkimKeys.readPrivateKey(Files.readString(SharedTestdata.file("dkim/dkimpy/" + kp[0]))).orElseThrow();
        String pub = Files.readString(SharedTestdata.file("dkim/dkimpy/" + kp[1])).strip();
        String record = pub.contains("p=") ? pub : "v=DKIM1; k=rsa; p=" + pub.replaceAll("\\s", "");
        byte[] signed = DkimSigner.builder("example.com", "k", key, DkimTestSupport.CLOCK_2026).build().sign(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        DkimResult r = verify(signed, Map.of("k._domainkey.example.com", record)).get(0);
        assertThat(r.status()).as("%s", r).isEqualTo(DkimStatus.PASS);
    }

    /** dkimpy's bad key records: a corrupted p=, v=DKIM1: and an unknown k= never pass. */
    @ParameterizedTest
    @ValueSource(strings = {"test_bad.txt", "badversion.txt", "badk.txt"})
    void dkimpyBadKeyRecordsArePermerrors(String file) throws Exception {
        PrivateKey key = DkimKeys.readPrivateKey(Files.readString(SharedTestdata.file("dkim/dkimpy/test.private"))).orElseThrow();
        String record = Files.readString(SharedTestdata.file("dkim/dkimpy/" + file)).strip();
        byte[] signed = DkimSigner.builder("example.com", "k", key, DkimTestSupport.CLOCK_2026).build().sign(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        DkimResult r = verify(signed, Map.of("k._domainkey.example.com", record)).get(0);
        assertThat(r.status()).as("%s", r).isIn(DkimStatus.PERMERROR, DkimStatus.FAIL);
        assertThat(r.status()).isNotEqualTo(DkimStatus.PASS);
    }
}
