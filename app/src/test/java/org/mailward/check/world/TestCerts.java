package org.mailward.check.world;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for the test world, made with Bouncy Castle: a test CA, leaves with chosen names, dates, keys. */
public final class TestCerts {

    /** A key and its chain (leaf first). */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {
        public KeyStore keyStore(char[] password) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, password, chain.toArray(new X509Certificate[0]));
            return ks;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static long serial = System.nanoTime();
    private static boolean eku;

    private TestCerts() {
    }

    public static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    public static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits, RANDOM);
        return g.generateKeyPair();
    }

    /** A self-signed CA certificate. */
    public static Identity ca(String cn, Instant from, Instant to) throws Exception {
        KeyPair kp = ec();
        X509Certificate c = build(new X500Name("CN=" + cn), new X500Name("CN=" + cn), kp, kp.getPrivate(), from, to, List.of(), true, "SHA256withECDSA");
        return new Identity(kp.getPrivate(), List.of(c));
    }

    /** A leaf for {@code names} (SAN dNSNames, CN = first name) issued by {@code issuer} (or self-signed when null). */
    public static synchronized Identity leaf(Identity issuer, List<String> names, Instant from, Instant to, KeyPair kp, String sigAlg) throws Exception {
        return leaf(issuer, names, from, to, kp, sigAlg, false);
    }

    /** As above; {@code clientAuthOnly} adds an extendedKeyUsage of clientAuth only (wrong for a server). */
    public static synchronized Identity leaf(Identity issuer, List<String> names, Instant from, Instant to, KeyPair kp, String sigAlg,
                                boolean clientAuthOnly) throws Exception {
        eku = clientAuthOnly;
        X500Name subject = new X500Name("CN=" + names.get(0));
        if (issuer == null) {
            X509Certificate c = build(subject, subject, kp, kp.getPrivate(), from, to, names, false, sigAlg);
            return new Identity(kp.getPrivate(), List.of(c));
        }
        X509Certificate ca = issuer.chain().get(0);
        X509Certificate c = build(new X500Name(ca.getSubjectX500Principal().getName()), subject, kp, issuer.key(), from, to, names, false, sigAlg);
        return new Identity(kp.getPrivate(), List.of(c, ca));
    }

    private static X509Certificate build(X500Name issuer, X500Name subject, KeyPair kp, PrivateKey signer, Instant from, Instant to,
                                         List<String> names, boolean ca, String sigAlg) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++), Date.from(from), Date.from(to), subject, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (eku && !ca) {
            b.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth));
        }
        if (!names.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
        }
        String alg = signer.getAlgorithm().equals("EC") && sigAlg.endsWith("RSA") ? "SHA256withECDSA" : sigAlg;
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
    }
}
