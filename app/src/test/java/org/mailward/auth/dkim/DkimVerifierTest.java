package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageReader;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.Resolver;

class DkimVerifierTest {

    static final KeyPair RSA = DkimSignerTest.RSA;
    static final KeyPair ED = DkimSignerTest.ED;
    static final String MSG = DkimSignerTest.MESSAGE;
    static final long NOW = 1767225600L;

    /**
     * Signs {@code message} with a hand-written tag list (everything but bh= and b=), so tests can put any tag in;
     * the body hash honours l= when the tags have one.
     */
    static String manual(String message, String tags, KeyPair key) throws Exception {
        TagList t = ((TagList.Ok) TagList.parse(tags + "; bh=AA==; b=AA==")).list();
        DkimAlgorithm alg = DkimAlgorithm.fromToken(t.get("a").orElseThrow()).orElseThrow();
        String[] c = t.get("c").orElse("simple/simple").split("/");
        Canonicalization hc = Canonicalization.fromToken(c[0]).orElseThrow();
        Canonicalization bc = c.length > 1 ? Canonicalization.fromToken(c[1]).orElseThrow() : Canonicalization.SIMPLE;
        long limit = t.get("l").map(Long::parseLong).orElse(Long.MAX_VALUE);
        BodyHasher bh = new BodyHasher(bc, alg.digestName(), limit);
        var headers = new MessageReader().read(message.getBytes(StandardCharsets.ISO_8859_1), h -> List.of(bh)).headers();
        String unsigned = "DKIM-Signature: " + tags + "; bh=" + Base64.getEncoder().encodeToString(bh.hash()) + "; b=";
        HeaderField f = HeaderField.of(unsigned);
        List<String> h = List.of(t.get("h").orElseThrow().split(":"));
        byte[] data = HeaderHashInput.build(headers.fields(), h.stream().map(String::strip).toList(), hc, f, f);
        byte[] sig = DkimCrypto.sign(alg == DkimAlgorithm.RSA_SHA1 ? DkimAlgorithm.RSA_SHA1 : alg, key.getPrivate(), data);
        return unsigned + Base64.getEncoder().encodeToString(sig) + "\r\n" + message;
    }

    static Map<String, String> keyAt(String name, KeyPair kp, String extra) {
        Map<String, String> m = new HashMap<>();
        m.put(name, DkimKeys.recordValue(kp.getPublic()) + extra);
        return m;
    }

