package org.mailward.bench;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.DmarcVerdict;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.verify.Envelope;
import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.auth.verify.MessageAuthenticator;
import org.mailward.dns.CachingResolver;
import org.mailward.dns.ZoneFileResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-message authentication, the gateway's per-message cost: {@link MessageAuthenticator} on a 5 KB message with
 * one DKIM signature (RSA-2048 or Ed25519), SPF for the envelope (a record with an include and ip4/ip6 lists), ARC
 * (none present) and DMARC (p=reject, DMARCbis discovery), and the Authentication-Results field rendered. DNS answers
 * come from a warm {@code CachingResolver} over a zone ("SPF cached"); one thread = one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class MessageAuthenticationBench {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Param({"rsa-2048", "ed25519"})
    public String key;

    MessageAuthenticator authenticator;
    Envelope envelope;
    byte[] signed;
    java.security.PublicKey publicKey;
    org.mailward.auth.dkim.DkimVerifier dkimOnly;
    org.mailward.auth.spf.SpfEvaluator spfOnly;
    org.mailward.auth.dmarc.DmarcEvaluator dmarcOnly;
    org.mailward.auth.dmarc.DmarcInput dmarcInput;
    String jdkAlgorithm;
    byte[] rawData;
    byte[] rawSignature;

    @Setup
    public void setUp() throws Exception {
        boolean rsa = key.startsWith("rsa");
        var pair = rsa ? DkimKeys.generate(DkimKeys.KeyType.RSA, 2048) : DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
        signed = DkimSigner.builder("example.org", "sel", pair.getPrivate(), CLOCK).build().sign(DkimBench.fiveKilobyteMessage());
        String zone = "$TTL 3600\n"
                + DkimKeys.zoneLine("sel._domainkey.example.org", DkimKeys.recordValue(pair.getPublic())) + "\n"
                + "example.org. IN TXT \"v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 include:_spf.esp.example -all\"\n"
                + "_spf.esp.example. IN TXT \"v=spf1 ip4:198.51.100.0/24 ip4:192.0.2.0/24 -all\"\n"
                + "_dmarc.example.org. IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.org\"\n";
        CachingResolver resolver = new CachingResolver(ZoneFileResolver.fromText(zone), CLOCK);
        authenticator = new MessageAuthenticator(resolver, CLOCK, PublicSuffixList.bundled(), DmarcOptions.defaults(), new Random(1), "mx.example.com");
        dkimOnly = new org.mailward.auth.dkim.DkimVerifier(resolver, CLOCK);
        spfOnly = new org.mailward.auth.spf.SpfEvaluator(resolver, CLOCK, "mx.example.com");
        dmarcOnly = new org.mailward.auth.dmarc.DmarcEvaluator(resolver, PublicSuffixList.bundled(), DmarcOptions.defaults(), new Random(1));
        dmarcInput = org.mailward.auth.dmarc.DmarcInput.builder().from("Alice Example <alice@example.org>").mailFrom("alice@example.org")
                .helo("mail.example.org").spf("example.org", org.mailward.auth.dmarc.DmarcInput.SpfScope.MFROM, org.mailward.auth.dmarc.DmarcInput.SpfVerdict.PASS)
                .dkim("example.org", "sel", org.mailward.auth.dmarc.DmarcInput.DkimVerdict.PASS).build();
        envelope = Envelope.of(InetAddress.getByName("192.0.2.10"), "mail.example.org", "alice@example.org");
        MessageAuthentication a = authenticator.authenticate(envelope, signed);
        // baseline: the raw JDK signature check alone, on an input the size of a DKIM header hash input
        publicKey = pair.getPublic();
        jdkAlgorithm = rsa ? "SHA256withRSA" : "Ed25519";
        rawData = java.util.Arrays.copyOf(signed, rsa ? 700 : 32); // Ed25519 DKIM signs the 32-byte SHA-256 digest (RFC 8463)
        java.security.Signature sg = java.security.Signature.getInstance(jdkAlgorithm);
        sg.initSign(pair.getPrivate());
        sg.update(rawData);
        rawSignature = sg.sign();
        if (a.dkim().size() != 1 || !a.dkim().get(0).passed() || a.dmarc().verdict() != DmarcVerdict.PASS
                || a.spf().isEmpty() || a.spf().get().result() != org.mailward.auth.spf.SpfVerdict.PASS) {
            throw new IllegalStateException("benchmark message does not pass: " + a);
        }
    }

    /** The same run's raw JDK signature verification (one per message): the floor of the per-message cost. */
    @Benchmark
    public boolean rawJdkSignatureVerify() throws Exception {
        java.security.Signature v = java.security.Signature.getInstance(jdkAlgorithm);
        v.initVerify(publicKey);
        v.update(rawData);
        return v.verify(rawSignature);
    }

    /** Breakdown: DKIM verification alone (parse, body hash, key record, signature). */
    @Benchmark
    public Object partDkim() {
        return dkimOnly.verify(signed);
    }

    /** Breakdown: SPF alone (cached DNS). */
    @Benchmark
    public Object partSpf() {
        return spfOnly.evaluate(new org.mailward.auth.spf.SpfRequest(envelope.clientIp().orElseThrow(), envelope.mailFrom(), envelope.helo()));
    }

    /** Breakdown: DMARC alone (cached DNS). */
    @Benchmark
    public Object partDmarc() {
        return dmarcOnly.evaluate(dmarcInput);
    }

    @Benchmark
    public MessageAuthentication authenticate() {
        return authenticator.authenticate(envelope, signed);
    }
}
