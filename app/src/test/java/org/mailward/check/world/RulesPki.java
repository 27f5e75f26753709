package org.mailward.check.world;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the rules of the BIMI and revocation parts of the test world (kept apart from {@link TestCerts}):
 * mark certificates with the BIMI extended key usage, MX certificates with CRL distribution points and OCSP
 * responders, the CRLs and OCSP responses about them.
 */
public final class RulesPki {

    private static long serial = 1_000_000 + (System.nanoTime() & 0xffffff);

    private RulesPki() {
    }

    /** A mark certificate (EKU 1.3.6.1.5.5.7.3.31) for {@code domain}, issued by {@code ca}, as PEM. */
    public static synchronized String markCertificatePem(TestCerts.Identity ca, String domain, Instant from, Instant to) throws Exception {
        KeyPair kp = TestCerts.ec();
        X509Certificate issuer = ca.chain().get(0);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer.getSubjectX500Principal().getName()),
                BigInteger.valueOf(serial++), Date.from(from), Date.from(to), new X500Name("CN=" + domain), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.getInstance(new ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.31"))));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, domain)));
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        return pem(List.of(c, issuer));
    }

    static String pem(List<X509Certificate> certs) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            sb.append("-----BEGIN CERTIFICATE-----\n").append(Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return sb.toString();
    }
    /** An MX leaf for {@code name} issued by {@code ca}, with an HTTP CRL distribution point and/or OCSP responder. */
    public static synchronized TestCerts.Identity revocableLeaf(TestCerts.Identity ca, String name, Instant from, Instant to, String crlUrl,
                                                               String ocspUrl) throws Exception {
        KeyPair kp = TestCerts.ec();
        X509Certificate issuer = ca.chain().get(0);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer.getSubjectX500Principal().getName()),
                BigInteger.valueOf(serial++), Date.from(from), Date.from(to), new X500Name("CN=" + name), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        if (crlUrl != null) {
            GeneralNames gn = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl));
            b.addExtension(Extension.cRLDistributionPoints, false, new org.bouncycastle.asn1.x509.CRLDistPoint(new org.bouncycastle.asn1.x509.DistributionPoint[] {
                    new org.bouncycastle.asn1.x509.DistributionPoint(new org.bouncycastle.asn1.x509.DistributionPointName(gn), null, null)}));
        }
        if (ocspUrl != null) {
            b.addExtension(Extension.authorityInfoAccess, false, new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
                    org.bouncycastle.asn1.x509.AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
        }
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        return new TestCerts.Identity(kp.getPrivate(), List.of(c, issuer));
    }

    /** A CRL of {@code ca} (DER) revoking the given certificates, current from {@code now - 1 day} to {@code now + 7 days}. */
    public static byte[] crl(TestCerts.Identity ca, Instant now, List<X509Certificate> revoked) throws Exception {
        X509Certificate issuer = ca.chain().get(0);
        org.bouncycastle.cert.X509v2CRLBuilder b = new org.bouncycastle.cert.X509v2CRLBuilder(
                new X500Name(issuer.getSubjectX500Principal().getName()), Date.from(now.minus(java.time.Duration.ofDays(1))));
        b.setNextUpdate(Date.from(now.plus(java.time.Duration.ofDays(7))));
        for (X509Certificate c : revoked) {
            b.addCRLEntry(c.getSerialNumber(), Date.from(now.minus(java.time.Duration.ofDays(2))), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        }
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())).getEncoded();
    }

    /** An OCSP response (DER) signed by {@code ca} saying {@code leaf} is revoked. */
    public static byte[] ocspRevoked(TestCerts.Identity ca, X509Certificate leaf, Instant now) throws Exception {
        X509Certificate issuer = ca.chain().get(0);
        var holder = new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(issuer);
        var id = new org.bouncycastle.cert.ocsp.CertificateID(new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build()
                .get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1), holder, leaf.getSerialNumber());
        var b = new org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder(new org.bouncycastle.cert.ocsp.RespID(holder.getSubject()));
        b.addResponse(id, new org.bouncycastle.cert.ocsp.RevokedStatus(Date.from(now.minus(java.time.Duration.ofDays(2))),
                org.bouncycastle.asn1.x509.CRLReason.keyCompromise), Date.from(now.minus(java.time.Duration.ofHours(1))),
                Date.from(now.plus(java.time.Duration.ofDays(2))), null);
        var basic = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key()), null, Date.from(now));
        return new org.bouncycastle.cert.ocsp.OCSPRespBuilder().build(org.bouncycastle.cert.ocsp.OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }
}
