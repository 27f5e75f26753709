package org.mailward.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Loading trust anchors: the JDK's default store, a PEM bundle, or a PKCS#12/JKS key store file. */
public final class TrustStores {

    private TrustStores() {
    }

    /** The JDK's default trust anchors (its cacerts). */
    public static Set<X509Certificate> jdkDefault() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            Set<X509Certificate> out = new HashSet<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    Collections.addAll(out, x.getAcceptedIssuers());
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JDK trust store: " + e.getMessage(), e);
        }
    }

    /** Certificates from a PEM bundle, or from a PKCS#12 / JKS file (empty password). */
    public static Set<X509Certificate> load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] data = in.readAllBytes();
            String head = new String(data, 0, Math.min(data.length, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
            Set<X509Certificate> out = new HashSet<>();
            if (head.contains("-----BEGIN")) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(data))) {
                    out.add((X509Certificate) c);
                }
                return out;
            }
            KeyStore ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            ks.load(new java.io.ByteArrayInputStream(data), new char[0]);
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) instanceof X509Certificate x) {
                    out.add(x);
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException("not a certificate bundle or key store: " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
