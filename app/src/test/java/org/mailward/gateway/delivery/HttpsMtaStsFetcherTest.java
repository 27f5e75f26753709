package org.mailward.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.smtp.tls.KeyMaterial;

/** The production policy fetcher against a local HTTPS server on 127.0.0.1 (RFC 8461 3.3 rules). */
class HttpsMtaStsFetcherTest {

    final KeyMaterial key = KeyMaterial.selfSigned("mta-sts.example.org", Clock.systemUTC(), Duration.ofDays(1));
    final Map<String, String[]> answers = new ConcurrentHashMap<>(); // host -> {status, content type, body}
    HttpsServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(key.serverContext()));
        server.createContext("/.well-known/mta-sts.txt", ex -> {
            String[] a = answers.getOrDefault(ex.getRequestHeaders().getFirst("Host"), new String[] {"404", "text/plain", "none"});
            byte[] body = a[2].getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", a[1]);
            ex.sendResponseHeaders(Integer.parseInt(a[0]), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    X509TrustManager trusting(KeyMaterial k) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("t", k.chain().get(0));
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        return (X509TrustManager) f.getTrustManagers()[0];
    }

    HttpsMtaStsFetcher fetcher(X509TrustManager tm) {
        ZoneFileResolver z = ZoneFileResolver.fromText("""
                mta-sts.example.org. 300 IN A 127.0.0.1
                mta-sts.noaddr.example. 300 IN TXT "x"
                """);
        return new HttpsMtaStsFetcher(z, tm, server.getAddress().getPort(), Duration.ofSeconds(5));
    }

    @Test
    void fetchesAValidatedTextPlainPolicy() throws Exception {
        String host = "mta-sts.example.org"; // the Host header names the policy host (no port)
        answers.put(host, new String[] {"200", "text/plain; charset=utf-8", "version: STSv1\r\nmode: enforce\r\n"});
        assertThat(fetcher(trusting(key)).fetch("example.org")).isEqualTo(new MtaStsFetcher.Body("version: STSv1\r\nmode: enforce\r\n"));

        answers.put(host, new String[] {"200", "text/html", "<html>"});
        assertThat(fetcher(trusting(key)).fetch("example.org")).isInstanceOfSatisfying(MtaStsFetcher.Failed.class,
                f -> assertThat(f.reason()).contains("not text/plain"));
        answers.put(host, new String[] {"200", "text/plain", "x".repeat(MtaStsFetcher.MAX_BODY + 10)});
        assertThat(fetcher(trusting(key)).fetch("example.org")).isInstanceOfSatisfying(MtaStsFetcher.Failed.class,
                f -> assertThat(f.reason()).contains("larger than"));
        answers.remove(host);
        assertThat(fetcher(trusting(key)).fetch("example.org")).isInstanceOfSatisfying(MtaStsFetcher.Failed.class, f -> {
            assertThat(f.reason()).contains("HTTP status 404");
            assertThat(f.webPki()).isFalse();
        });
    }

    @Test
    void anUntrustedCertificateIsAWebPkiFailureAndNoAddressAFetchError() throws Exception {
        KeyMaterial other = KeyMaterial.selfSigned("mta-sts.example.org", Clock.systemUTC(), Duration.ofDays(1));
        assertThat(fetcher(trusting(other)).fetch("example.org")).isInstanceOfSatisfying(MtaStsFetcher.Failed.class,
                f -> assertThat(f.webPki()).isTrue());
        assertThat(fetcher(trusting(key)).fetch("noaddr.example")).isInstanceOfSatisfying(MtaStsFetcher.Failed.class, f -> {
            assertThat(f.webPki()).isFalse();
            assertThat(f.reason()).contains("no address");
        });
    }
}
