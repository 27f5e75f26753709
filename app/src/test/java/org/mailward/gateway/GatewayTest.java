package org.mailward.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.smtp.Decision;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionHandler;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpReply;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.mailward.store.Database;

/** End to end on 127.0.0.1: config, listener, spool, queue manager, delivery to a sink "internal server". */
class GatewayTest {

    @TempDir
    Path dir;
    Gateway gateway;
    SmtpServer sink;
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final List<String> deliveredRcpts = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger sinkConnections = new java.util.concurrent.atomic.AtomicInteger();

    void startSink(boolean refuseBob) throws Exception {
        sink = SmtpServer.start(SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "internal.example"), new SessionHandler() {
            @Override
            public Decision connect(org.mailward.smtp.SessionInfo s) {
                sinkConnections.incrementAndGet();
                return Decision.accept();
            }

            @Override
            public Decision rcpt(org.mailward.smtp.SessionInfo s, org.mailward.smtp.Transaction t, org.mailward.smtp.SmtpCommand.Rcpt r) {
                return refuseBob && r.forwardPath().localPart().equals("bob") ? Decision.refuse(550, "5.1.1", "no such user") : Decision.accept();
            }

            @Override
            public Decision data(org.mailward.smtp.SessionInfo s, org.mailward.smtp.Transaction t, byte[] m) {
                // recipients first: tests wait on delivered.size() and then read deliveredRcpts
                t.recipients().forEach(r -> deliveredRcpts.add(r.mailbox().address()));
                delivered.add(new String(m, StandardCharsets.UTF_8));
                return Decision.accept(SmtpReply.of(250, "2.0.0", "stored"));
            }
        });
    }

    GatewayConfig config(String extra) {
        String yaml = """
                hostname: mx.example.gov.uk
                listeners:
                  - { name: in, address: 127.0.0.1, port: 0, kind: inbound, tls: opportunistic }
                  - { name: strict, address: 127.0.0.1, port: 0, kind: inbound, tls: required }
                localDomains:
                  - { domain: example.gov.uk, route: "127.0.0.1:%d" }
                delivery:
                  mxPort: %d
                  firstRetry: 1s
                """.formatted(sink.port(), sink.port()) + extra;
        ConfigReader.Result r = ConfigReader.read(yaml, dir);
        assertThat(r.errors()).isEmpty();
        return r.config().orElseThrow();
    }

    Gateway start(GatewayConfig c, String zone) throws Exception {
        gateway = Gateway.start(c, dir.resolve("data"), ZoneFileResolver.fromText(zone), Clock.systemUTC(), SSLContext.getDefault(), List.of());
        return gateway;
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
        if (sink != null) {
            sink.close(Duration.ofSeconds(1));
        }
    }

    SmtpClient.SendResult send(SmtpServer listener, boolean tls, String from, List<String> to, String body) throws Exception {
        try (SmtpClient c = SmtpClient.connect(listener.address(), "client.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            c.ehlo();
            if (tls) {
                SSLContext any = SSLContext.getInstance("TLS");
                any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                    public void checkClientTrusted(java.security.cert.X509Certificate[] x, String a) { }
                    public void checkServerTrusted(java.security.cert.X509Certificate[] x, String a) { }
                    public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
                }}, null);
                c.startTls(any, org.mailward.smtp.tls.TlsProfile.ncsc(), "mx.example.gov.uk", false);
            }
            return c.send(from.isEmpty() ? Optional.empty() : Optional.of(parse(from)), to.stream().map(GatewayTest::parse).toList(), body.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Mailbox parse(String a) {
        return org.mailward.smtp.AddressParser.parseMailbox(a, true).value();
    }

    void awaitDelivered(int n) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (delivered.size() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(delivered).as("messages delivered to the sink within 10 s").hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void inboundMailIsQueuedThenDeliveredToTheInternalServer() throws Exception {
        startSink(false);
        start(config(""), "");
        SmtpClient.SendResult r = send(gateway.servers().get(0), true, "someone@sender.example", List.of("alice@example.gov.uk"), "Subject: hello\r\n\r\nhi\r\n");
        assertThat(r.accepted()).isTrue();
        awaitDelivered(1);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0)).startsWith("Received: from client.example ([127.0.0.1])")
                .contains("with ESMTPS id ").contains("TLSv1.3").contains("Subject: hello");
        assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(gateway.spool().list(QueueState.ACTIVE)).isEmpty();
        assertThat(gateway.spool().list(QueueState.DEFERRED)).isEmpty();
    }

    @Test
    void requiredTlsListenerGives530WithoutTls() throws Exception {
        startSink(false);
        start(config(""), "");
        SmtpClient.SendResult r = send(gateway.servers().get(1), false, "someone@sender.example", List.of("alice@example.gov.uk"), "x\r\n");
        assertThat(r.mail().toString()).startsWith("530 5.7.0");
        SmtpClient.SendResult ok = send(gateway.servers().get(1), true, "someone@sender.example", List.of("alice@example.gov.uk"), "x\r\n");
        assertThat(ok.accepted()).isTrue();
    }

    @Test
    void permanentFailureBouncesToTheSenderWithAnRfc3464Report() throws Exception {
        startSink(true);
        start(config(""), "");
        SmtpClient.SendResult r = send(gateway.servers().get(0), false, "carol@example.gov.uk",
                List.of("alice@example.gov.uk", "bob@example.gov.uk"), "Subject: partly\r\n\r\nbody\r\n");
        assertThat(r.accepted()).isTrue();
        awaitDelivered(2);
        assertThat(delivered).hasSize(2);
        String bounce = delivered.stream().filter(m -> m.contains("multipart/report")).findFirst().orElseThrow();
        assertThat(bounce).contains("report-type=delivery-status", "Final-Recipient: rfc822; bob@example.gov.uk",
                "Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 no such user", "text/rfc822-headers", "Subject: partly");
        assertThat(deliveredRcpts).containsExactlyInAnyOrder("alice@example.gov.uk", "carol@example.gov.uk");
    }

    @Test
    void nullSenderNeverGetsABounce() throws Exception {
        startSink(true);
        start(config(""), "");
        assertThat(send(gateway.servers().get(0), false, "", List.of("bob@example.gov.uk"), "Subject: dsn\r\n\r\nx\r\n").accepted()).isTrue();
        assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(5))).isTrue();
        Thread.sleep(300);
        assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(delivered).isEmpty();
        assertThat(gateway.spool().list(QueueState.ACTIVE)).isEmpty();
        assertThat(gateway.spool().list(QueueState.DEFERRED)).isEmpty();
    }

    @Test
    void unreachableInternalServerDefersWithBackoff() throws Exception {
        startSink(false);
        GatewayConfig c = config("");
        sink.close(Duration.ofMillis(100));
        start(c, "");
        assertThat(send(gateway.servers().get(0), false, "x@sender.example", List.of("alice@example.gov.uk"), "x\r\n").accepted()).isTrue();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<QueuedMessage> deferred = List.of();
        while (deferred.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
            deferred = gateway.spool().list(QueueState.DEFERRED);
        }
        assertThat(deferred).hasSize(1);
        assertThat(deferred.get(0).envelope().attempts()).isGreaterThanOrEqualTo(1);
        assertThat(deferred.get(0).envelope().lastError()).startsWith("451 4.4.1");
        assertThat(gateway.queue().backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(gateway.queue().backoff(3)).isEqualTo(Duration.ofSeconds(4));
        sink = null;
    }

    @Test
    void nullMxBouncesAtOnceAndEnforcedTlsHoldsInsteadOfSendingInClear() throws Exception {
        startSink(false);
        GatewayConfig c = config("relayNetworks: [127.0.0.0/8]\n");
        start(c, """
                nomail.example. 300 IN MX 0 .
                dept.gsi.gov.uk. 300 IN MX 10 mx.dept.gsi.gov.uk.
                mx.dept.gsi.gov.uk. 300 IN A 127.0.0.1
                """);
        assertThat(send(gateway.servers().get(0), false, "carol@example.gov.uk", List.of("x@nomail.example"), "Subject: n\r\n\r\nx\r\n").accepted()).isTrue();
        awaitDelivered(1);
        assertThat(delivered.get(0)).contains("null MX, RFC 7505").contains("Status: 5.1.10");
        // the sink offers no STARTTLS: *.gsi.gov.uk is enforced-strict by default, so the message is held
        assertThat(send(gateway.servers().get(0), false, "carol@example.gov.uk", List.of("y@dept.gsi.gov.uk"), "Subject: s\r\n\r\nx\r\n").accepted()).isTrue();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gateway.spool().list(QueueState.HOLD).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        List<QueuedMessage> held = gateway.spool().list(QueueState.HOLD);
        assertThat(held).hasSize(1);
        assertThat(held.get(0).envelope().holdReason()).contains("does not offer STARTTLS");
        assertThat(deliveredRcpts).doesNotContain("y@dept.gsi.gov.uk");
        // the sender is told the message waits (delay notice), not that it failed
        awaitDelivered(2);
        assertThat(delivered.get(1)).contains("Action: delayed", "Status: 4.7.10", "Final-Recipient: rfc822; y@dept.gsi.gov.uk",
                "does not offer STARTTLS");
    }

    @Test
    void implicitMxIsUsedAndADomainWithoutMxOrAddressBounces() throws Exception {
        startSink(false);
        start(config("relayNetworks: [127.0.0.0/8]\n"), """
                implicit.example. 300 IN A 127.0.0.1
                noaddress.example. 300 IN TXT "no mail here"
                """);
        assertThat(send(gateway.servers().get(0), false, "carol@example.gov.uk", List.of("x@implicit.example"), "Subject: i\r\n\r\nx\r\n").accepted()).isTrue();
        awaitDelivered(1);
        assertThat(deliveredRcpts).contains("x@implicit.example");
        assertThat(send(gateway.servers().get(0), false, "carol@example.gov.uk", List.of("x@noaddress.example"), "Subject: n\r\n\r\nx\r\n").accepted()).isTrue();
        awaitDelivered(2);
        assertThat(delivered.get(1)).contains("has no MX and no address record", "Status: 5.1.2");
    }

    @Test
    void submissionNeedsTlsThenAuthAndAuthenticatedUsersMayRelay() throws Exception {
        startSink(false);
        String hash = org.mailward.gateway.config.PasswordHash.hash("s3cret");
        String yaml = """
                hostname: mx.example.gov.uk
                listeners:
                  - { name: sub, address: 127.0.0.1, port: 0, kind: submission }
                localDomains:
                  - { domain: example.gov.uk, route: "127.0.0.1:%d" }
                users:
                  - { name: alice, passwordHash: "%s" }
                delivery: { mxPort: %d }
                """.formatted(sink.port(), hash, sink.port());
        start(ConfigReader.read(yaml, dir).config().orElseThrow(), "remote.example. 300 IN A 127.0.0.1\n");
        SmtpServer sub = gateway.servers().get(0);
        try (SmtpClient cl = SmtpClient.connect(sub.address(), "laptop.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            cl.ehlo();
            assertThat(cl.extensions()).noneMatch(x -> x.startsWith("AUTH"));
            assertThat(cl.command("MAIL FROM:<alice@example.gov.uk>").toString()).startsWith("530 5.7.0 Must issue a STARTTLS");
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                public void checkClientTrusted(java.security.cert.X509Certificate[] x, String a) { }
                public void checkServerTrusted(java.security.cert.X509Certificate[] x, String a) { }
                public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
            }}, null);
            cl.startTls(any, org.mailward.smtp.tls.TlsProfile.ncsc(), "mx.example.gov.uk", false);
            assertThat(cl.supports("AUTH")).isTrue();
            assertThat(cl.command("MAIL FROM:<alice@example.gov.uk>").toString()).startsWith("530 5.7.0 Authentication required");
            String bad = java.util.Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes(StandardCharsets.UTF_8));
            assertThat(cl.command("AUTH PLAIN " + bad).code()).isEqualTo(535);
            String good = java.util.Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.UTF_8));
            assertThat(cl.command("AUTH PLAIN " + good).code()).isEqualTo(235);
            SmtpClient.SendResult r = cl.send(Optional.of(parse("alice@example.gov.uk")), List.of(parse("bob@remote.example")),
                    "Subject: from alice\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(r.accepted()).as(r.toString()).isTrue();
        }
        awaitDelivered(1);
        assertThat(deliveredRcpts).containsExactly("bob@remote.example");
        assertThat(delivered.get(0)).contains("with ESMTPSA");
    }

    @Test
    void connectionsToTheSameDestinationAreReused() throws Exception {
        startSink(false);
        start(config(""), "");
        for (int i = 1; i <= 4; i++) {
            assertThat(send(gateway.servers().get(0), false, "x@sender.example", List.of("alice@example.gov.uk"), "Subject: " + i + "\r\n\r\nx\r\n").accepted()).isTrue();
            awaitDelivered(i);
            assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(delivered).hasSize(4);
        assertThat(sinkConnections.get()).isEqualTo(1);
    }

    @Test
    void enforcedStrictNeedsATrustedCertificateEnforcedRelaxedAcceptsAnyButNeverClear() throws Exception {
        startSink(false);
        // a TLS-capable sink with a self-signed certificate
        org.mailward.smtp.tls.KeyMaterial k = org.mailward.smtp.tls.KeyMaterial.selfSigned("mx.tls.example", Clock.systemUTC(), Duration.ofDays(1));
        SmtpServer tlsSink = SmtpServer.start(SmtpServerConfig.of("tlssink", new InetSocketAddress("127.0.0.1", 0), "mx.tls.example")
                .withTls(new SmtpServerConfig.ServerTls(k::serverContext, org.mailward.smtp.tls.TlsProfile.ncsc())), (s, t, m) -> {
                    t.recipients().forEach(r -> deliveredRcpts.add(r.mailbox().address()));
                    delivered.add(new String(m, StandardCharsets.UTF_8) + "\nTLS=" + s.tls().map(x -> x.protocol()).orElse("none"));
                    return Decision.accept();
                });
        try {
            String yaml = """
                    hostname: mx.example.gov.uk
                    listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                    relayNetworks: [127.0.0.0/8]
                    delivery:
                      mxPort: %d
                      secureDelivery:
                        - { domain: "*.strict.example", policy: enforced-strict }
                        - { domain: "*.relaxed.example", policy: enforced-relaxed }
                    """.formatted(tlsSink.port());
            start(ConfigReader.read(yaml, dir).config().orElseThrow(), """
                    a.strict.example. 300 IN MX 10 mx.tls.example.
                    a.relaxed.example. 300 IN MX 10 mx.tls.example.
                    mx.tls.example. 300 IN A 127.0.0.1
                    """);
            assertThat(send(gateway.servers().get(0), false, "", List.of("u@a.relaxed.example"), "Subject: r\r\n\r\nx\r\n").accepted()).isTrue();
            awaitDelivered(1);
            assertThat(delivered.get(0)).contains("Subject: r").containsPattern("TLS=TLSv1\\.[23]");
            assertThat(send(gateway.servers().get(0), false, "", List.of("u@a.strict.example"), "Subject: s\r\n\r\nx\r\n").accepted()).isTrue();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (gateway.spool().list(QueueState.HOLD).isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            List<QueuedMessage> held = gateway.spool().list(QueueState.HOLD);
            assertThat(held).hasSize(1);
            assertThat(held.get(0).envelope().holdReason()).contains("ENFORCED_STRICT").contains("handshake");
            assertThat(deliveredRcpts).containsExactly("u@a.relaxed.example");
            // each new session's TLS outcome is in the store (RFC 8460 result rows)
            gateway.close(Duration.ofSeconds(2));
            gateway = null;
            try (Database db = Database.openH2(dir.resolve("data")); Connection c = db.connection(); Statement st = c.createStatement();
                 ResultSet r = st.executeQuery("SELECT recipient_domain, mx_host, receiving_ip, result, tls_version, cipher"
                         + " FROM delivery_tls_event ORDER BY id")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("a.relaxed.example");
                assertThat(r.getString(2)).isEqualTo("mx.tls.example");
                assertThat(r.getString(3)).isEqualTo("127.0.0.1");
                assertThat(r.getString(4)).isEqualTo("success");
                assertThat(r.getString(5)).matches("TLSv1\\.[23]");
                assertThat(r.getString(6)).startsWith("TLS_");
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("a.strict.example");
                assertThat(r.getString(4)).isEqualTo("certificate-not-trusted");
                assertThat(r.getString(5)).isEmpty();
            }
        } finally {
            tlsSink.close(Duration.ofSeconds(1));
        }
    }

    @Test
    void dataHooksAddAndRemoveHeadersAndQuarantine() throws Exception {
        startSink(false);
        org.mailward.gateway.inbound.InboundHook authHook = new org.mailward.gateway.inbound.InboundHook() {
            public String name() {
                return "fake-auth";
            }

            public org.mailward.gateway.inbound.HookVerdict onData(org.mailward.smtp.SessionInfo s, org.mailward.smtp.Transaction t, byte[] m) {
                String msg = new String(m, StandardCharsets.UTF_8);
                if (msg.contains("Subject: quarantine me")) {
                    return org.mailward.gateway.inbound.HookVerdict.quarantine("DMARC p=quarantine");
                }
                return org.mailward.gateway.inbound.HookVerdict.editHeaders(
                        List.of("Authentication-Results: mx.example.gov.uk; spf=pass smtp.mailfrom=sender.example"),
                        List.of("Authentication-Results: mx.example.gov.uk;\r\n\tdkim=pass (forged)"));
            }
        };
        gateway = Gateway.start(config(""), dir.resolve("data"), ZoneFileResolver.fromText(""), Clock.systemUTC(),
                SSLContext.getDefault(), List.of(authHook));
        assertThat(send(gateway.servers().get(0), false, "x@sender.example", List.of("alice@example.gov.uk"),
                "Authentication-Results: mx.example.gov.uk;\r\n\tdkim=pass (forged)\r\nSubject: hi\r\n\r\nAuthentication-Results: body text stays\r\n").accepted()).isTrue();
        awaitDelivered(1);
        assertThat(delivered.get(0)).contains("Authentication-Results: mx.example.gov.uk; spf=pass smtp.mailfrom=sender.example\r\nSubject: hi")
                .doesNotContain("forged").contains("\r\n\r\nAuthentication-Results: body text stays");
        SmtpClient.SendResult q = send(gateway.servers().get(0), false, "x@sender.example", List.of("alice@example.gov.uk"), "Subject: quarantine me\r\n\r\nx\r\n");
        assertThat(q.accepted()).isTrue();
        List<QueuedMessage> held = gateway.spool().list(QueueState.HOLD);
        assertThat(held).hasSize(1);
        assertThat(held.get(0).envelope().holdReason()).isEqualTo("quarantine: DMARC p=quarantine");
        Thread.sleep(1500);
        assertThat(delivered).hasSize(1);
    }

    static final KeyPair AUTH_KEY = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final String AUTH_ZONE = """
            good.example.               IN TXT "v=spf1 ip4:127.0.0.1 -all"
            _dmarc.good.example.        IN TXT "v=DMARC1; p=reject"
            strict.example.             IN TXT "v=spf1 -all"
            _dmarc.strict.example.      IN TXT "v=DMARC1; p=reject"
            quar.example.               IN TXT "v=spf1 -all"
            _dmarc.quar.example.        IN TXT "v=DMARC1; p=quarantine"
            1.0.0.127.in-addr.arpa.     IN PTR client.test.
            client.test.                IN A   127.0.0.1
            """ + DkimKeys.zoneLine("s._domainkey.good.example", DkimKeys.recordValue(AUTH_KEY.getPublic())) + "\n";

    /**
     * Inbound DNS Authentication end to end: default configuration (honour DMARC), a zone for the senders, the sink
     * as the internal server, and the H2 store under the data directory.
     */
    @Test
    void passDeliveredRejectRefusedQuarantineHeldAndEveryOutcomeStored() throws Exception {
        startSink(false);
        gateway = Gateway.start(config(""), dir.resolve("data"), ZoneFileResolver.fromText(AUTH_ZONE), Clock.systemUTC(),
                SSLContext.getDefault(), List.of());
        byte[] good = DkimSigner.builder("good.example", "s", AUTH_KEY.getPrivate(), Clock.systemUTC()).build().sign(
                ("Authentication-Results: mx.example.gov.uk; dmarc=pass (forged by the sender)\r\n"
                        + "From: boss@good.example\r\nSubject: real\r\n\r\nhello\r\n").getBytes(StandardCharsets.UTF_8));
        SmtpClient.SendResult ok = send(gateway.servers().get(0), true, "bounce@good.example", List.of("alice@example.gov.uk"),
                new String(good, StandardCharsets.UTF_8));
        assertThat(ok.accepted()).isTrue();
        awaitDelivered(1);
        String d = delivered.get(0);
        assertThat(d).contains("\r\nAuthentication-Results: mx.example.gov.uk;").doesNotContain("forged by the sender");
        String ar = d.substring(d.indexOf("Authentication-Results: mx.example.gov.uk;")).replace("\r\n\t", " ");
        ar = ar.substring(0, ar.indexOf("\r\n"));
        assertThat(ar).contains("iprev=pass").contains("spf=pass").contains("dkim=pass").contains("dmarc=pass");

        SmtpClient.SendResult rejected = send(gateway.servers().get(0), false, "ceo@strict.example", List.of("alice@example.gov.uk"),
                "From: ceo@strict.example\r\nSubject: pay this invoice\r\n\r\nnow\r\n");
        assertThat(rejected.accepted()).isFalse();
        assertThat(rejected.data()).hasValueSatisfying(r -> assertThat(r.toString()).startsWith("550 5.7.1")
                .contains("DMARC policy of strict.example is reject"));

        SmtpClient.SendResult held = send(gateway.servers().get(0), false, "x@quar.example", List.of("alice@example.gov.uk"),
                "From: x@quar.example\r\nSubject: maybe\r\n\r\nb\r\n");
        assertThat(held.accepted()).isTrue();
        List<QueuedMessage> hold = gateway.spool().list(QueueState.HOLD);
        assertThat(hold).singleElement().satisfies(m -> assertThat(m.envelope().holdReason())
                .startsWith("quarantine: DMARC policy of quar.example is quarantine"));
        assertThat(new String(gateway.spool().content(hold.get(0)), StandardCharsets.UTF_8))
                .contains("Authentication-Results: mx.example.gov.uk;").contains("dmarc=fail");
        assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(5))).isTrue();
        gateway.close(Duration.ofSeconds(2)); // drains the event writer and closes the store
        gateway = null;

        try (Database db = Database.openH2(dir.resolve("data")); Connection c = db.connection(); Statement s = c.createStatement()) {
            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT header_from, dmarc_result, disposition, action, spf_result, iprev, envelope_to,"
                    + " policy_p FROM auth_event ORDER BY id")) {
                while (r.next()) {
                    rows.add(String.join(" ", r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), r.getString(7), r.getString(8)));
                }
            }
            assertThat(rows).containsExactly(
                    "good.example pass none none pass pass example.gov.uk reject",
                    "strict.example fail reject reject fail pass example.gov.uk reject",
                    "quar.example fail quarantine quarantine fail pass example.gov.uk quarantine");
            // the sink offers no STARTTLS: the delivery's TLS outcome says so
            try (ResultSet r = s.executeQuery("SELECT recipient_domain, receiving_ip, policy_type, result FROM delivery_tls_event")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("example.gov.uk");
                assertThat(r.getString(2)).isEqualTo("127.0.0.1");
                assertThat(r.getString(3)).isEqualTo("no-policy-found");
                assertThat(r.getString(4)).isEqualTo("starttls-not-supported");
            }
        }
    }
}
