package org.mailward.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.delivery.DeliveryTlsOutcome.FailureType;
import org.mailward.gateway.delivery.DeliveryTlsOutcome.PolicyType;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.Decision;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.mailward.smtp.tls.KeyMaterial;
import org.mailward.smtp.tls.TlsProfile;

/**
 * MTA-STS and DANE in the Secure Delivery chain, end to end on 127.0.0.1: a TLS sink with a self-signed certificate
 * for mx.tls.example, a zone (authenticated for DANE), and an in-memory MTA-STS policy fetcher.
 */
class SecureDeliveryChainTest {

    @TempDir
    Path dir;

    final KeyMaterial key = KeyMaterial.selfSigned("mx.tls.example", Clock.systemUTC(), Duration.ofDays(1));
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final List<DeliveryTlsOutcome> outcomes = new CopyOnWriteArrayList<>();
    final Map<String, String> policies = new ConcurrentHashMap<>();
    final AtomicInteger fetches = new AtomicInteger();
    SmtpServer sink;
    QueueManager qm;
    Spool spool;

    void startSink(boolean tls) throws Exception {
        SmtpServerConfig c = SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "mx.tls.example");
        if (tls) {
            c = c.withTls(new SmtpServerConfig.ServerTls(key::serverContext, TlsProfile.ncsc()));
        }
        sink = SmtpServer.start(c, (s, t, m) -> {
            t.recipients().forEach(r -> delivered.add(r.mailbox().address() + " TLS=" + s.tls().map(x -> x.protocol()).orElse("none")));
            return Decision.accept();
        });
    }

    @AfterEach
    void stop() {
        if (qm != null) {
            qm.close();
        }
        if (sink != null) {
            sink.close(Duration.ofSeconds(1));
        }
    }

    /** An SSLContext trusting only the sink's certificate (a private "WebPKI" for the test). */
    SSLContext trustingSink() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("sink", key.chain().get(0));
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, f.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    void startQueue(String zone, boolean authenticated, SSLContext strict, String extraDelivery) throws Exception {
        GatewayConfig c = ConfigReader.read("""
                hostname: gw.example.gov.uk
                listeners: [{name: in, port: 0}]
                delivery:
                  mxPort: %d
                %s""".formatted(sink.port(), extraDelivery), dir).config().orElseThrow();
        Path z = dir.resolve("test.zone");
        Files.writeString(z, zone);
        Resolver r = ZoneFileResolver.load(List.of(z), Optional.empty(), authenticated);
        spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        MtaStsFetcher fetcher = domain -> {
            fetches.incrementAndGet();
            String body = policies.get(domain);
            return body == null ? new MtaStsFetcher.Failed("HTTP status 404", false) : new MtaStsFetcher.Body(body);
        };
        qm = new QueueManager(spool, c, r, Clock.systemUTC(), strict, fetcher, (DeliveryListener) (q, o) -> outcomes.add(o));
    }

    QueuedMessage send(String rcpt) throws Exception {
        Envelope e = spool.enqueue(new Envelope("", "sender@example.gov.uk",
                List.of(new Envelope.Recipient(rcpt, "", List.of(), Envelope.Status.PENDING, "")),
                "", "", false, System.currentTimeMillis(), "127.0.0.1", 0, 0, "", ""), "Subject: t\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        qm.scan();
        assertThat(qm.awaitIdle(Duration.ofSeconds(20))).isTrue();
        return spool.find(e.queueId()).orElse(null);
    }

    static String stsZone(String domain, String id) {
        return """
                %1$s. 300 IN MX 10 mx.tls.example.
                _mta-sts.%1$s. 300 IN TXT "v=STSv1; id=%2$s"
                mx.tls.example. 300 IN A 127.0.0.1
                """.formatted(domain, id);
    }

    static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    @Test
    void mtaStsEnforceDeliversOverValidatedTls() throws Exception {
        startSink(true);
        policies.put("sts.example", policy("enforce", "*.tls.example"));
        startQueue(stsZone("sts.example", "a1"), false, trustingSink(), "");
        assertThat(send("u@sts.example")).isNull();
        assertThat(delivered).singleElement().asString().startsWith("u@sts.example TLS=TLSv1.");
        DeliveryTlsOutcome o = outcomes.get(0);
        assertThat(o.policyType()).isEqualTo(PolicyType.STS);
        assertThat(o.policyType().rfcName()).isEqualTo("sts");
        assertThat(o.mode()).isEqualTo("enforce");
        assertThat(o.policyStrings()).contains("mode: enforce", "mx: *.tls.example");
        assertThat(o.success()).isTrue();
        assertThat(o.tlsVersion()).hasValueSatisfying(v -> assertThat(v).startsWith("TLSv1."));
        assertThat(o.mxHost()).isEqualTo("mx.tls.example");
    }

    @Test
    void mtaStsEnforceDefersOnAnUntrustedCertificateAndNeverSendsInClear() throws Exception {
        startSink(true);
        policies.put("sts.example", policy("enforce", "mx.tls.example"));
        startQueue(stsZone("sts.example", "a1"), false, SSLContext.getDefault(), "");
        QueuedMessage m = send("u@sts.example");
        assertThat(m.state()).isEqualTo(QueueState.DEFERRED);
        assertThat(m.envelope().lastError()).startsWith("451 4.7.5").contains("MTA-STS");
        assertThat(delivered).isEmpty();
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.failure()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
            assertThat(o.enforced()).isTrue();
        });
    }

    @Test
    void mtaStsEnforceSkipsAnMxOutsideThePolicyAndAServerWithoutStarttls() throws Exception {
        startSink(false);
        policies.put("sts.example", policy("enforce", "mx.elsewhere.example"));
        policies.put("sts2.example", policy("enforce", "mx.tls.example"));
        startQueue(stsZone("sts.example", "a1") + stsZone("sts2.example", "b1"), false, trustingSink(), "");
        QueuedMessage m = send("u@sts.example");
        assertThat(m.state()).isEqualTo(QueueState.DEFERRED);
        assertThat(m.envelope().lastError()).contains("does not match the MTA-STS policy");
        assertThat(outcomes.get(0).failure()).contains(FailureType.VALIDATION_FAILURE);
        assertThat(outcomes.get(0).address()).isEmpty(); // never connected
        QueuedMessage m2 = send("u@sts2.example");
        assertThat(m2.state()).isEqualTo(QueueState.DEFERRED);
        assertThat(outcomes.get(1).failure()).contains(FailureType.STARTTLS_NOT_SUPPORTED);
        assertThat(delivered).isEmpty();
    }

    @Test
    void mtaStsTestingDeliversButReportsTheFailure() throws Exception {
        startSink(true);
        policies.put("sts.example", policy("testing", "mx.tls.example"));
        startQueue(stsZone("sts.example", "a1"), false, SSLContext.getDefault(), "");
        assertThat(send("u@sts.example")).isNull();
        assertThat(delivered).singleElement().asString().contains("TLS=TLSv1.");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.policyType()).isEqualTo(PolicyType.STS);
            assertThat(o.mode()).isEqualTo("testing");
            assertThat(o.failure()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
            assertThat(o.enforced()).isFalse();
            assertThat(o.tlsVersion()).isPresent();
        });
    }

    @Test
    void aFailedPolicyFetchIsReportedAndDeliveryGoesAheadWithoutPolicy() throws Exception {
        startSink(false);
        startQueue(stsZone("nofile.example", "a1"), false, trustingSink(), "");
        assertThat(send("u@nofile.example")).isNull();
        assertThat(delivered).containsExactly("u@nofile.example TLS=none");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.policyType()).isEqualTo(PolicyType.NO_POLICY);
            assertThat(o.failure()).contains(FailureType.STS_POLICY_FETCH_ERROR);
        });
    }

    @Test
    void mtaStsCanBeSwitchedOff() throws Exception {
        startSink(false);
        policies.put("sts.example", policy("enforce", "mx.tls.example"));
        startQueue(stsZone("sts.example", "a1"), false, trustingSink(), "  mtaSts: false\n");
        assertThat(send("u@sts.example")).isNull();
        assertThat(fetches.get()).isZero();
        assertThat(delivered).containsExactly("u@sts.example TLS=none");
    }

    static String tlsa(KeyMaterial k, int port, int selector, int matching) throws Exception {
        byte[] data = selector == 0 ? k.chain().get(0).getEncoded() : k.chain().get(0).getPublicKey().getEncoded();
        byte[] assoc = matching == 0 ? data : MessageDigest.getInstance(matching == 1 ? "SHA-256" : "SHA-512").digest(data);
        return "_" + port + "._tcp.mx.tls.example. 300 IN TLSA 3 " + selector + " " + matching + " " + HexFormat.of().formatHex(assoc) + "\n";
    }

    @Test
    void daneTakesPrecedenceOverMtaStsAndAuthenticatesAnUntrustedCertificate() throws Exception {
        startSink(true);
        // the MTA-STS policy would refuse this MX; the authenticated TLSA record decides
        policies.put("dane.example", policy("enforce", "mx.other.example"));
        startQueue(stsZone("dane.example", "a1") + tlsa(key, sinkPort(), 1, 1), true, SSLContext.getDefault(), "");
        assertThat(send("u@dane.example")).isNull();
        assertThat(delivered).singleElement().asString().contains("TLS=TLSv1.");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.policyType()).isEqualTo(PolicyType.TLSA);
            assertThat(o.success()).isTrue();
            assertThat(o.policyStrings()).singleElement().asString().contains("TLSA 3 1 1");
        });
    }

    @Test
    void daneEveryMatchingTypeAndSelectorAuthenticates() throws Exception {
        startSink(true);
        StringBuilder zone = new StringBuilder();
        for (int sel = 0; sel <= 1; sel++) {
            for (int mt = 0; mt <= 2; mt++) {
                String d = "d" + sel + mt + ".example";
                zone.append(d).append(". 300 IN MX 10 mx").append(sel).append(mt).append(".tls.example.\n")
                        .append("mx").append(sel).append(mt).append(".tls.example. 300 IN A 127.0.0.1\n")
                        .append(tlsa(key, 0, sel, mt).replace("_0._tcp.mx.tls.example.", "_" + sinkPort() + "._tcp.mx" + sel + mt + ".tls.example."));
            }
        }
        startQueue(zone.toString(), true, SSLContext.getDefault(), "");
        for (int sel = 0; sel <= 1; sel++) {
            for (int mt = 0; mt <= 2; mt++) {
                assertThat(send("u@d" + sel + mt + ".example")).as("selector %d matching %d", sel, mt).isNull();
            }
        }
        assertThat(delivered).hasSize(6).allSatisfy(s -> assertThat(s).contains("TLS=TLSv1."));
        assertThat(outcomes).hasSize(6).allSatisfy(o -> assertThat(o.policyType()).isEqualTo(PolicyType.TLSA));
    }

    @Test
    void daneMismatchOrNoStarttlsDefersButUnauthenticatedTlsaIsIgnored() throws Exception {
        startSink(true);
        KeyMaterial other = KeyMaterial.selfSigned("mx.tls.example", Clock.systemUTC(), Duration.ofDays(1));
        String zone = "dane.example. 300 IN MX 10 mx.tls.example.\nmx.tls.example. 300 IN A 127.0.0.1\n" + tlsa(other, sinkPort(), 1, 1);
        startQueue(zone, true, SSLContext.getDefault(), "");
        QueuedMessage m = send("u@dane.example");
        assertThat(m.state()).isEqualTo(QueueState.DEFERRED);
        assertThat(m.envelope().lastError()).startsWith("451 4.7.5").contains("DANE");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.failure()).contains(FailureType.VALIDATION_FAILURE);
            assertThat(o.detail()).contains("no TLSA record matches");
        });
        assertThat(delivered).isEmpty();
        qm.close();

        // the same records without DNSSEC: DANE does not apply, delivery is opportunistic
        Files.delete(dir.resolve("test.zone"));
        startQueue(zone, false, SSLContext.getDefault(), "");
        spool.remove(m.id(), QueueState.DEFERRED);
        assertThat(send("v@dane.example")).isNull();
        assertThat(delivered).singleElement().asString().startsWith("v@dane.example TLS=TLSv1.");
    }

    @Test
    void daneWithoutStarttlsDefers() throws Exception {
        startSink(false);
        startQueue("dane.example. 300 IN MX 10 mx.tls.example.\nmx.tls.example. 300 IN A 127.0.0.1\n" + tlsa(key, sinkPort(), 1, 1),
                true, SSLContext.getDefault(), "");
        QueuedMessage m = send("u@dane.example");
        assertThat(m.state()).isEqualTo(QueueState.DEFERRED);
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.failure()).contains(FailureType.STARTTLS_NOT_SUPPORTED));
        assertThat(delivered).isEmpty();
    }

    int sinkPort() {
        return sink.port();
    }
}
