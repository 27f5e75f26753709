package org.mailward.gateway.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimStatus;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.reporting.DailyReports.Outcome;
import org.mailward.gateway.reporting.DailyReports.Status;
import org.mailward.reports.generate.HttpsPoster;
import org.mailward.smtp.Decision;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.mailward.store.Database;
import org.mailward.testing.GatewayEventRows;

/**
 * The daily report job on a running gateway with a fixed clock (the morning after the sample day): the reports
 * are built, queued through LocalSubmission, DKIM-signed with our definition, delivered over SMTP to a local sink,
 * POSTed to the TLS-RPT https: destination, and never sent twice, also not after a restart.
 */
class DailyReportsTest {

    static final KeyPair KEY = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);
    static final Clock CLOCK = Clock.fixed(GatewayEventRows.DAY.plusDays(1).atTime(2, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Gateway gateway;
    SmtpServer sink;
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final List<String> posted = new CopyOnWriteArrayList<>();
    final HttpsPoster poster = (uri, type, body) -> {
        posted.add(uri + " " + type + " " + body.length);
        return new HttpsPoster.Posted(201, "");
    };

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
        if (sink != null) {
            sink.close(Duration.ofSeconds(1));
        }
    }

    ZoneFileResolver zone() {
        return ZoneFileResolver.fromText(GatewayEventRows.ZONE
                + DkimKeys.zoneLine("s1._domainkey.receiver.test", DkimKeys.recordValue(KEY.getPublic())) + "\n"
                + "example.com. IN MX 10 sink.test.\n"
                + "reports.example.net. IN MX 10 sink.test.\n"
                + "example.net. IN MX 10 sink.test.\n"
                + "sink.test. IN A 127.0.0.1\n");
    }

    GatewayConfig config() throws Exception {
        Files.writeString(dir.resolve("dkim.pem"), DkimKeys.toPem(KEY.getPrivate()));
        ConfigReader.Result r = ConfigReader.read("""
                hostname: mx.receiver.test
                listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                delivery: { mxPort: %d, firstRetry: 1h }
                dkim: [{ domain: receiver.test, selector: s1, keyFile: dkim.pem }]
                doctor: { enabled: false }
                reportGeneration:
                  enabled: false
                  at: "01:30"
                  reporter: { orgName: Receiver Test Org, email: dmarc-reports@receiver.test }
                  catchUpDays: 2
                """.formatted(sink.port()), dir);
        assertThat(r.errors()).isEmpty();
        return r.config().orElseThrow();
    }

    DailyReports reportsOf(Gateway g, GatewayConfig c) {
        return Gateway.dailyReports(c, g.database().orElseThrow(), g.localSubmission(), zone(), CLOCK, poster);
    }

    @Test
    void reportsAreSignedQueuedDeliveredAndNeverSentTwice() throws Exception {
        try (Database db = Database.openH2(dir.resolve("data"))) {
            GatewayEventRows.insertSampleDay(db);
        }
        sink = SmtpServer.start(SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "sink.test"), (s, t, m) -> {
            delivered.add(new String(m, StandardCharsets.ISO_8859_1));
            return Decision.accept();
        });
        GatewayConfig c = config();
        gateway = Gateway.start(c, dir.resolve("data"), zone(), CLOCK, SSLContext.getDefault(), List.of());
        assertThat(gateway.reports()).isEmpty(); // enabled: false

        List<Outcome> first = reportsOf(gateway, c).runDue();
        // catch-up (2 days): the sample data has one event on the day before, which gets its own report
        assertThat(first).extracting(o -> o.day() + " " + o.kind() + " " + o.domain() + " " + o.status()).containsExactly(
                "2026-12-05 dmarc-aggregate example.com SENT",
                "2026-12-06 dmarc-aggregate example.com SENT",
                "2026-12-06 dmarc-aggregate example.org SENT",
                "2026-12-06 tlsrpt example.net SENT",
                "2026-12-06 tlsrpt example.org NO_DESTINATION");
        assertThat(first.get(1).deliveries().get(0).detail()).startsWith("queued as ").contains("signed [");
        assertThat(posted).singleElement().asString().startsWith("https://tlsrpt.example.net/v1/report application/tlsrpt+gzip ");

        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (delivered.size() < 4 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(delivered).hasSize(4);
        for (String m : delivered) {
            assertThat(m).contains("From: dmarc-reports@receiver.test");
            List<DkimResult> results = new DkimVerifier(zone(), CLOCK).verify(m.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(results).anyMatch(r -> r.status() == DkimStatus.PASS && r.domain().equals("receiver.test"));
        }
        assertThat(delivered).anyMatch(m -> m.contains("Subject: Report Domain: example.com Submitter: receiver.test"))
                .anyMatch(m -> m.contains("TLS-Report-Domain: example.net"));

        // a second run the same morning: the day is finished, nothing is planned again
        assertThat(reportsOf(gateway, c).runDue()).isEmpty();

        // restart on the same data directory; even with the day marker gone, report_sent stops every resend
        gateway.close(Duration.ofSeconds(2));
        gateway = Gateway.start(c, dir.resolve("data"), zone(), CLOCK, SSLContext.getDefault(), List.of());
        try (Connection conn = gateway.database().orElseThrow().connection(); Statement st = conn.createStatement()) {
            st.executeUpdate("DELETE FROM report_day");
        }
        List<Outcome> again = reportsOf(gateway, c).runDue();
        assertThat(again).extracting(Outcome::status).containsExactly(Status.ALREADY_SENT, Status.ALREADY_SENT,
                Status.ALREADY_SENT, Status.ALREADY_SENT, Status.NO_DESTINATION);
        Thread.sleep(500);
        assertThat(delivered).hasSize(4);
        assertThat(posted).hasSize(1);
    }

    @Test
    void aReportNobodyTookIsTriedAgain() throws Exception {
        try (Database db = Database.openH2(dir.resolve("data"))) {
            GatewayEventRows.insertSampleDay(db);
            GatewayConfig.ReportSchedule s = new GatewayConfig.ReportSchedule(true, LocalTime.of(1, 30), Optional.empty(),
                    Optional.of("dmarc-reports@receiver.test"), "rfc7489", 1);
            org.mailward.reports.generate.ReportGeneration gen = new org.mailward.reports.generate.ReportGeneration(
                    new org.mailward.reports.generate.GatewayEventReader(db),
                    new org.mailward.reports.generate.ReportDestinations(zone(), org.mailward.auth.dmarc.psl.PublicSuffixList.bundled()),
                    org.mailward.reports.generate.ReporterIdentity.of(null, "dmarc-reports@receiver.test", "receiver.test"),
                    org.mailward.reports.AggregateReport.Schema.RFC7489, CLOCK);
            boolean[] up = {false};
            org.mailward.reports.generate.ReportSender mail = (from, to, msg) -> {
                if (!up[0]) {
                    throw new java.io.IOException("spool full");
                }
                delivered.add(String.join(",", to));
                return new org.mailward.reports.generate.ReportSender.Sent(true, "ok");
            };
            HttpsPoster down = (uri, type, body) -> new HttpsPoster.Posted(503, "busy");
            DailyReports job = new DailyReports(s, gen, new SentReports(db), mail, down, CLOCK);
            List<Outcome> failed = job.runDue();
            assertThat(failed).extracting(Outcome::status).containsExactly(Status.FAILED, Status.FAILED, Status.FAILED, Status.NO_DESTINATION);
            up[0] = true;
            List<Outcome> retried = job.runDue();
            assertThat(retried).extracting(Outcome::status).containsExactly(Status.SENT, Status.SENT, Status.SENT, Status.NO_DESTINATION);
            // tiny@example.org asked for at most 100 bytes: it gets the RFC 7489 7.2.2 error report instead
            assertThat(delivered).containsExactly("dmarc@example.com", "agg@reports.example.net", "tiny@example.org", "tls@example.net");
            assertThat(job.runDue()).isEmpty();
        }
    }

    @Test
    void enabledInTheConfigurationTheGatewayRunsTheCatchUpAtStart() throws Exception {
        try (Database db = Database.openH2(dir.resolve("data"))) {
            GatewayEventRows.insertSampleDay(db);
        }
        sink = SmtpServer.start(SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "sink.test"), (s, t, m) -> {
            delivered.add(new String(m, StandardCharsets.ISO_8859_1));
            return Decision.accept();
        });
        GatewayConfig c = config();
        c = c.withServe(new GatewayConfig.Serve(c.serve().doctor(), c.serve().dashboard(),
                new GatewayConfig.ReportSchedule(true, LocalTime.of(1, 30), Optional.of("Receiver Test Org"),
                        Optional.of("dmarc-reports@receiver.test"), "dmarc-2.0", 1)));
        // no https: destination here: the gateway's own poster would go out to the network
        ZoneFileResolver mailOnly = ZoneFileResolver.fromText(GatewayEventRows.ZONE.replace(",https://tlsrpt.example.net/v1/report", "")
                + DkimKeys.zoneLine("s1._domainkey.receiver.test", DkimKeys.recordValue(KEY.getPublic())) + "\n"
                + "example.com. IN MX 10 sink.test.\nreports.example.net. IN MX 10 sink.test.\nexample.net. IN MX 10 sink.test.\n"
                + "sink.test. IN A 127.0.0.1\n");
        gateway = Gateway.start(c, dir.resolve("data"), mailOnly, CLOCK, SSLContext.getDefault(), List.of());
        assertThat(gateway.reports()).isPresent();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (delivered.size() < 3 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(delivered).hasSize(3);
        assertThat(delivered).allMatch(m -> m.contains("DKIM-Signature:") && m.contains("d=receiver.test"));
        assertThat(delivered).anyMatch(m -> m.contains("Subject: Report Domain: example.org Submitter: receiver.test"))
                .anyMatch(m -> m.contains("TLS-Report-Domain: example.net"));
        // the run at start finished the day: asking again sends nothing
        assertThat(gateway.reports().orElseThrow().runDue()).isEmpty();
    }

    @Test
    void dueDaysAndNextRunFollowTheConfiguredTime() {
        GatewayConfig.ReportSchedule s = new GatewayConfig.ReportSchedule(true, LocalTime.of(1, 30), Optional.empty(), Optional.empty(), "rfc7489", 3);
        assertThat(DailyReports.dueDays(s, Instant.parse("2026-12-07T01:29:59Z")))
                .containsExactly(LocalDate.parse("2026-12-03"), LocalDate.parse("2026-12-04"), LocalDate.parse("2026-12-05"));
        assertThat(DailyReports.dueDays(s, Instant.parse("2026-12-07T01:30:00Z")))
                .containsExactly(LocalDate.parse("2026-12-04"), LocalDate.parse("2026-12-05"), LocalDate.parse("2026-12-06"));
        assertThat(DailyReports.nextRun(s, Instant.parse("2026-12-07T01:29:59Z"))).isEqualTo(Instant.parse("2026-12-07T01:30:00Z"));
        assertThat(DailyReports.nextRun(s, Instant.parse("2026-12-07T01:30:00Z"))).isEqualTo(Instant.parse("2026-12-08T01:30:00Z"));
    }
}
