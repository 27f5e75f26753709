package org.mailward.check.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Vector;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * A TLS 1.2-only server on Bouncy Castle's low-level API that does not negotiate Extended Master Secret (RFC 7627):
 * BC JSSE and the JDK server always do unless a JVM-wide property says otherwise. ECDHE_ECDSA with AES-GCM/ChaCha20
 * only, server preference, an EC identity. Like BC JSSE it refuses renegotiation.
 */
final class NoEmsTlsServer extends DefaultTlsServer {

    private final TestCerts.Identity id;

    private NoEmsTlsServer(JcaTlsCrypto crypto, TestCerts.Identity id) {
        super(crypto);
        this.id = id;
    }

    /** Runs one handshake on {@code in}/{@code out} (after STARTTLS) and waits until the client closes. */
    static void serve(InputStream in, OutputStream out, TestCerts.Identity id) throws IOException {
        JcaTlsCrypto crypto = (JcaTlsCrypto) new JcaTlsCryptoProvider().create(new SecureRandom());
        TlsServerProtocol protocol = new TlsServerProtocol(in, out);
        protocol.accept(new NoEmsTlsServer(crypto, id));
        protocol.getInputStream().read();
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};
    }

    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    public boolean shouldUseExtendedMasterSecret() {
        return false;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        JcaTlsCrypto crypto = (JcaTlsCrypto) getCrypto();
        TlsCertificate[] chain = new TlsCertificate[id.chain().size()];
        try {
            for (int i = 0; i < chain.length; i++) {
                X509Certificate c = id.chain().get(i);
                chain[i] = crypto.createCertificate(c.getEncoded());
            }
        } catch (CertificateEncodingException e) {
            throw new IOException(e);
        }
        // RFC 5246 7.4.1.4.1: a SHA-2 ECDSA scheme the client offered, SHA-256 when it offered none
        SignatureAndHashAlgorithm chosen = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
        Vector<?> offered = context.getSecurityParametersHandshake().getClientSigAlgs();
        if (offered != null) {
            for (Object o : offered) {
                SignatureAndHashAlgorithm a = (SignatureAndHashAlgorithm) o;
                if (a.getSignature() == SignatureAlgorithm.ecdsa && a.getHash() == HashAlgorithm.sha256) {
                    chosen = a;
                    break;
                }
            }
        }
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, id.key(), new Certificate(chain), chosen);
    }
}
