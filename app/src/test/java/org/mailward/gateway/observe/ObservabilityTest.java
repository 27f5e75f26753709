package org.mailward.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Decision;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.slf4j.LoggerFactory;

/** The metrics endpoint scraped over HTTP and the per-transaction log line, end to end on 127.0.0.1. */
class ObservabilityTest {

    @TempDir
    Path dir;
    Gateway gateway;
    SmtpServer sink;
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger txLogger = (Logger) LoggerFactory.getLogger("mailward.transaction");

    @AfterEach
    void stop() {
        txLogger.detachAppender(lines);
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
        if (sink != null) {
            sink.close(Duration.ofSeconds(1));
        }
    }

    static String get(InetSocketAddress a, String path, String[] contentType, int[] status) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + a.getPort() + path).toURL().openConnection();
        status[0] = c.getResponseCode();
        contentType[0] = c.getContentType();
        if (status[0] != 200) {
            return "";
        }
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    SmtpClient.SendResult send(String from, List<String> to) throws Exception {
        try (SmtpClient c = SmtpClient.connect(gateway.servers().get(0).address(), "client.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            c.ehlo();
            return c.send(Optional.of(AddressParser.parseMailbox(from, true).value()),
                    to.stream().map(a -> AddressParser.parseMailbox(a, true).value()).toList(),
                    "From: a@example.org\r\nSubject: m\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void metricsAreScrapedAndEachTransactionIsOneLogLine() throws Exception {
        lines.start();
        txLogger.addAppender(lines);
        txLogger.setLevel(Level.INFO);
        sink = SmtpServer.start(SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "internal.example"), (s, t, m) -> {
            delivered.add(new String(m, StandardCharsets.UTF_8));
            return Decision.accept();
        });
        String yaml = """
                hostname: mx.example.gov.uk
                listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                localDomains: [{ domain: example.gov.uk, route: "127.0.0.1:%d" }]
                delivery: { mxPort: %d, firstRetry: 1h }
                metrics: { address: 127.0.0.1, port: 0 }
                """.formatted(sink.port(), 1);
        GatewayConfig c = ConfigReader.read(yaml, dir).config().orElseThrow();
        gateway = Gateway.start(c, dir.resolve("data"), ZoneFileResolver.fromText("""
                far.example. 300 IN A 127.0.0.1
                """), Clock.systemUTC(), SSLContext.getDefault(), List.of());

        assertThat(send("a@example.org", List.of("u@example.gov.uk", "x@elsewhere.example")).accepted()).isTrue();
        // to a host nowhere listening (mxPort 1): deferred, shows up in the per-destination gauge
        try (SmtpClient cl = SmtpClient.connect(gateway.servers().get(0).address(), "client.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            cl.ehlo();
            assertThat(cl.command("MAIL FROM:<b@example.org>").code()).isEqualTo(250);
            assertThat(cl.command("RCPT TO:<nobody@far.example>").code()).isEqualTo(554); // relay refused
        }
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (delivered.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(delivered).hasSize(1);
        InetSocketAddress m = gateway.metricsAddress().orElseThrow();
        String[] type = new String[1];
        int[] status = new int[1];
        String text = "";
        end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!text.contains("mailward_delivery_recipients_total{result=\"delivered\"} 1") && System.nanoTime() < end) {
            text = get(m, "/metrics", type, status);
            Thread.sleep(20);
        }
        assertThat(status[0]).isEqualTo(200);
        assertThat(type[0]).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text).contains(
                "# TYPE mailward_smtp_connections_total counter",
                "mailward_smtp_connections_total{listener=\"in\"} 2",
                "mailward_smtp_messages_total{listener=\"in\",result=\"accepted\",reason=\"2.0.0\"} 1",
                "mailward_smtp_refusals_total{listener=\"in\",phase=\"rcpt\",code=\"554\"} 2",
                "mailward_smtp_inbound_tls_total{version=\"none\"} 1",
                "mailward_delivery_recipients_total{result=\"delivered\"} 1",
                "mailward_delivery_tls_total{version=\"none\",policy=\"no-policy-found\",result=\"starttls-not-supported\"} 1",
                "# TYPE mailward_queue_messages gauge",
                "mailward_queue_messages{state=\"deferred\"} 0",
                "mailward_queue_messages{state=\"hold\"} 0");
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) mailward_\\w+ .+|mailward_\\w+(\\{(\\w+=\"[^\"]*\",?)+\\})? \\d+");
        }
        assertThat(get(m, "/other", type, status)).isEmpty();
        assertThat(status[0]).isEqualTo(404);

        List<String> tx = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(tx).hasSize(2);
        assertThat(tx.get(0)).matches("queue=[A-Za-z0-9]+ session=\\S+ listener=in client=127\\.0\\.0\\.1 helo=client\\.example tls=none cipher=- "
                + "from=<a@example\\.org> rcpts=1 refused=1 size=\\d+ verdicts=\"iprev=permerror,spf=none,dkim=none,arc=none,dmarc=none\" action=accepted reply=\"250 2\\.0\\.0 Ok: queued as [A-Za-z0-9]+\"");
        assertThat(tx.get(1)).contains("queue=-", "from=<b@example.org>", "rcpts=0", "refused=1", "action=abandoned");
    }

    @Test
    void deferredMailIsCountedPerDestination() throws Exception {
        org.mailward.gateway.queue.Spool spool = new org.mailward.gateway.queue.Spool(dir.resolve("spool"), Clock.systemUTC());
        org.mailward.gateway.queue.Envelope e = spool.enqueue(new org.mailward.gateway.queue.Envelope("", "s@example.org", List.of(
                new org.mailward.gateway.queue.Envelope.Recipient("a@Slow.example", "", List.of(), org.mailward.gateway.queue.Envelope.Status.PENDING, ""),
                new org.mailward.gateway.queue.Envelope.Recipient("b@slow.example", "", List.of(), org.mailward.gateway.queue.Envelope.Status.PENDING, ""),
                new org.mailward.gateway.queue.Envelope.Recipient("c@other.example", "", List.of(), org.mailward.gateway.queue.Envelope.Status.DELIVERED, "")),
                "", "", false, 0, "", 0, 0, "", ""), "x\r\n".getBytes(StandardCharsets.US_ASCII));
        spool.move(e.queueId(), org.mailward.gateway.queue.QueueState.ACTIVE, org.mailward.gateway.queue.QueueState.DEFERRED);
        GatewayMetrics metrics = new GatewayMetrics(spool);
        String text = metrics.render();
        assertThat(text).contains("mailward_queue_messages{state=\"deferred\"} 1", "mailward_queue_deferred_recipients{domain=\"slow.example\"} 2")
                .doesNotContain("other.example");
    }

    @Test
    void labelValuesAndLogValuesAreEscapedSoOneRecordIsOneLine() throws Exception {
        Random rnd = new Random(Long.getLong("mailward.fuzz.seed", 7L));
        GatewayMetrics metrics = new GatewayMetrics(new org.mailward.gateway.queue.Spool(dir.resolve("s2"), Clock.systemUTC()));
        for (int i = 0; i < 500; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = rnd.nextInt(20); j > 0; j--) {
                String alphabet = "ab \"\\\n\r\t=é";
                b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            String v = b.toString();
            metrics.increment(GatewayMetrics.Counter.CONNECTIONS, v);
            TransactionRecord r = new TransactionRecord("s", v, "127.0.0.1", v, Optional.empty(), Optional.empty(), v, 1, 0, 1, "", List.of(),
                    "accepted", v, v);
            assertThat(r.line()).doesNotContain("\n", "\r").contains("listener=");
        }
        for (String line : metrics.render().split("\n")) {
            assertThat(line).doesNotContain("\r");
            if (line.startsWith("mailward_smtp_connections_total{")) {
                assertThat(line).matches("mailward_smtp_connections_total\\{listener=\"([^\"\\\\\\n]|\\\\[\"\\\\n])*\"\\} \\d+");
            }
        }
        assertThat(GatewayMetrics.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
        assertThat(TransactionRecord.quote("two words")).isEqualTo("\"two words\"");
        assertThat(TransactionRecord.quote("x\r\ny")).isEqualTo("\"x\\x0d\\x0ay\"");
        assertThat(TransactionRecord.quote("")).isEqualTo("\"\"");
    }

    @Test
    void verdictsComeOnlyFromOurAuthenticationResults() {
        byte[] msg = ("Received: x\r\nAuthentication-Results: mx.example.gov.uk;\r\n spf=pass smtp.mailfrom=a@b;\r\n dkim=fail header.d=b;"
                + " dmarc=fail header.from=b\r\nAuthentication-Results: evil.example; dmarc=pass\r\n\r\nspf=none in the body\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(ObservedSessionHandler.verdicts(msg, "mx.example.gov.uk")).containsExactly("spf=pass", "dkim=fail", "dmarc=fail");
        assertThat(ObservedSessionHandler.verdicts("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "mx.example.gov.uk")).isEmpty();
    }
}
