package org.mailward.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageReader;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DKIM verify and sign of a 5 KB message against the raw JDK signature operation on the same header hash input, in
 * the same run: the ratio (Mailward ops/s ÷ raw ops/s) is the share of time spent in the signature arithmetic; the
 * rest is message parsing, canonicalisation, hashing, DNS key record parsing and result building. Target: >= 0.9.
 * The resolver is in memory (an answer per call, as a cache hit would give); the key record is parsed on every
 * verification, as it is per message in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DkimBench {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    byte[] message;
    KeyPair rsa;
    KeyPair ed;
    DkimSigner rsaSigner;
    DkimSigner edSigner;
    byte[] rsaSigned;
    byte[] edSigned;
    DkimVerifier verifier;
    byte[] rsaHeaderData;
    byte[] rsaSignature;
    byte[] edHeaderDigest;
    byte[] edSignature;
    int rsaBodyStart;
    MessageDigest sha256;

    /** A realistic 5 KB message: a dozen header fields, a text body of about 4.5 KB. */
    static byte[] fiveKilobyteMessage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Received: from mail.example.org (mail.example.org [192.0.2.10])\r\n\tby mx.example.com with ESMTPS id 4AbCdEf; Mon, 01 Jan 2024 10:00:00 +0000\r\n");
        sb.append("From: Alice Example <alice@example.org>\r\nTo: Bob <bob@example.com>\r\nCc: carol@example.com\r\n");
        sb.append("Subject: Quarterly report and the minutes of the last meeting\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n");
        sb.append("Message-ID: <20240101100000.12345@example.org>\r\nMIME-Version: 1.0\r\n");
        sb.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        int i = 0;
        while (sb.length() < 5 * 1024 - 80) {
            sb.append("Line ").append(i++).append(" of the report: the quick brown fox jumps over the lazy dog.  \r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Setup
    public void setUp() throws Exception {
        message = fiveKilobyteMessage();
        rsa = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);
        ed = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
        rsaSigner = DkimSigner.builder("example.org", "rsa", rsa.getPrivate(), CLOCK).build();
        edSigner = DkimSigner.builder("example.org", "ed", ed.getPrivate(), CLOCK).build();
        rsaSigned = rsaSigner.sign(message);
        edSigned = edSigner.sign(message);
        Map<String, String> keys = Map.of("rsa._domainkey.example.org", DkimKeys.recordValue(rsa.getPublic()),
                "ed._domainkey.example.org", DkimKeys.recordValue(ed.getPublic()));
        Resolver resolver = (name, type) -> {
            String n = Resolver.normalise(name);
            String v = keys.get(n);
            return v == null ? DnsAnswer.nxdomain(n, type)
                    : DnsAnswer.of(n, RecordType.TXT, List.of(new DnsRecord.Txt(DkimKeys.txtStrings(v), 300)));
        };
        verifier = new DkimVerifier(resolver, CLOCK);
        check(verifier.verify(rsaSigned));
        check(verifier.verify(edSigned));
        // the exact header hash input of each signature, for the raw baselines
        rsaHeaderData = headerData(rsaSigned);
        edHeaderDigest = MessageDigest.getInstance("SHA-256").digest(headerData(edSigned));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.getPrivate());
        s.update(rsaHeaderData);
        rsaSignature = s.sign();
        rsaBodyStart = bodyStart(rsaSigned);
        sha256 = MessageDigest.getInstance("SHA-256");
        Signature e = Signature.getInstance("Ed25519");
        e.initSign(ed.getPrivate());
        e.update(edHeaderDigest);
        edSignature = e.sign();
    }

    private static void check(List<DkimResult> r) {
        if (r.size() != 1 || !r.get(0).passed()) {
            throw new IllegalStateException("benchmark message does not verify: " + r);
        }
    }

    private static int bodyStart(byte[] m) {
        for (int i = 0; i + 3 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i + 4;
            }
        }
        throw new IllegalStateException("no body");
    }

    /** The relaxed header hash input of the first signature, rebuilt as the verifier does. */
    private static byte[] headerData(byte[] signed) {
        var headers = MessageReader.headers(signed);
        HeaderField sig = headers.first("DKIM-Signature").orElseThrow();
        var parsed = ((org.mailward.auth.dkim.DkimSignature.Valid) org.mailward.auth.dkim.DkimSignature.parse(sig)).signature();
        return org.mailward.auth.dkim.HeaderHashInput.build(headers.fields(), parsed.signedHeaders(), parsed.headerCanon(), sig, sig);
    }

    @Benchmark
    public List<DkimResult> rsaVerifyMailward() {
        return verifier.verify(rsaSigned);
    }

    @Benchmark
    public boolean rsaVerifyRawJdk() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(rsa.getPublic());
        s.update(rsaHeaderData);
        return s.verify(rsaSignature);
    }

    /**
     * The least any DKIM verifier must do beyond the raw signature check: the raw check plus one SHA-256 over the
     * body's bytes. Its rate against {@link #rsaVerifyRawJdk} is the ceiling of the verify ratio on this machine.
     */
    @Benchmark
    public boolean rsaVerifyRawJdkPlusBodyHash() throws Exception {
        sha256.update(rsaSigned, rsaBodyStart, rsaSigned.length - rsaBodyStart);
        sha256.digest();
        return rsaVerifyRawJdk();
    }

    @Benchmark
    public byte[] rsaSignMailward() {
        return rsaSigner.sign(message);
    }

    @Benchmark
    public byte[] rsaSignRawJdk() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.getPrivate());
        s.update(rsaHeaderData);
        return s.sign();
    }

    @Benchmark
    public List<DkimResult> ed25519VerifyMailward() {
        return verifier.verify(edSigned);
    }

    @Benchmark
    public boolean ed25519VerifyRawJdk() throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(ed.getPublic());
        s.update(edHeaderDigest);
        return s.verify(edSignature);
    }

    @Benchmark
    public byte[] ed25519SignMailward() {
        return edSigner.sign(message);
    }

    @Benchmark
    public byte[] ed25519SignRawJdk() throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(ed.getPrivate());
        s.update(edHeaderDigest);
        return s.sign();
    }
}
