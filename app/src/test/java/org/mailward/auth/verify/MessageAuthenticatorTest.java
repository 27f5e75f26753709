package org.mailward.auth.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailward.auth.arc.ArcSealer;
import org.mailward.auth.arc.ArcStatus;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dkim.DkimStatus;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.dmarc.DmarcVerdict;
import org.mailward.auth.dmarc.Policy;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.results.AuthenticationResults;
import org.mailward.auth.results.AuthenticationResultsParse;
import org.mailward.auth.spf.SpfVerdict;
import org.mailward.dns.CountingResolver;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;

/**
 * End to end: messages signed here with auth.dkim's signer (RSA-2048 and Ed25519), from domains of a zone with SPF
 * and DMARC records, through {@link MessageAuthenticator}; every combined verdict and the Authentication-Results
 * field are asserted.
 */
class MessageAuthenticatorTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    static final String ID = "mx.receiver.example";
    static KeyPair rsa;
    static KeyPair ed;
    static KeyPair arcKey;
    static Resolver zone;

    static final InetAddress GOOD_IP = ip("192.0.2.10");
    static final InetAddress BAD_IP = ip("203.0.113.66");
    static final InetAddress ESP_IP = ip("198.51.100.20");
    static final InetAddress FWD_IP = ip("198.51.100.77");

    @BeforeAll
    static void setUp() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        arcKey = g.generateKeyPair();
        ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        zone = ZoneFileResolver.fromText(zoneText());
    }

    static String zoneText() {
        String rsaRec = DkimKeys.recordValue(rsa.getPublic());
        String edRec = DkimKeys.recordValue(ed.getPublic());
        String arcRec = DkimKeys.recordValue(arcKey.getPublic());
        StringBuilder z = new StringBuilder("$TTL 300\n");
        for (String d : List.of("reject.example", "quar.example", "none.example", "parent.example", "esp.example")) {
            z.append(DkimKeys.zoneLine("rsa._domainkey." + d, rsaRec)).append('\n');
            z.append(DkimKeys.zoneLine("ed._domainkey." + d, edRec)).append('\n');
        }
        z.append(DkimKeys.zoneLine("arc._domainkey.fwd.example", arcRec)).append('\n');
        z.append("""
                reject.example. IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
                _dmarc.reject.example. IN TXT "v=DMARC1; p=reject"
                quar.example. IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
                _dmarc.quar.example. IN TXT "v=DMARC1; p=quarantine"
                none.example. IN TXT "v=spf1 ip4:192.0.2.0/24 ~all"
                _dmarc.none.example. IN TXT "v=DMARC1; p=none"
                parent.example. IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
                _dmarc.parent.example. IN TXT "v=DMARC1; p=reject; sp=quarantine; np=reject"
                sub.parent.example. IN A 192.0.2.99
                sub.parent.example. IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
                esp.example. IN TXT "v=spf1 ip4:198.51.100.0/25 -all"
                fwd.example. IN TXT "v=spf1 ip4:198.51.100.77 -all"
                """);
        return z.toString();
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static MessageAuthenticator authenticator(DmarcOptions options) {
        return new MessageAuthenticator(zone, CLOCK, PublicSuffixList.bundled(), options, new Random(7), ID);
    }

    static byte[] message(String from) {
        return ("From: Alice <" + from + ">\r\nTo: bob@receiver.example\r\nSubject: Quarterly figures\r\n"
                + "Date: Mon, 01 Jun 2026 11:59:00 +0000\r\nMessage-ID: <1@origin>\r\n\r\nHello Bob,\r\n\r\nthe figures.\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static DkimSigner rsaSigner(String d) {
        return DkimSigner.builder(d, "rsa", rsa.getPrivate(), CLOCK).build();
    }

    static DkimSigner edSigner(String d) {
        return DkimSigner.builder(d, "ed", ed.getPrivate(), CLOCK).build();
    }

    /** The first 8 characters of each b= in the message's DKIM-Signature fields, top first (RFC 6008 header.b). */
    static List<String> headerB(byte[] m) {
        String text = new String(m, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]+", " ");
        Matcher x = Pattern.compile("(?m)^DKIM-Signature:.*?[; ]b=([A-Za-z0-9+/= ]+)").matcher(text);
        List<String> out = new java.util.ArrayList<>();
        while (x.find()) {
            out.add(x.group(1).replace(" ", "").substring(0, 8));
        }
        return out;
    }

    @Test
    void alignedRsaAndEd25519WithSpfPassGiveDmarcPassAndTheExactHeader() {
        byte[] m = DkimSigner.signAll(message("alice@reject.example"), List.of(rsaSigner("reject.example"), edSigner("reject.example")));
        MessageAuthentication a = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(GOOD_IP, "mail.reject.example", "alice@reject.example"), m);
        assertThat(a.spf()).isPresent();
        assertThat(a.spf().get().result()).isEqualTo(SpfVerdict.PASS);
        assertThat(a.dkim()).extracting(d -> d.status()).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
        assertThat(a.dkim()).extracting(d -> d.algorithm()).containsExactly("rsa-sha256", "ed25519-sha256");
        assertThat(a.arc().cv()).isEqualTo(ArcStatus.NONE);
        DmarcResult d = a.dmarc();
        assertThat(d.verdict()).isEqualTo(DmarcVerdict.PASS);
        assertThat(d.spfAligned()).isTrue();
        assertThat(d.dkimAligned()).isTrue();
        assertThat(d.disposition()).isEqualTo(Policy.NONE);
        List<String> b = headerB(m);
        assertThat(b).hasSize(2);
        assertThat(a.authenticationResults().value()).isEqualTo("mx.receiver.example; spf=pass smtp.mailfrom=alice@reject.example; "
                + "dkim=pass (2048-bit key) header.d=reject.example header.i=@reject.example header.s=rsa header.a=rsa-sha256 header.b=" + q(b.get(0)) + "; "
                + "dkim=pass (256-bit key) header.d=reject.example header.i=@reject.example header.s=ed header.a=ed25519-sha256 header.b=" + q(b.get(1)) + "; "
                + "arc=none; dmarc=pass (p=reject dis=none) header.from=reject.example polrec.p=reject");
        // the field we add parses back with our own RFC 8601 parser
        AuthenticationResultsParse p = AuthenticationResults.parse(a.authenticationResultsField().substring("Authentication-Results:".length()));
        assertThat(p).isInstanceOf(AuthenticationResultsParse.Parsed.class);
        assertThat(((AuthenticationResultsParse.Parsed) p).results().value()).isEqualTo(a.authenticationResults().value());
        // the stream path gives the same answer
        MessageAuthentication streamed;
        try {
            streamed = authenticator(DmarcOptions.defaults())
                    .authenticate(Envelope.of(GOOD_IP, "mail.reject.example", "alice@reject.example"), new ByteArrayInputStream(m));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(streamed.authenticationResults()).isEqualTo(a.authenticationResults());
    }

    /** header.b is a token unless it holds characters (like "/" or "=") that need quoting. */
    static String q(String b) {
        return b.matches("[A-Za-z0-9+.!#$%&'*^_`{|}~-]+") ? b : "\"" + b + "\"";
    }

    @Test
    void spfEvaluatedAtMailFromIsUsedAsGivenAtData() {
        MessageAuthenticator auth = authenticator(DmarcOptions.defaults());
        Envelope good = Envelope.of(GOOD_IP, "mail.reject.example", "ceo@reject.example");
        Envelope bad = Envelope.of(BAD_IP, "spoofer.invalid", "ceo@reject.example");
        org.mailward.auth.spf.SpfResult early = auth.evaluateSpf(good).orElseThrow();
        assertThat(early.result()).isEqualTo(SpfVerdict.PASS);
        assertThat(auth.authenticate(good, early, message("ceo@reject.example")))
                .isEqualTo(auth.authenticate(good, message("ceo@reject.example")));
        // the given result is used, not evaluated again: DMARC follows it
        MessageAuthentication a = auth.authenticate(bad, early, message("ceo@reject.example"));
        assertThat(a.spf()).contains(early);
        assertThat(a.dmarc().verdict()).isEqualTo(DmarcVerdict.PASS);
        assertThat(auth.evaluateSpf(Envelope.none())).isEmpty();
    }

    @Test
    void spoofedMessageFailsEverythingAndRejectPolicyRejects() {
        MessageAuthentication a = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(BAD_IP, "spoofer.invalid", "ceo@reject.example"), message("ceo@reject.example"));
        assertThat(a.spf().orElseThrow().result()).isEqualTo(SpfVerdict.FAIL);
        assertThat(a.dkim()).isEmpty();
        assertThat(a.dmarc().verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(a.dmarc().disposition()).isEqualTo(Policy.REJECT);
        assertThat(a.authenticationResults().value()).isEqualTo("mx.receiver.example; spf=fail smtp.mailfrom=ceo@reject.example; "
                + "dkim=none; arc=none; dmarc=fail (p=reject dis=reject) header.from=reject.example polrec.p=reject");
    }

    @Test
    void tamperedBodyFailsDkimButAlignedSpfStillPassesDmarc() {
        byte[] m = rsaSigner("quar.example").sign(message("alice@quar.example"));
        byte[] tampered = new String(m, StandardCharsets.ISO_8859_1).replace("the figures.", "the new bank details.")
                .getBytes(StandardCharsets.ISO_8859_1);
        MessageAuthentication a = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(GOOD_IP, "mail.quar.example", "alice@quar.example"), tampered);
        assertThat(a.dkim()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DkimStatus.FAIL);
            assertThat(d.reason()).isEqualTo("body hash mismatch");
        });
        assertThat(a.dmarc().verdict()).isEqualTo(DmarcVerdict.PASS);
        assertThat(a.dmarc().spfAligned()).isTrue();
        assertThat(a.dmarc().dkimAligned()).isFalse();
        assertThat(a.authenticationResults().value()).contains("dkim=fail (2048-bit key) reason=\"body hash mismatch\" header.d=quar.example");
        // from elsewhere, the same tampered message fails DMARC and quarantine applies
        MessageAuthentication b = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(BAD_IP, "x.invalid", "alice@quar.example"), tampered);
        assertThat(b.dmarc().verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(b.dmarc().disposition()).isEqualTo(Policy.QUARANTINE);
        assertThat(b.authenticationResults().value()).endsWith("dmarc=fail (p=quarantine dis=quarantine) header.from=quar.example polrec.p=quarantine");
    }

    @Test
    void pNoneMonitorsOnly() {
        MessageAuthentication a = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(BAD_IP, "x.invalid", "alice@none.example"), message("alice@none.example"));
        assertThat(a.spf().orElseThrow().result()).isEqualTo(SpfVerdict.SOFTFAIL);
        assertThat(a.dmarc().verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(a.dmarc().disposition()).isEqualTo(Policy.NONE);
        assertThat(a.authenticationResults().value()).isEqualTo("mx.receiver.example; spf=softfail smtp.mailfrom=alice@none.example; "
                + "dkim=none; arc=none; dmarc=fail (p=none dis=none) header.from=none.example polrec.p=none");
    }

    @Test
    void misalignedDkimAndSpfOfAnEspFailDmarc() {
        // the ESP signs with its own d= and uses its own bounce address: both pass, neither aligns with the From domain
        byte[] m = rsaSigner("esp.example").sign(message("news@reject.example"));
        MessageAuthentication a = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(ESP_IP, "out.esp.example", "bounce-123@esp.example"), m);
        assertThat(a.spf().orElseThrow().result()).isEqualTo(SpfVerdict.PASS);
        assertThat(a.dkim()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DkimStatus.PASS);
            assertThat(d.domain()).isEqualTo("esp.example");
        });
        DmarcResult d = a.dmarc();
        assertThat(d.verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(d.spfAligned()).isFalse();
        assertThat(d.dkimAligned()).isFalse();
        assertThat(d.disposition()).isEqualTo(Policy.REJECT);
        assertThat(d.dkim()).singleElement().satisfies(e -> assertThat(e.aligned()).isFalse());
    }

    @Test
    void relaxedAlignmentAcceptsASubdomainSignerAndSpOrNpApplyBelowTheOrganisationalDomain() {
        // d=parent.example signs mail From sub.parent.example: relaxed alignment (RFC 7489 3.1.1) → pass
        byte[] m = edSigner("parent.example").sign(message("alice@sub.parent.example"));
        MessageAuthentication pass = authenticator(DmarcOptions.defaults()).authenticate(Envelope.none(), m);
        assertThat(pass.spf()).isEmpty();
        assertThat(pass.spfNotEvaluated()).isEqualTo("no client IP address");
        assertThat(pass.dmarc().verdict()).isEqualTo(DmarcVerdict.PASS);
        assertThat(pass.dmarc().dkimAligned()).isTrue();
        assertThat(pass.authenticationResults().value()).doesNotContain("spf=")
                .contains("dmarc=pass (p=reject sp=quarantine np=reject dis=none) header.from=sub.parent.example polrec.p=reject polrec.domain=parent.example");

        // unsigned from an existing subdomain: sp=quarantine
        MessageAuthentication sp = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(BAD_IP, "x.invalid", "a@sub.parent.example"), message("a@sub.parent.example"));
        assertThat(sp.dmarc().verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(sp.dmarc().appliedPolicy()).contains(DmarcResult.AppliedPolicy.SP);
        assertThat(sp.dmarc().disposition()).isEqualTo(Policy.QUARANTINE);

        // unsigned from a subdomain that does not exist: np=reject (DMARCbis)
        MessageAuthentication np = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(BAD_IP, "x.invalid", "a@ghost.parent.example"), message("a@ghost.parent.example"));
        assertThat(np.spf().orElseThrow().result()).isEqualTo(SpfVerdict.NONE);
        assertThat(np.dmarc().appliedPolicy()).contains(DmarcResult.AppliedPolicy.NP);
        assertThat(np.dmarc().disposition()).isEqualTo(Policy.REJECT);
        assertThat(np.authenticationResults().value()).endsWith(
                "dmarc=fail (p=reject sp=quarantine np=reject dis=reject) header.from=ghost.parent.example polrec.p=reject polrec.domain=parent.example");
    }

    @Test
    void forwardedMessageWithAPassingArcChainIsSavedOnlyByATrustedSealer() {
        byte[] original = rsaSigner("reject.example").sign(message("alice@reject.example"));
        // the mailing list changes the subject and the body, then seals what it saw
        byte[] modified = new String(original, StandardCharsets.ISO_8859_1)
                .replace("Subject: Quarterly figures", "Subject: [team] Quarterly figures")
                .replace("the figures.\r\n", "the figures.\r\n-- \r\nteam mailing list\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ArcSealer sealer = ArcSealer.builder("fwd.example", "arc", arcKey.getPrivate(), CLOCK).build();
        ArcSealer.Outcome o = sealer.seal(modified, "mx.fwd.example",
                "spf=pass smtp.mailfrom=alice@reject.example; dkim=pass header.d=reject.example; dmarc=pass header.from=reject.example",
                ArcStatus.NONE);
        assertThat(o).isInstanceOf(ArcSealer.Sealed.class);
        byte[] forwarded = ((ArcSealer.Sealed) o).applyTo(modified, false);
        Envelope env = Envelope.of(FWD_IP, "mx.fwd.example", "team-bounces@fwd.example");

        MessageAuthentication untrusted = authenticator(DmarcOptions.defaults()).authenticate(env, forwarded);
        assertThat(untrusted.spf().orElseThrow().result()).isEqualTo(SpfVerdict.PASS);
        assertThat(untrusted.dkim()).singleElement().satisfies(d -> assertThat(d.status()).isEqualTo(DkimStatus.FAIL));
        assertThat(untrusted.arc().cv()).isEqualTo(ArcStatus.PASS);
        assertThat(untrusted.arc().instances()).isEqualTo(1);
        assertThat(untrusted.dmarc().verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(untrusted.dmarc().disposition()).isEqualTo(Policy.REJECT);
        assertThat(untrusted.dmarc().arcOverride()).isFalse();
        assertThat(untrusted.authenticationResults().value())
                .contains("; arc=pass (i=1) header.oldest-pass=0 smtp.remote-ip=198.51.100.77; ");

        MessageAuthentication trusted = authenticator(DmarcOptions.defaults().withTrustedArcSealers(Set.of("fwd.example")))
                .authenticate(env, forwarded);
        assertThat(trusted.dmarc().verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(trusted.dmarc().disposition()).isEqualTo(Policy.NONE);
        assertThat(trusted.dmarc().arcOverride()).isTrue();
        assertThat(trusted.authenticationResults().value()).endsWith(
                "arc=pass (i=1) header.oldest-pass=0 smtp.remote-ip=198.51.100.77; dmarc=fail (p=reject dis=none) "
                        + "reason=\"local_policy: arc=pass as[1].d=fwd.example (trusted ARC sealer)\" header.from=reject.example polrec.p=reject");
    }

    @Test
    void nullSenderUsesHeloForSpfAndAlignment() {
        MessageAuthentication a = authenticator(DmarcOptions.defaults())
                .authenticate(Envelope.of(GOOD_IP, "reject.example", ""), message("postmaster@reject.example"));
        assertThat(a.spf().orElseThrow().result()).isEqualTo(SpfVerdict.PASS);
        assertThat(a.spf().get().domain()).isEqualTo("reject.example");
        assertThat(a.dmarc().verdict()).isEqualTo(DmarcVerdict.PASS);
        assertThat(a.dmarc().spfAligned()).isTrue();
        assertThat(a.authenticationResults().value()).startsWith("mx.receiver.example; spf=pass smtp.helo=reject.example; dkim=none;");
    }

    @Test
    void spfWithoutAnyIdentityIsNotEvaluated() {
        MessageAuthentication a = authenticator(DmarcOptions.defaults())
                .authenticate(new Envelope(java.util.Optional.of(GOOD_IP), "", ""), message("alice@reject.example"));
        assertThat(a.spf()).isEmpty();
        assertThat(a.spfNotEvaluated()).isEqualTo("neither MAIL FROM nor HELO given");
        assertThat(a.dmarc().verdict()).isEqualTo(DmarcVerdict.FAIL);
    }

    @Test
    void messageIsReadOnceAndDnsIsAskedOncePerKeyWithACache() {
        byte[] m = DkimSigner.signAll(message("alice@reject.example"), List.of(rsaSigner("reject.example"), edSigner("reject.example")));
        CountingResolver counting = new CountingResolver(zone);
        MessageAuthenticator auth = new MessageAuthenticator(new org.mailward.dns.CachingResolver(counting, CLOCK), CLOCK,
                PublicSuffixList.bundled(), DmarcOptions.defaults(), new Random(1), ID);
        Envelope env = Envelope.of(GOOD_IP, "mail.reject.example", "alice@reject.example");
        MessageAuthentication first = auth.authenticate(env, m);
        long afterFirst = counting.count();
        MessageAuthentication second = auth.authenticate(env, m);
        assertThat(second).isEqualTo(first);
        assertThat(afterFirst).isPositive();
        assertThat(counting.count()).as("the second message is answered from the cache").isEqualTo(afterFirst);
    }

    @Test
    void verdictMappingIntoDmarcIsOneToOneByKeyword() {
        for (SpfVerdict v : SpfVerdict.values()) {
            assertThat(MessageAuthenticator.spfVerdict(v).keyword()).isEqualTo(v.keyword());
        }
        for (DkimStatus s : DkimStatus.values()) {
            assertThat(MessageAuthenticator.dkimVerdict(s).keyword()).isEqualTo(s.token());
        }
        for (ArcStatus s : ArcStatus.values()) {
            assertThat(MessageAuthenticator.arcChain(s).name()).isEqualTo(s.name());
        }
    }
}
