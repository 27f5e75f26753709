package org.mailward.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.mailward.dns.DnsRecord;

/** RFC 7672 3.1: DANE-EE(3) and DANE-TA(2) matching, name and validity rules, unusable usages. */
class DaneVerifierTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    static X509Certificate cert(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca, String dnsName,
                                Instant from, Instant to) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer), BigInteger.valueOf(System.nanoTime()),
                Date.from(from), Date.from(to), new X500Name("CN=" + subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (dnsName != null) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    static DnsRecord.Tlsa tlsa(int usage, int selector, int matching, X509Certificate c) throws Exception {
        byte[] data = selector == 0 ? c.getEncoded() : c.getPublicKey().getEncoded();
        byte[] a = matching == 0 ? data : MessageDigest.getInstance(matching == 1 ? "SHA-256" : "SHA-512").digest(data);
        return new DnsRecord.Tlsa(usage, selector, matching, a, 300);
    }

    @Test
    void daneTaNeedsTheAnchorInTheChainAValidChainBelowItAndTheMxName() throws Exception {
        KeyPair caKeys = keys();
        KeyPair leafKeys = keys();
        Instant from = NOW.minus(Duration.ofDays(1));
        Instant to = NOW.plus(Duration.ofDays(30));
        X509Certificate ca = cert("Test CA", caKeys, "Test CA", caKeys, true, null, from, to);
        X509Certificate leaf = cert("mx.ta.example", leafKeys, "Test CA", caKeys, false, "*.ta.example", from, to);
        List<X509Certificate> chain = List.of(leaf, ca);
        for (int sel = 0; sel <= 1; sel++) {
            for (int mt = 0; mt <= 2; mt++) {
                assertThat(DaneVerifier.verify(List.of(tlsa(2, sel, mt, ca)), chain, "mx.ta.example", CLOCK)).as("2 %d %d", sel, mt).isEmpty();
            }
        }
        assertThat(DaneVerifier.verify(List.of(tlsa(2, 1, 1, ca)), chain, "mx.other.example", CLOCK)).contains("not valid for mx.other.example");
        assertThat(DaneVerifier.verify(List.of(tlsa(2, 1, 1, ca)), List.of(leaf), "mx.ta.example", CLOCK)).contains("no TLSA record matches");
        // DANE-TA does not match the leaf itself
        assertThat(DaneVerifier.verify(List.of(tlsa(2, 1, 1, leaf)), chain, "mx.ta.example", CLOCK)).isNotEmpty();

        X509Certificate expired = cert("mx.ta.example", leafKeys, "Test CA", caKeys, false, "mx.ta.example", from.minus(Duration.ofDays(9)),
                NOW.minus(Duration.ofHours(1)));
        assertThat(DaneVerifier.verify(List.of(tlsa(2, 1, 1, ca)), List.of(expired, ca), "mx.ta.example", CLOCK)).contains("does not verify");
        // RFC 7672 3.1.1: DANE-EE ignores names and validity dates
        assertThat(DaneVerifier.verify(List.of(tlsa(3, 1, 1, expired)), List.of(expired), "anything.example", CLOCK)).isEmpty();

        KeyPair otherCa = keys();
        X509Certificate forged = cert("mx.ta.example", leafKeys, "Test CA", otherCa, false, "mx.ta.example", from, to);
        assertThat(DaneVerifier.verify(List.of(tlsa(2, 1, 1, ca)), List.of(forged, ca), "mx.ta.example", CLOCK)).contains("does not verify");
    }

    @Test
    void pkixUsagesAndUnknownParametersAreUnusable() throws Exception {
        KeyPair k = keys();
        X509Certificate c = cert("mx.example", k, "mx.example", k, false, "mx.example", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        assertThat(DaneVerifier.usable(tlsa(3, 1, 1, c))).isTrue();
        assertThat(DaneVerifier.usable(tlsa(1, 1, 1, c))).isFalse();
        assertThat(DaneVerifier.usable(tlsa(0, 0, 1, c))).isFalse();
        assertThat(DaneVerifier.usable(new DnsRecord.Tlsa(3, 2, 1, new byte[32], 300))).isFalse();
        assertThat(DaneVerifier.usable(new DnsRecord.Tlsa(3, 1, 3, new byte[32], 300))).isFalse();
        assertThat(DaneVerifier.verify(List.of(tlsa(1, 1, 1, c)), List.of(c), "mx.example", CLOCK)).contains("no TLSA record matches");
        assertThat(DaneVerifier.verify(List.of(tlsa(3, 0, 2, c)), List.of(c), "mx.example", CLOCK)).isEmpty();
        assertThat(DaneVerifier.verify(List.of(tlsa(3, 1, 1, c)), List.of(), "mx.example", CLOCK)).contains("no certificate");
    }
}
