package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;
import org.mailward.testing.GatewayEventRows;
import org.mailward.testing.SmtpSink;

/** {@code mailward reports generate} through picocli on an H2 store holding the sample day's gateway events. */
class ReportsGenerateCommandTest {

    @TempDir
    Path dir;

    Path data;
    Path zone;

    @BeforeEach
    void setUp() throws Exception {
        data = dir.resolve("data");
        try (Database db = Database.openH2(data)) {
            GatewayEventRows.insertSampleDay(db);
        }
        zone = dir.resolve("zone.txt");
        Files.writeString(zone, GatewayEventRows.ZONE);
    }

    @Test
    void dryRunJsonShowsReportsDestinationsAndReasons() throws Exception {
        ReportsCommandTest.Run run = ReportsCommandTest.run("reports", "generate", "--date", "2026-12-06", "--dry-run", "--json",
                "--data", data.toString(), "--zone", zone.toString(), "--org-name", "Receiver Test Org",
                "--org-email", "dmarc-reports@receiver.test");
        assertThat(run.exit()).as(run.err()).isZero();
        List<JsonNode> lines = run.lines();
        assertThat(lines).extracting(n -> n.get("kind").asText() + " " + n.get("domain").asText() + " " + n.get("rows").asLong())
                .containsExactly("dmarc-aggregate example.com 11", "dmarc-aggregate example.org 3",
                        "tlsrpt example.net 7", "tlsrpt example.org 2");
        JsonNode com = lines.get(0);
        assertThat(com.get("records").asLong()).isEqualTo(4);
        assertThat(com.get("fileName").asText()).isEqualTo("receiver.test!example.com!" + GatewayEventRows.BEGIN + "!"
                + (GatewayEventRows.END - 1) + ".xml.gz");
        assertThat(com.get("dryRun").asBoolean()).isTrue();
        assertThat(com.get("sent")).isEmpty();
        assertThat(com.get("destinations")).hasSize(2);
        assertThat(com.get("destinations").get(0).get("accepted").asBoolean()).isTrue();
        assertThat(com.get("destinations").get(1).get("accepted").asBoolean()).isFalse();
        assertThat(com.get("destinations").get(1).get("reason").asText()).contains("external destination not authorised");
        assertThat(com.get("destinations").get(1).get("maxBytes").asLong()).isEqualTo(10L << 20);
        assertThat(com.get("mailBytes").asLong()).isPositive();
        assertThat(com.get("sizeErrorReports")).isEmpty();
        // example.org's tiny@ (!100) is over its limit: the dry run shows the RFC 7489 7.2.2 error report instead
        JsonNode org = lines.get(1);
        assertThat(org.get("sizeErrorReports")).singleElement().satisfies(e -> {
            assertThat(e.get("uri").asText()).isEqualTo("mailto:tiny@example.org");
            assertThat(e.get("maxBytes").asLong()).isEqualTo(100);
            assertThat(e.get("reportBytes").asLong()).isGreaterThan(100);
            assertThat(e.get("mailBytes").asLong()).isPositive();
        });
        JsonNode tlsOrg = lines.get(3);
        assertThat(tlsOrg.get("destinations")).isEmpty();
        assertThat(tlsOrg.get("mailBytes").asLong()).isZero();
        assertThat(tlsOrg.get("notes").get(0).asText()).contains("no TLS-RPT record");
    }

    @Test
    void dryRunTextAndReportFiles() throws Exception {
        Path out = dir.resolve("out");
        ReportsCommandTest.Run run = ReportsCommandTest.run("reports", "generate", "--date", "2026-12-06", "--dry-run",
                "--data", data.toString(), "--zone", zone.toString(), "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        // without --org-*: our host name from the events
        assertThat(run.out()).contains("dmarc-aggregate example.com: 11 messages, 4 records, mx.receiver.test!example.com!",
                "refuse   mailto:reports@thirdparty.example", "would send a ",
                "error    mailto:tiny@example.org: would send a ");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "mx.receiver.test!example.com!" + GatewayEventRows.BEGIN + "!" + (GatewayEventRows.END - 1) + ".xml.gz",
                    "mx.receiver.test!example.net!" + GatewayEventRows.BEGIN + "!" + (GatewayEventRows.END - 1) + ".json.gz",
                    "mx.receiver.test!example.org!" + GatewayEventRows.BEGIN + "!" + (GatewayEventRows.END - 1) + ".json.gz",
                    "mx.receiver.test!example.org!" + GatewayEventRows.BEGIN + "!" + (GatewayEventRows.END - 1) + ".xml.gz");
        }
        // the written files ingest with the same totals
        ReportsCommandTest.Run ingest = ReportsCommandTest.run("reports", "ingest", "--json", "--data", dir.resolve("other").toString(), out.toString());
        assertThat(ingest.lines()).extracting(n -> n.get("status").asText() + " " + n.get("domain").asText() + " " + n.get("messages").asLong())
                .containsExactly("stored example.com 11", "stored example.net 7", "stored example.org 2", "stored example.org 3");
    }

    @Test
    void sendSubmitsToTheGivenSmtpServer() throws Exception {
        // no https: rua here, so nothing leaves 127.0.0.0/8
        Files.writeString(zone, GatewayEventRows.ZONE.replace(",https://tlsrpt.example.net/v1/report", ""));
        try (SmtpSink sink = new SmtpSink()) {
            ReportsCommandTest.Run run = ReportsCommandTest.run("reports", "generate", "--date", "2026-12-06", "--json",
                    "--data", data.toString(), "--zone", zone.toString(), "--submit", "127.0.0.1:" + sink.address().getPort());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(sink.received()).extracting(r -> String.join(",", r.rcptTo()))
                    .containsExactly("dmarc@example.com", "agg@reports.example.net", "tiny@example.org", "tls@example.net");
            assertThat(sink.received()).allMatch(r -> r.mailFrom().equals("postmaster@mx.receiver.test"));
            List<JsonNode> lines = run.lines();
            assertThat(lines.get(0).get("sent").get(0).get("ok").asBoolean()).isTrue();
            assertThat(lines.get(0).get("sent").get(0).get("detail").asText()).contains("DATA 250");
            assertThat(lines.get(3).get("sent")).isEmpty();
        }
    }

    @Test
    void usageErrors() {
        assertThat(ReportsCommandTest.run("reports", "generate", "--date", "6.12.2026", "--dry-run", "--data", data.toString()).exit()).isEqualTo(2);
        ReportsCommandTest.Run noSubmit = ReportsCommandTest.run("reports", "generate", "--date", "2026-12-06", "--data", data.toString());
        assertThat(noSubmit.exit()).isEqualTo(2);
        assertThat(noSubmit.err()).contains("--submit");
        assertThat(ReportsCommandTest.run("reports", "generate", "--date", "2026-12-06", "--submit", "localhost", "--data", data.toString()).exit())
                .isEqualTo(2);
        ReportsCommandTest.Run empty = ReportsCommandTest.run("reports", "generate", "--date", "2026-01-01", "--dry-run", "--data", data.toString());
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).contains("nothing to report");
    }
}