    static DkimResult one(String signed, Map<String, String> dns) {
        List<DkimResult> rs = new DkimVerifier(DkimTestSupport.txt(dns), DkimTestSupport.at(NOW)).verify(signed.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(rs).hasSize(1);
        return rs.get(0);
    }

    static final String BASE = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject";

    @Test
    void manualSignaturePasses() throws Exception {
        DkimResult r = one(manual(MSG, BASE, RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.identity()).isEqualTo("@example.com");
        assertThat(r.headerB()).hasSize(8);
    }

    @Test
    void unsignedMessageHasNoResults() {
        assertThat(new DkimVerifier(DkimTestSupport.txt(Map.of()), DkimTestSupport.at(NOW)).verify(MSG.getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void bodyLengthIsCountedAndAppendedContentIsReported() throws Exception {
        String signed = manual(MSG, BASE + "; l=10", RSA);
        String appended = signed + "Buy now at evil.example!\r\n";
        DkimResult r = one(appended, keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.bodyLength()).hasValue(10);
        // the canonical body is the relaxed body: unsigned = total canonical length - 10
        assertThat(r.unsignedBodyBytes()).isEqualTo(
                "Hi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n\r\nJoe.\r\nBuy now at evil.example!\r\n".length() - 10);
    }

    @Test
    void bodyLengthBeyondTheBodyIsPermerror() throws Exception {
        // sign with a body long enough, then shorten the body
        String signed = manual(MSG, BASE + "; l=40", RSA);
        String cut = signed.substring(0, signed.indexOf("Hi.")) + "Hi.\r\n";
        DkimResult r = one(cut, keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).contains("exceeds");
    }

    @Test
    void bodyChangeIsBodyHashMismatch() throws Exception {
        String signed = manual(MSG, BASE, RSA).replace("hungry", "angry");
        DkimResult r = one(signed, keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(r.reason()).isEqualTo("body hash mismatch");
    }

    @Test
    void headerChangeIsSignatureMismatch() throws Exception {
        String signed = manual(MSG, BASE, RSA).replace("Is dinner ready?", "Is lunch ready?");
        DkimResult r = one(signed, keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(r.reason()).isEqualTo("signature mismatch");
    }

    @Test
    void relaxedToleratesWhitespaceAndCaseChangesSimpleDoesNot() throws Exception {
        String relaxed = manual(MSG, BASE, RSA).replace("Subject: Is dinner", "subject:   Is \t dinner").replace("game.  Are", "game. \t Are");
        assertThat(one(relaxed, keyAt("sel._domainkey.example.com", RSA, "")).status()).isEqualTo(DkimStatus.PASS);
        String simple = manual(MSG, BASE.replace("relaxed/relaxed", "simple/simple"), RSA).replace("Subject: Is dinner", "subject: Is dinner");
        assertThat(one(simple, keyAt("sel._domainkey.example.com", RSA, "")).status()).isEqualTo(DkimStatus.FAIL);
    }

    @Test
    void missingSignedHeadersAreHashedAsAbsent() throws Exception {
        String signed = manual(MSG, BASE + ":cc:reply-to:from", RSA);
        assertThat(one(signed, keyAt("sel._domainkey.example.com", RSA, "")).status()).isEqualTo(DkimStatus.PASS);
        String withCc = signed.replace("\r\nTo:", "\r\nCc: x@example.net\r\nTo:");
        assertThat(one(withCc, keyAt("sel._domainkey.example.com", RSA, "")).status()).isEqualTo(DkimStatus.FAIL);
    }

    @Test
    void expiredAndFutureSignaturesArePermerrors() throws Exception {
        DkimResult expired = one(manual(MSG, BASE + "; t=" + (NOW - 7200) + "; x=" + (NOW - 3600), RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(expired.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(expired.reason()).contains("expired");
        DkimResult withinSkew = one(manual(MSG, BASE + "; t=" + (NOW - 7200) + "; x=" + (NOW - 200), RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(withinSkew.status()).isEqualTo(DkimStatus.PASS);
        DkimResult future = one(manual(MSG, BASE + "; t=" + (NOW + 3600), RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(future.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(future.reason()).contains("future");
        DkimResult slightlyAhead = one(manual(MSG, BASE + "; t=" + (NOW + 120), RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(slightlyAhead.status()).isEqualTo(DkimStatus.PASS);
        DkimResult xBeforeT = one(manual(MSG, BASE + "; t=" + NOW + "; x=" + (NOW - 1), RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(xBeforeT.reason()).isEqualTo("syntax error at tag x: x= before t=");
    }

    @Test
    void keyRecordTags() throws Exception {
        String signed = manual(MSG, BASE, RSA);
        String name = "sel._domainkey.example.com";
        assertThat(one(signed, Map.of(name, "v=DKIM1; p=")).reason()).isEqualTo("key revoked (empty p=)");
        assertThat(one(signed, Map.of(name, "v=DKIM1; p=")).status()).isEqualTo(DkimStatus.PERMERROR);
        DkimResult testing = one(signed, keyAt(name, RSA, "; t=y"));
        assertThat(testing.status()).isEqualTo(DkimStatus.PASS);
        assertThat(testing.testing()).isTrue();
        assertThat(one(signed, keyAt(name, RSA, "; h=sha1")).reason()).isEqualTo("key h= does not allow sha256");
        assertThat(one(signed, keyAt(name, RSA, "; h=sha1:sha256")).status()).isEqualTo(DkimStatus.PASS);
        assertThat(one(signed, keyAt(name, RSA, "; s=tlsrpt")).reason()).isEqualTo("key s= is not for email");
        assertThat(one(signed, keyAt(name, RSA, "; s=email")).status()).isEqualTo(DkimStatus.PASS);
        assertThat(one(signed, Map.of(name, "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(DkimCrypto.rawEd25519(ED.getPublic()))))
                .reason()).contains("does not match a=");
        assertThat(one(signed, Map.of(name, "v=DKIM2; p=abc")).reason()).startsWith("key syntax error at tag v");
        assertThat(one(signed, Map.of(name, "v=DKIM1; p=!!!!")).reason()).startsWith("key syntax error at tag p");
        assertThat(one(signed, Map.of(name, "v=DKIM1; p=QUJD")).reason()).startsWith("key syntax error at tag p");
        assertThat(one(signed, Map.of(name, "v=DKIM1")).reason()).startsWith("key syntax error at tag p");
    }

    @Test
    void strictKeyNeedsIdentityDomainEqualToD() throws Exception {
        String sub = manual(MSG, BASE + "; i=joe@mail.example.com", RSA);
        assertThat(one(sub, keyAt("sel._domainkey.example.com", RSA, "")).status()).isEqualTo(DkimStatus.PASS);
        DkimResult strict = one(sub, keyAt("sel._domainkey.example.com", RSA, "; t=s"));
        assertThat(strict.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(strict.reason()).contains("t=s");
        String same = manual(MSG, BASE + "; i=joe@example.com", RSA);
        assertThat(one(same, keyAt("sel._domainkey.example.com", RSA, "; t=s:y")).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void identityOutsideDomainIsPermerror() throws Exception {
        DkimResult r = one(manual(MSG, BASE + "; i=joe@example.org", RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).contains("i= domain not within d=");
        DkimResult suffix = one(manual(MSG, BASE + "; i=joe@badexample.com", RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(suffix.status()).isEqualTo(DkimStatus.PERMERROR);
    }

    @Test
    void rsaSha1NeverPasses() throws Exception {
        DkimResult r = one(manual(MSG, BASE.replace("rsa-sha256", "rsa-sha1"), RSA), keyAt("sel._domainkey.example.com", RSA, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).contains("RFC 8301");
    }

    @Test
    void shortRsaKeysFail() throws Exception {
        KeyPair small = DkimKeys.generate(DkimKeys.KeyType.RSA, 512);
        DkimResult r = one(manual(MSG, BASE, small), keyAt("sel._domainkey.example.com", small, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(r.reason()).contains("512 bits");
        assertThat(r.keyBits()).isEqualTo(512);
        KeyPair k1024 = DkimKeys.generate(DkimKeys.KeyType.RSA, 1024);
        assertThat(one(manual(MSG, BASE, k1024), keyAt("sel._domainkey.example.com", k1024, "")).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void ed25519ManualSignature() throws Exception {
        String signed = manual(MSG, BASE.replace("rsa-sha256", "ed25519-sha256"), ED);
        DkimResult r = one(signed, keyAt("sel._domainkey.example.com", ED, ""));
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.keyBits()).isEqualTo(256);
    }

    @Test
    void dnsOutcomes() throws Exception {
        String signed = manual(MSG, BASE, RSA);
        assertThat(one(signed, Map.of()).status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(one(signed, Map.of()).reason()).startsWith("key not found");
        Resolver servfail = (n, t) -> DnsAnswer.servfail(n, t, "upstream broken");
        Resolver timeout = (n, t) -> DnsAnswer.timeout(n, t, "no answer");
        Resolver nodata = (n, t) -> DnsAnswer.nodata(n, t);
        for (Resolver res : List.of(servfail, timeout)) {
            DkimResult r = new DkimVerifier(res, DkimTestSupport.at(NOW)).verify(signed.getBytes(StandardCharsets.ISO_8859_1)).get(0);
            assertThat(r.status()).isEqualTo(DkimStatus.TEMPERROR);
        }
        DkimResult r = new DkimVerifier(nodata, DkimTestSupport.at(NOW)).verify(signed.getBytes(StandardCharsets.ISO_8859_1)).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).startsWith("key not found");
    }

    @Test
    void severalSignaturesEachGetTheirOwnResultAndKeysAreFetchedOnce() throws Exception {
        String once = manual(MSG, BASE, RSA);
        String twice = manual(once, BASE.replace("s=sel", "s=other"), RSA);
        String bad = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=; b=AA==\r\n" + twice;
        int[] queries = new int[1];
        Resolver base = DkimTestSupport.txt(keyAt("sel._domainkey.example.com", RSA, ""));
        Resolver counting = (n, t) -> {
            queries[0]++;
            return base.query(n, t);
        };
        List<DkimResult> rs = new DkimVerifier(counting, DkimTestSupport.at(NOW)).verify(bad.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(rs).extracting(DkimResult::status).containsExactly(DkimStatus.PERMERROR, DkimStatus.PERMERROR, DkimStatus.PASS);
        assertThat(rs.get(0).reason()).isEqualTo("syntax error at tag bh: not base64");
        assertThat(rs.get(1).reason()).startsWith("key not found");
        assertThat(queries[0]).isEqualTo(2);
    }

    @Test
    void syntaxErrorsNameTheTag() {
        String[][] cases = {
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==", "missing tag b"},
                {"v=2; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==", "syntax error at tag v: incompatible version"},
                {"v=1; a=rsa-md5; d=example.com; s=s; h=from; bh=AA==; b=AA==", "syntax error at tag a: unsupported algorithm rsa-md5"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=to; bh=AA==; b=AA==", "syntax error at tag h: From not signed"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; c=fancy", "syntax error at tag c: unknown canonicalization fancy"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; l=-1", "syntax error at tag l: not a number"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; q=http", "syntax error at tag q: no dns/txt query method"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; v=1", "syntax error at tag v: duplicate tag"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=A*A=", "syntax error at tag b: not base64"},
                {"v=1; a=rsa-sha256; d=example..com; s=s; h=from; bh=AA==; b=AA==", "syntax error at tag d: not a domain name"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; 9x=1", "syntax error at tag 9x: invalid tag name"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; t=abc", "syntax error at tag t: not a timestamp"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; oops", "syntax error at tag oops: tag without '='"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from::to; bh=AA==; b=AA==", "syntax error at tag h: invalid header name"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from:; bh=AA==; b=AA==", "syntax error at tag h: invalid header name"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=; bh=AA==; b=AA==", "syntax error at tag h: invalid header name"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from:sub ject; bh=AA==; b=AA==", "syntax error at tag h: invalid header name"},
                {"v=1; a=rsa-sha256; d=-example.com; s=s; h=from; bh=AA==; b=AA==", "syntax error at tag d: not a domain name"},
                {"v=1; a=rsa-sha256; d=example-.com; s=s; h=from; bh=AA==; b=AA==", "syntax error at tag d: not a domain name"},
                {"v=1; a=rsa-sha256; d=" + "a".repeat(64) + ".com; s=s; h=from; bh=AA==; b=AA==", "syntax error at tag d: not a domain name"},
                {"v=1; a=rsa-sha256; d=example.com; s=s..x; h=from; bh=AA==; b=AA==", "syntax error at tag s: not a selector"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; x=1\r\n2", "syntax error at tag x: line break in value"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA\r\n==", "syntax error at tag b: line break in value"},
                {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=A\u00e9A==", "syntax error at tag b: invalid character 0xe9 in value"},
        };
        for (String[] c : cases) {
            DkimSignature.Parsed p = DkimSignature.parse(HeaderField.of("DKIM-Signature: " + c[0]));
            assertThat(p).as(c[0]).isInstanceOf(DkimSignature.Invalid.class);
            assertThat(((DkimSignature.Invalid) p).reason()).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void foldedTagValuesParseAsWritten() {
        DkimSignature.Parsed p = DkimSignature.parse(HeaderField.of("DKIM-Signature: v=1; a=rsa-sha256; d=Example.COM; s=Sel;\r\n"
                + "\th = From : Subject\r\n\t :To;\r\n bh=AA\r\n ==; b=AB\r\n\tCD; i=user@sub.example.com; l=42 ;t=1;x=2"));
        assertThat(p).isInstanceOf(DkimSignature.Valid.class);
        DkimSignature sig = ((DkimSignature.Valid) p).signature();
        assertThat(sig.signedHeaders()).containsExactly("From", "Subject", "To");
        assertThat(sig.domain()).isEqualTo("example.com");
        assertThat(sig.selector()).isEqualTo("sel");
        assertThat(sig.bodyHash()).containsExactly(0);
        assertThat(sig.signature()).containsExactly(0x00, 0x10, 0x83);
        assertThat(sig.headerB()).isEqualTo("ABCD");
        assertThat(sig.identity()).isEqualTo("user@sub.example.com");
        assertThat(sig.length()).hasValue(42);
        assertThat(sig.timestamp()).hasValue(1);
        assertThat(sig.expiration()).hasValue(2);
    }

    @Test
    void bTagRemovalKeepsEverythingElse() {
        HeaderField f = HeaderField.of("DKIM-Signature: v=1; bh=abc=; b=xy\r\n\t z=; d=x");
        assertThat(DkimSignature.withoutB(f).raw()).isEqualTo("DKIM-Signature: v=1; bh=abc=; b=; d=x\r\n");
        HeaderField last = HeaderField.of("DKIM-Signature: v=1; b =\r\n abc\r\n def");
        assertThat(DkimSignature.withoutB(last).raw()).isEqualTo("DKIM-Signature: v=1; b =\r\n");
    }
}
