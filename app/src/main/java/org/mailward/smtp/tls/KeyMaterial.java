package org.mailward.smtp.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A certificate chain (leaf first) and its private key, loaded from PEM or generated self-signed. */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    public KeyMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    /** Loads a PEM chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC). */
    public static KeyMaterial loadPem(Path chainFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(chainFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o;
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(conv.getCertificate(h));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("bad certificate in " + chainFile + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + chainFile);
        }
        PrivateKey key;
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                key = conv.getKeyPair(kp).getPrivate();
            } else if (o instanceof PrivateKeyInfo pki) {
                key = conv.getPrivateKey(pki);
            } else {
                throw new IOException("no unencrypted private key in " + keyFile);
            }
        }
        return new KeyMaterial(chain, key);
    }

    /** A self-signed RSA-2048 certificate for {@code hostname}, valid for {@code validity} from now. */
    public static KeyMaterial selfSigned(String hostname, Clock clock, Duration validity) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, new SecureRandom());
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=" + hostname.replace(",", "").replace("=", ""));
            Date from = Date.from(clock.instant().minus(Duration.ofHours(1)));
            Date to = Date.from(clock.instant().plus(validity));
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()).abs(), from, to, name, kp.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
            X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate()));
            return new KeyMaterial(List.of(new JcaX509CertificateConverter().getCertificate(h)), kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** Writes the chain and key as PEM (key file readable by the owner only where the file system allows). */
    public void writePem(Path chainFile, Path keyFile) throws IOException {
        StringWriter c = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(c)) {
            for (X509Certificate x : chain) {
                w.writeObject(x);
            }
        }
        StringWriter k = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(k)) {
            w.writeObject(key);
        }
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
        Files.writeString(tmp, k.toString(), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path ctmp = chainFile.resolveSibling(chainFile.getFileName() + ".tmp");
        Files.writeString(ctmp, c.toString(), StandardCharsets.US_ASCII);
        Files.move(ctmp, chainFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** A server SSLContext presenting this chain. */
    public SSLContext serverContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "mailward".toCharArray();
            ks.setKeyEntry("server", key, pw, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }
}
