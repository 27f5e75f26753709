package org.mailward.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.reports.ReportRepository;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Decision;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionHandler;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpReply;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.mailward.store.Database;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Attachment;
import org.mailward.testing.ReportGenerator.Schema;

/** The gateway as a report source: mail for reports.addresses goes to ingest in the gateway's database. */
class ReportAddressGatewayTest {

    @TempDir
    Path dir;
    Gateway gateway;
    SmtpServer sink;
    final List<String> deliveredRcpts = new CopyOnWriteArrayList<>();
    final List<String> delivered = new CopyOnWriteArrayList<>();

    void startSink() throws Exception {
        sink = SmtpServer.start(SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "internal.example"), new SessionHandler() {
            @Override
            public Decision data(org.mailward.smtp.SessionInfo s, org.mailward.smtp.Transaction t, byte[] m) {
                t.recipients().forEach(r -> deliveredRcpts.add(r.mailbox().address()));
                delivered.add(new String(m, StandardCharsets.UTF_8));
                return Decision.accept(SmtpReply.of(250, "2.0.0", "stored"));
            }
        });
    }

    Gateway start(String reports) throws Exception {
        startSink();
        String yaml = """
                hostname: mx.example.gov.uk
                listeners:
                  - { name: in, address: 127.0.0.1, port: 0, kind: inbound, tls: opportunistic }
                localDomains:
                  - { domain: example.gov.uk, route: "127.0.0.1:%d" }
                delivery:
                  mxPort: %d
                  firstRetry: 1s
                authentication:
                  enabled: false
                """.formatted(sink.port(), sink.port()) + reports;
        ConfigReader.Result r = ConfigReader.read(yaml, dir);
        assertThat(r.errors()).isEmpty();
        GatewayConfig c = r.config().orElseThrow();
        gateway = Gateway.start(c, dir.resolve("data"), ZoneFileResolver.fromText(""), Clock.systemUTC(), SSLContext.getDefault(), List.of());
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

    static Mailbox mailbox(String a) {
        return AddressParser.parseMailbox(a, true).value();
    }

    SmtpClient.SendResult send(List<String> to, byte[] body) throws Exception {
        try (SmtpClient c = SmtpClient.connect(gateway.servers().get(0).address(), "reporter.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            c.ehlo();
            return c.send(Optional.of(mailbox("noreply-dmarc@reporter.example")), to.stream().map(ReportAddressGatewayTest::mailbox).toList(), body);
        }
    }

    static Aggregate aggregate(long seed) {
        return new ReportGenerator(seed).aggregate(Schema.RFC7489, "example.gov.uk", 5, 20_450, Set.of());
    }

    static byte[] reportMail(Aggregate a) {
        return ReportGenerator.eml("noreply-dmarc@reporter.example", "Report domain: example.gov.uk Report-ID: " + a.reportId(),
                a.reportId() + "@reporter.example", List.of(new Attachment("reporter.example!example.gov.uk.xml.gz", "application/gzip",
                        ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(a))))));
    }

    long storedMessages(String domain) throws Exception {
        try (Database db = Database.openH2(dir.resolve("data"))) {
            return new ReportRepository(db).summary(domain, 0, Long.MAX_VALUE).messages();
        }
    }

    void awaitIngested() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!gateway.reportFeed().waiting().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(gateway.reportFeed().waiting()).as("report inbox drained within 10 s").isEmpty();
    }

    @Test
    void aReportMailForTheReportAddressIsIngestedWithItsTotalsAndNotRelayed() throws Exception {
        start("""
                reports:
                  addresses: [dmarc-reports@example.gov.uk, tls-reports@example.gov.uk]
                """);
        Aggregate a = aggregate(1);
        SmtpClient.SendResult r = send(List.of("DMARC-Reports@example.gov.uk"), reportMail(a));
        assertThat(r.accepted()).isTrue();
        awaitIngested();
        assertThat(storedMessages("example.gov.uk")).isEqualTo(a.messages());
        Thread.sleep(300);
        assertThat(delivered).as("nothing relayed for a report address").isEmpty();
        assertThat(gateway.spool().list(org.mailward.gateway.queue.QueueState.ACTIVE)).isEmpty();
    }

    @Test
    void aMixedTransactionRelaysOnlyTheNormalRecipient() throws Exception {
        start("""
                reports:
                  addresses: [dmarc-reports@example.gov.uk]
                """);
        Aggregate a = aggregate(2);
        SmtpClient.SendResult r = send(List.of("dmarc-reports@example.gov.uk", "alice@example.gov.uk"), reportMail(a));
        assertThat(r.accepted()).isTrue();
        awaitIngested();
        assertThat(storedMessages("example.gov.uk")).isEqualTo(a.messages());
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (delivered.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(deliveredRcpts).containsExactly("alice@example.gov.uk");
    }

    @Test
    void withRelayTrueTheReportIsIngestedAndRelayed() throws Exception {
        start("""
                reports:
                  addresses: [dmarc-reports@example.gov.uk]
                  relay: true
                """);
        Aggregate a = aggregate(3);
        assertThat(send(List.of("dmarc-reports@example.gov.uk"), reportMail(a)).accepted()).isTrue();
        awaitIngested();
        assertThat(storedMessages("example.gov.uk")).isEqualTo(a.messages());
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (delivered.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(deliveredRcpts).containsExactly("dmarc-reports@example.gov.uk");
    }

    @Test
    void mailThatIsNotAReportIsKeptRawInTheFailedState() throws Exception {
        start("""
                reports:
                  addresses: [dmarc-reports@example.gov.uk]
                """);
        byte[] junk = "From: x@reporter.example\r\nSubject: hello\r\n\r\nno report here\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(send(List.of("dmarc-reports@example.gov.uk"), junk).accepted()).isTrue();
        awaitIngested();
        try (Database db = Database.openH2(dir.resolve("data"))) {
            ReportRepository repo = new ReportRepository(db);
            assertThat(repo.unparsed()).hasSize(1);
            assertThat(new String(repo.unparsed().get(0).content(), StandardCharsets.UTF_8)).contains("no report here")
                    .startsWith("Received: from reporter.example");
        }
    }
}
