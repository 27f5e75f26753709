package org.mailward.gateway.reflector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
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
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.tls.KeyMaterial;
import org.mailward.store.Database;
import org.mailward.testing.PostfixInstance;
import org.mailward.testing.SmtpSink;

/**
 * The reflector round trip with Debian Postfix as the other organisation's MTA: Postfix relays a message to
 * emailsecurity@ at Mailward (STARTTLS required on Postfix's side), Mailward answers, and the reply goes back to
 * Postfix as the sender domain's MX over opportunistic STARTTLS; Postfix passes it on to a sink (the sender's
 * mailbox). The reply's DKIM signature is checked by an independent verifier, Debian's python3-dkim.
 */
@Tag("interop")
class ReflectorPostfixInteropTest {

    static final String PYTHON = "/usr/bin/python3";
    static final KeyPair REFLECTOR_KEY = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);

    @TempDir
    Path dir;
    Gateway gateway;
    PostfixInstance postfix;
    SmtpSink mailbox;

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
        if (postfix != null) {
            postfix.close();
        }
        if (mailbox != null) {
            mailbox.close();
        }
    }

    static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    static boolean pythonDkimAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import dkim").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** python3-dkim verifies {@code message}, its DNS answered from {@code records} (name to TXT value) only. */
    String verifyWithPythonDkim(byte[] message, String selectorName, String record) throws Exception {
        Path msg = dir.resolve("reply.eml");
        Path txt = dir.resolve("key.txt");
        Path script = dir.resolve("verify.py");
        Files.write(msg, message);
        Files.writeString(txt, record);
        Files.writeString(script, """
                import sys, dkim
                message = open(sys.argv[1], 'rb').read()
                record = open(sys.argv[2], 'rb').read().strip()
                wanted = sys.argv[3].encode('ascii')
                def dnsfunc(name, timeout=5):
                    n = name if isinstance(name, bytes) else name.encode('ascii')
                    return record if n.rstrip(b'.').lower() == wanted else None
                d = dkim.DKIM(message)
                try:
                    ok = d.verify(dnsfunc=dnsfunc)
                    why = ''
                except dkim.ValidationError as e:
                    ok = False
                    why = ' (' + str(e) + ')'
                print(('PASS' if ok else 'FAIL') + ' d=' + (d.domain or b'').decode() + ' s=' + (d.selector or b'').decode() + why)
                sys.exit(0 if ok else 1)
                """);
        Process p = new ProcessBuilder(PYTHON, script.toString(), msg.toString(), txt.toString(), selectorName).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @Test
    void postfixSendsToEmailsecurityAndReceivesASignedReplyOverStartTls() throws Exception {
        assumeTrue(PostfixInstance.available(), "postfix not installed");
        assumeTrue(pythonDkimAvailable(), "python3-dkim not installed");
        mailbox = new SmtpSink();
        int mwPort = PostfixInstance.freePort();
        KeyMaterial pfKeys = KeyMaterial.selfSigned("postfix.test.example", Clock.systemUTC(), Duration.ofDays(1));
        postfix = PostfixInstance.start(
                List.of("relay_domains = to-mailward.example, client.test.example",
                        "smtp_tls_security_level = may",
                        // Postfix never sends to Mailward in clear
                        "smtp_tls_policy_maps = inline:{ [127.0.0.1]:" + mwPort + "=encrypt }"),
                List.of("to-mailward.example smtp:[127.0.0.1]:" + mwPort,
                        "client.test.example smtp:[127.0.0.1]:" + mailbox.address().getPort()),
                pem(pfKeys.chain().get(0)), pem(pfKeys.key()));
        Files.writeString(dir.resolve("refl.pem"), DkimKeys.toPem(REFLECTOR_KEY.getPrivate()));
        String keyRecord = DkimKeys.recordValue(REFLECTOR_KEY.getPublic());
        String zone = """
                client.test.example.        IN TXT "v=spf1 ip4:127.0.0.1 -all"
                client.test.example.        IN MX  10 mx.client.test.example.
                mx.client.test.example.     IN A   127.0.0.1
                1.0.0.127.in-addr.arpa.     IN PTR postfix.test.example.
                postfix.test.example.       IN A   127.0.0.1
                """ + DkimKeys.zoneLine("refl._domainkey.to-mailward.example", keyRecord) + "\n";
        String yaml = """
                hostname: mx.mailward.test.example
                listeners:
                  - { name: in, address: 127.0.0.1, port: %d }
                localDomains:
                  - { domain: to-mailward.example, route: "127.0.0.1:%d" }
                dkim:
                  - { domain: to-mailward.example, selector: refl, keyFile: refl.pem, algorithm: rsa-sha256 }
                delivery:
                  mxPort: %d
                  firstRetry: 1s
                """.formatted(mwPort, mailbox.address().getPort(), postfix.port());
        ConfigReader.Result r = ConfigReader.read(yaml, dir);
        assertThat(r.errors()).isEmpty();
        gateway = Gateway.start(r.config().orElseThrow(), dir.resolve("data"), ZoneFileResolver.fromText(zone), Clock.systemUTC(),
                SSLContext.getDefault(), List.of());

        try (SmtpClient c = SmtpClient.connect(new InetSocketAddress("127.0.0.1", postfix.port()), "client.test.example",
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            c.ehlo();
            SmtpClient.SendResult res = c.send(Optional.of(AddressParser.parseMailbox("sender@client.test.example", false).value()),
                    List.of(AddressParser.parseMailbox("emailsecurity@to-mailward.example", false).value()),
                    ("From: Sender <sender@client.test.example>\r\nTo: emailsecurity@to-mailward.example\r\n"
                            + "Subject: interop check\r\nMessage-ID: <interop-1@client.test.example>\r\n\r\nplease reflect\r\n")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(res.accepted()).as(res.toString()).isTrue();
            c.quit();
        }

        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (mailbox.received().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(mailbox.received()).as(postfix.log()).singleElement()
                .satisfies(x -> assertThat(x.rcptTo()).containsExactly("sender@client.test.example"));
        SmtpSink.Received got = mailbox.received().get(0);
        String reply = got.text();
        // Postfix received the reply from Mailward over STARTTLS (its smtpd_tls_received_header) ...
        assertThat(reply).containsPattern("from mx\\.mailward\\.test\\.example \\(\\S+ \\[127\\.0\\.0\\.1\\]\\)\\s+\\(using TLSv1\\.[23] with cipher")
                .containsPattern("by postfix\\.test\\.example \\(Postfix\\) with ESMTPS");
        assertThat(postfix.log()).containsPattern("TLS connection established from \\S+\\[127\\.0\\.0\\.1\\]: TLSv1\\.[23]");
        // ... and the reply tells how Postfix's own message reached Mailward: over TLS, SPF pass, FCrDNS pass
        assertThat(reply).contains("From: Mailward reflector <emailsecurity@to-mailward.example>")
                .contains("In-Reply-To: <interop-1@client.test.example>")
                .containsPattern("TLS: +TLSv1\\.[23], cipher TLS_")
                .contains("Envelope from:     sender@client.test.example")
                .contains("FCrDNS (iprev):    pass (postfix.test.example)")
                .doesNotContain("please reflect");

        // the gateway's delivery record of the reply holds the TLS version and cipher actually used with Postfix
        assertThat(gateway.queue().awaitIdle(Duration.ofSeconds(10))).isTrue();
        gateway.close(Duration.ofSeconds(2));
        gateway = null;
        try (Database db = Database.openH2(dir.resolve("data")); Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT result, tls_version, cipher FROM delivery_tls_event WHERE recipient_domain = 'client.test.example'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("success");
            assertThat(rs.getString(2)).matches("TLSv1\\.[23]");
            assertThat(rs.getString(3)).startsWith("TLS_");
            // the same version Postfix logged for that session
            assertThat(reply).contains("(using " + rs.getString(2) + " with cipher ");
        }

        // an independent verifier: Debian's python3-dkim, given the published key through its dnsfunc
        String verdict = verifyWithPythonDkim(got.data(), "refl._domainkey.to-mailward.example", keyRecord);
        assertThat(verdict).isEqualTo("0 PASS d=to-mailward.example s=refl");
        // negative control: the same verifier rejects the reply once one byte of the body changed
        byte[] tampered = reply.replace("interop check", "interop chick").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifyWithPythonDkim(tampered, "refl._domainkey.to-mailward.example", keyRecord)).startsWith("1 FAIL d=to-mailward.example s=refl (body hash mismatch");
    }
}
