package org.mailward.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Decision;
import org.mailward.smtp.SessionHandler;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.mailward.smtp.tls.KeyMaterial;
import org.mailward.testing.PostfixInstance;

/**
 * Debian Postfix as a real peer: Postfix relays to Mailward (with STARTTLS required on Postfix's side) and
 * Mailward delivers to Postfix (opportunistic STARTTLS). A sink on 127.0.0.1 stands for the final servers.
 * Also the smuggling negative control: Postfix 3.7 without smtpd_forbid_bare_newline splits an {@code <LF>.<LF>}
 * payload into two messages; Mailward does not.
 */
@Tag("interop")
class PostfixInteropTest {

    @TempDir
    Path dir;
    SmtpServer sink;
    Gateway gateway;
    PostfixInstance postfix;
    final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(PostfixInstance.available(), "postfix not installed");
        SessionHandler h = (s, t, m) -> {
            received.add(new String(m, StandardCharsets.UTF_8));
            return Decision.accept();
        };
        sink = SmtpServer.start(SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "sink.test.example"), h);
        int mwPort = PostfixInstance.freePort();
        KeyMaterial pfKeys = KeyMaterial.selfSigned("postfix.test.example", Clock.systemUTC(), Duration.ofDays(1));
        postfix = PostfixInstance.start(
                List.of("relay_domains = to-mailward.example, via-postfix.example, smuggle.example",
                        "smtp_tls_security_level = may",
                        // Postfix refuses to send to Mailward in clear (and may send in clear to the sink)
                        "smtp_tls_policy_maps = inline:{ [127.0.0.1]:" + mwPort + "=encrypt }"),
                List.of("to-mailward.example smtp:[127.0.0.1]:" + mwPort,
                        "via-postfix.example smtp:[127.0.0.1]:" + sink.port(),
                        "smuggle.example smtp:[127.0.0.1]:" + sink.port()),
                pem(pfKeys.chain().get(0)), pem(pfKeys.key()));
        String yaml = """
                hostname: mx.mailward.test.example
                listeners:
                  - { name: in, address: 127.0.0.1, port: %d }
                localDomains:
                  - { domain: to-mailward.example, route: "127.0.0.1:%d" }
                  - { domain: via-postfix.example, route: "127.0.0.1:%d" }
                  - { domain: smuggle.example, route: "127.0.0.1:%d" }
                """.formatted(mwPort, sink.port(), postfix.port(), sink.port());
        gateway = Gateway.start(ConfigReader.read(yaml, dir).config().orElseThrow(), dir.resolve("data"),
                ZoneFileResolver.fromText(""), Clock.systemUTC(), SSLContext.getDefault(), List.of());
    }

    static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
        if (postfix != null) {
            postfix.close();
        }
        if (sink != null) {
            sink.close(Duration.ofSeconds(1));
        }
    }

    void await(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.size() < n && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    void send(int port, String to, String subject) throws Exception {
        try (SmtpClient c = SmtpClient.connect(new InetSocketAddress("127.0.0.1", port), "client.test.example", Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            c.ehlo();
            SmtpClient.SendResult r = c.send(Optional.of(AddressParser.parseMailbox("sender@client.test.example", false).value()),
                    List.of(AddressParser.parseMailbox(to, false).value()),
                    ("From: sender@client.test.example\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(r.accepted()).as(r.toString()).isTrue();
            c.quit();
        }
    }

    @Test
    void postfixRelaysToMailwardOverStartTls() throws Exception {
        send(postfix.port(), "x@to-mailward.example", "postfix to mailward");
        await(1);
        assertThat(received).as(postfix.log()).hasSize(1);
        String m = received.get(0);
        // Mailward's Received header records the TLS session Postfix (the client) negotiated
        assertThat(m).contains("from postfix.test.example").contains("with ESMTPS").containsPattern("using TLSv1\\.[23] with cipher")
                .contains("Subject: postfix to mailward");
        assertThat(postfix.log()).containsPattern("Trusted TLS connection established to 127.0.0.1|TLS connection established to 127.0.0.1");
    }

    @Test
    void mailwardDeliversToPostfixOverStartTls() throws Exception {
        send(gateway.servers().get(0).port(), "y@via-postfix.example", "mailward to postfix");
        await(1);
        assertThat(received).as(postfix.log()).hasSize(1);
        String m = received.get(0);
        // Postfix's smtpd_tls_received_header: Mailward's session to Postfix used TLS 1.2+
        assertThat(m).containsPattern("by postfix\\.test\\.example \\(Postfix\\) with ESMTPS")
                .containsPattern("\\(using TLSv1\\.[23] with cipher").contains("Subject: mailward to postfix");
    }

    static final String SMUGGLE = "From: user@client.test.example\r\nSubject: one\r\n\r\nfirst\n.\n"
            + "MAIL FROM:<admin@smuggle.example>\r\nRCPT TO:<victim@smuggle.example>\r\nDATA\r\n"
            + "From: admin@smuggle.example\r\nSubject: smuggled\r\n\r\nspoofed\r\n.\r\n";

    /** Sends the payload raw; returns every reply line read until QUIT's reply. */
    static String smuggle(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            StringBuilder log = new StringBuilder();
            log.append(read(in));
            for (String cmd : List.of("EHLO client.test.example\r\n", "MAIL FROM:<user@client.test.example>\r\n",
                    "RCPT TO:<victim@smuggle.example>\r\n", "DATA\r\n")) {
                out.write(cmd.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                log.append(read(in));
            }
            out.write(SMUGGLE.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(1500);
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(500);
            log.append(read(in));
            return log.toString();
        }
    }

    static String read(InputStream in) throws IOException {
        byte[] b = new byte[8192];
        int n = in.read(b);
        return n <= 0 ? "" : new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void smugglingNegativeControlPostfixSplitsMailwardDoesNot() throws Exception {
        String viaPostfix = smuggle(postfix.port());
        await(2);
        // Postfix 3.7 without smtpd_forbid_bare_newline: the payload really is two messages there
        assertThat(received).as(viaPostfix + postfix.log()).anyMatch(m -> m.contains("Subject: smuggled"));
        int before = received.size();
        String viaMailward = smuggle(gateway.servers().get(0).port());
        assertThat(viaMailward).contains("550 5.6.0");
        Thread.sleep(2000);
        assertThat(received).hasSize(before);
        assertThat(gateway.spool().list(org.mailward.gateway.queue.QueueState.ACTIVE)).isEmpty();
        assertThat(gateway.spool().list(org.mailward.gateway.queue.QueueState.DEFERRED)).isEmpty();
    }
}
