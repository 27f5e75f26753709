package org.mailward.gateway.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpClient;
import org.mailward.store.Database;
import org.mailward.testing.SmtpSink;

/**
 * The reflector end to end on 127.0.0.1: a DKIM-signed message over STARTTLS to emailsecurity@ and to a mailbox of
 * the same domain; the mailbox copy is relayed to the internal server, the reflector copy is answered: the reply
 * reaches the sender's MX (a sink), comes from the null sender, is DKIM-signed by the domain's definition and
 * verifies with Mailward's verifier, and reports the inbound session's TLS version and cipher.
 */
class ReflectorGatewayTest {

    static final KeyPair SENDER_KEY = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);
    static final KeyPair REFLECTOR_KEY = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);

    @TempDir
    Path dir;
    Gateway gateway;
    SmtpSink internal;
    SmtpSink senderMx;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
        if (internal != null) {
            internal.close();
        }
        if (senderMx != null) {
            senderMx.close();
        }
    }

    static String zone() {
        return """
                sender.example.            IN TXT "v=spf1 ip4:127.0.0.1 -all"
                forged.example.            IN TXT "v=spf1 -all"
                forged.example.            IN MX  10 mx.sender.example.
                _dmarc.sender.example.     IN TXT "v=DMARC1; p=reject"
                sender.example.            IN MX  10 mx.sender.example.
                mx.sender.example.         IN A   127.0.0.1
                1.0.0.127.in-addr.arpa.    IN PTR client.sender.example.
                client.sender.example.     IN A   127.0.0.1
                """ + DkimKeys.zoneLine("s1._domainkey.sender.example", DkimKeys.recordValue(SENDER_KEY.getPublic())) + "\n"
                + DkimKeys.zoneLine("refl._domainkey.example.org", DkimKeys.recordValue(REFLECTOR_KEY.getPublic())) + "\n";
    }

    static SSLContext trustAll() throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] x, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] x, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        return any;
    }

    static Mailbox mailbox(String a) {
        return AddressParser.parseMailbox(a, true).value();
    }

    static List<SmtpSink.Received> await(SmtpSink sink, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sink.received().size() < n && System.nanoTime() < end) {
            Thread.sleep(25);
        }
        return sink.received();
    }

    ZoneFileResolver start() throws Exception {
        internal = new SmtpSink();
        senderMx = new SmtpSink();
        Files.writeString(dir.resolve("refl.pem"), DkimKeys.toPem(REFLECTOR_KEY.getPrivate()));
        String yaml = """
                hostname: mx.example.org
                listeners:
                  - { name: in, address: 127.0.0.1, port: 0, kind: inbound, tls: opportunistic }
                localDomains:
                  - { domain: example.org, route: "127.0.0.1:%d" }
                dkim:
                  - { domain: example.org, selector: refl, keyFile: refl.pem, algorithm: rsa-sha256 }
                delivery:
                  mxPort: %d
                  firstRetry: 1s
                """.formatted(internal.address().getPort(), senderMx.address().getPort());
        ConfigReader.Result r = ConfigReader.read(yaml, dir);
        assertThat(r.errors()).isEmpty();
        ZoneFileResolver zone = ZoneFileResolver.fromText(zone());
        gateway = Gateway.start(r.config().orElseThrow(), dir.resolve("data"), zone, Clock.systemUTC(), SSLContext.getDefault(), List.of());
        return zone;
    }

    @Test
    void aSignedMessageOverStartTlsIsAnsweredWithASignedReportAndTheOtherRecipientIsRelayed() throws Exception {
        ZoneFileResolver zone = start();
        byte[] message = DkimSigner.builder("sender.example", "s1", SENDER_KEY.getPrivate(), Clock.systemUTC()).build().sign(
                ("From: Alice <alice@sender.example>\r\nTo: emailsecurity@example.org, bob@example.org\r\nSubject: does our mail check out?\r\n"
                        + "Message-ID: <test-1@sender.example>\r\nDate: Mon, 07 Dec 2026 02:00:00 +0000\r\n\r\nsecret body text\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        SessionInfo.TlsInfo inboundTls;
        try (SmtpClient c = SmtpClient.connect(gateway.servers().get(0).address(), "client.sender.example", Duration.ofSeconds(5),
                Duration.ofSeconds(30))) {
            c.ehlo();
            c.startTls(trustAll(), org.mailward.smtp.tls.TlsProfile.ncsc(), "mx.example.org", false);
            inboundTls = c.tls().orElseThrow();
            SmtpClient.SendResult res = c.send(Optional.of(mailbox("alice@sender.example")),
                    List.of(mailbox("emailsecurity@example.org"), mailbox("bob@example.org")), message);
            assertThat(res.accepted()).as(res.toString()).isTrue();
            c.quit();
        }

        // the mailbox copy goes to the internal server, without the reflector address
        List<SmtpSink.Received> in = await(internal, 1);
        assertThat(in).singleElement().satisfies(x -> {
            assertThat(x.rcptTo()).containsExactly("bob@example.org");
            assertThat(x.text()).contains("Subject: does our mail check out?");
        });

        // the reply goes to the sender's MX, from the null sender
        List<SmtpSink.Received> out = await(senderMx, 1);
        assertThat(out).singleElement().satisfies(x -> {
            assertThat(x.mailFrom()).isEmpty();
            assertThat(x.rcptTo()).containsExactly("alice@sender.example");
        });
        String reply = out.get(0).text();
        assertThat(reply).startsWith("DKIM-Signature: ").contains("\r\nFrom: Mailward reflector <emailsecurity@example.org>\r\n")
                .contains("\r\nAuto-Submitted: auto-replied\r\n").contains("\r\nIn-Reply-To: <test-1@sender.example>\r\n")
                .doesNotContain("secret body text");
        List<DkimResult> dkim = new DkimVerifier(zone, Clock.systemUTC()).verify(out.get(0).data());
        assertThat(dkim).singleElement().satisfies(d -> {
            assertThat(d.passed()).as(d.toString()).isTrue();
            assertThat(d.domain()).isEqualTo("example.org");
            assertThat(d.selector()).isEqualTo("refl");
        });
        // what the reply reports: the inbound TLS session as the client saw it, and the sender's signature
        assertThat(reply).contains("TLS:               " + inboundTls.protocol() + ", cipher " + inboundTls.cipherSuite())
                .contains("1. d=sender.example s=s1 a=rsa-sha256: pass")
                .contains("Envelope from:     alice@sender.example")
                .contains("FCrDNS (iprev):    pass (client.sender.example)")
                .contains("Secure Delivery:   opportunistic");
        assertThat(inboundTls.protocol()).matches("TLSv1\\.[23]");
        String json = new String(java.util.Base64.getMimeDecoder().decode(
                reply.substring(reply.indexOf("filename=\"mailward-reflector.json\"")).split("\r\n\r\n", 2)[1].split("\r\n\r\n--")[0]),
                StandardCharsets.US_ASCII);
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(j.at("/connection/tls/version").asText()).isEqualTo(inboundTls.protocol());
        assertThat(j.at("/connection/tls/cipher").asText()).isEqualTo(inboundTls.cipherSuite());
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("pass");

        // the delivery of the reply is recorded like any delivery (the sink offers no STARTTLS: the outcome says so)
        assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(10))).isTrue();
        gateway.close(Duration.ofSeconds(2));
        gateway = null;
        try (Database db = Database.openH2(dir.resolve("data")); Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT result FROM delivery_tls_event WHERE recipient_domain = 'sender.example'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("starttls-not-supported");
        }
    }

    @Test
    void aForgedSenderGetsNoReplyAndNothingIsQueued() throws Exception {
        start();
        // forged.example authorises no host (SPF -all) and the message is unsigned: answered 250, but no backscatter
        try (SmtpClient c = SmtpClient.connect(gateway.servers().get(0).address(), "client.sender.example", Duration.ofSeconds(5),
                Duration.ofSeconds(30))) {
            c.ehlo();
            SmtpClient.SendResult res = c.send(Optional.of(mailbox("victim@forged.example")), List.of(mailbox("emailsecurity@example.org")),
                    "From: victim@forged.example\r\nSubject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(res.accepted()).as(res.toString()).isTrue();
            assertThat(res.data().orElseThrow().toString()).contains("answered by mx.example.org");
            c.quit();
        }
        assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(5))).isTrue();
        for (org.mailward.gateway.queue.QueueState q : org.mailward.gateway.queue.QueueState.values()) {
            assertThat(gateway.spool().list(q)).as(q.name()).isEmpty();
        }
        Thread.sleep(500);
        assertThat(senderMx.received()).isEmpty();
        assertThat(internal.received()).isEmpty();
    }
}
