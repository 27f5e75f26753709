package org.mailward.reports.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.mailward.smtp.tls.KeyMaterial;

/** The IMAP client's TLS sockets check the server name against the certificate (RFC 6125), trust aside. */
class VerifyingSocketFactoryTest {

    static SSLContext trusting(KeyMaterial k) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("server", k.chain().get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Handshakes once against a server presenting {@code k}, connecting by {@code host}. */
    static void handshake(KeyMaterial k, String host) throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) k.serverContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (SSLSocket s = (SSLSocket) server.accept(); InputStream in = s.getInputStream()) {
                    s.startHandshake();
                    in.read();
                } catch (Exception ignored) {
                    // the client may abort the handshake
                }
            });
            try (SSLSocket c = (SSLSocket) new ImapReportFetcher.VerifyingSocketFactory(trusting(k).getSocketFactory())
                    .createSocket(host, server.getLocalPort())) {
                c.startHandshake();
            } finally {
                t.join(5000);
            }
        }
    }

    @Test
    void aTrustedCertificateForTheNameIsAccepted() throws Exception {
        handshake(KeyMaterial.selfSigned("localhost", Clock.systemUTC(), Duration.ofDays(1)), "localhost");
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefused() {
        KeyMaterial other = KeyMaterial.selfSigned("imap.other.example", Clock.systemUTC(), Duration.ofDays(1));
        assertThatThrownBy(() -> handshake(other, "localhost"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .hasMessageContaining("localhost");
        assertThat(other.chain()).hasSize(1);
    }
}
