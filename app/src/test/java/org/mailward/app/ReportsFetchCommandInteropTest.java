package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testing.DovecotServer;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Attachment;
import org.mailward.testing.ReportGenerator.Schema;

/** {@code mailward reports fetch --imap} through picocli against a real Dovecot, JSON lines and exit codes. */
@Tag("interop")
class ReportsFetchCommandInteropTest {

    @TempDir
    Path dir;

    @Test
    void fetchesStoresAndMarksThenASecondRunFindsNothing() throws Exception {
        ReportGenerator g = new ReportGenerator(8314L);
        List<byte[]> mails = new ArrayList<>();
        long messages = 0;
        for (int i = 0; i < 3; i++) {
            Aggregate a = g.aggregate(Schema.RFC7489, "example.gov.uk", 2 + i, 20_500 + i, Set.of());
            messages += a.messages();
            mails.add(ReportGenerator.eml("dmarc@reporter.example", "Report domain: example.gov.uk", "c" + i + "@reporter.example",
                    List.of(new Attachment("r.xml.gz", "application/gzip", ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(a)))))));
        }
        try (DovecotServer dovecot = DovecotServer.start()) {
            dovecot.append("INBOX", mails);
            Path pw = dir.resolve("imap-password");
            Files.writeString(pw, dovecot.password() + "\n");
            Path trust = dir.resolve("trust.pem");
            Files.writeString(trust, dovecot.certificatePem());
            String url = "imaps://" + DovecotServer.USER + "@127.0.0.1:" + dovecot.imapsPort() + "/INBOX";
            String data = dir.resolve("data").toString();

            ReportsCommandTest.Run r = ReportsCommandTest.run("reports", "fetch", "--imap", url, "--password-file", pw.toString(),
                    "--trust-store", trust.toString(), "--data", data, "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            List<JsonNode> lines = r.lines();
            assertThat(lines).hasSize(3);
            long total = 0;
            for (JsonNode l : lines) {
                assertThat(l.get("status").asText()).isEqualTo("stored");
                assertThat(l.get("action").asText()).isEqualTo("seen");
                assertThat(l.get("uid").asLong()).isPositive();
                assertThat(l.get("reports")).hasSize(1);
                assertThat(l.get("reports").get(0).get("status").asText()).isEqualTo("stored");
                total += l.get("reports").get(0).get("messages").asLong();
            }
            assertThat(total).isEqualTo(messages);
            assertThat(dovecot.messages("INBOX")).allMatch(DovecotServer.Stored::seen);

            ReportsCommandTest.Run summary = ReportsCommandTest.run("reports", "summary", "--domain", "example.gov.uk", "--data", data, "--json");
            assertThat(summary.lines().get(0).get("messages").asLong()).isEqualTo(messages);

            ReportsCommandTest.Run again = ReportsCommandTest.run("reports", "fetch", "--imap", url, "--password-file", pw.toString(),
                    "--trust-store", trust.toString(), "--data", data, "--json");
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).isBlank();
            assertThat(again.err()).contains("0 unseen");

            // STARTTLS on the plain port
            dovecot.append("INBOX", List.of(mails.get(0)));
            ReportsCommandTest.Run st = ReportsCommandTest.run("reports", "fetch", "--imap",
                    "imap://" + DovecotServer.USER + "@127.0.0.1:" + dovecot.imapPort(), "--starttls", "--password-file", pw.toString(),
                    "--trust-store", trust.toString(), "--data", data, "--json");
            assertThat(st.exit()).as(st.err()).isZero();
            assertThat(st.lines()).hasSize(1);
            assertThat(st.lines().get(0).get("reports").get(0).get("status").asText()).as("same report again").isEqualTo("duplicate");

            // a wrong password is a configuration error: exit 2
            Files.writeString(pw, "wrong\n");
            ReportsCommandTest.Run bad = ReportsCommandTest.run("reports", "fetch", "--imap", url, "--password-file", pw.toString(),
                    "--trust-store", trust.toString(), "--data", data);
            assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(bad.err()).contains("login refused");
        }
    }

    @Test
    void watchFetchesNewMailOnEachPassUntilInterrupted() throws Exception {
        ReportGenerator g = new ReportGenerator(9051L);
        Aggregate a = g.aggregate(Schema.DMARC_2_0, "example.org.uk", 3, 20_600, Set.of());
        byte[] mail = ReportGenerator.eml("dmarc@reporter.example", "Report domain: example.org.uk", "w1@reporter.example",
                List.of(new Attachment("r.xml", "text/xml", ReportGenerator.utf8(ReportGenerator.xml(a)))));
        try (DovecotServer dovecot = DovecotServer.start()) {
            Path pw = dir.resolve("imap-password");
            Files.writeString(pw, dovecot.password());
            Path trust = dir.resolve("trust.pem");
            Files.writeString(trust, dovecot.certificatePem());
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int[] exit = {-1};
            Thread t = new Thread(() -> exit[0] = Main.run(new String[] {"reports", "fetch", "--imap",
                "imaps://" + DovecotServer.USER + "@127.0.0.1:" + dovecot.imapsPort(), "--password-file", pw.toString(),
                "--trust-store", trust.toString(), "--data", dir.resolve("data").toString(), "--json", "--watch", "--interval", "0.2"},
                    new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true)));
            t.start();
            long end = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (!err.toString().contains("0 unseen") && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(err.toString()).as("a first, empty pass").contains("0 unseen");
            dovecot.append("INBOX", List.of(mail));
            while (!out.toString().contains("\"stored\"") && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            t.interrupt();
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(exit[0]).as(err.toString()).isZero();
            JsonNode line = Json.MAPPER.readTree(out.toString().lines().findFirst().orElseThrow());
            assertThat(line.get("reports").get(0).get("messages").asLong()).isEqualTo(a.messages());
            assertThat(dovecot.messages("INBOX")).hasSize(1).allMatch(DovecotServer.Stored::seen);
        }
    }

    @Test
    void usageErrorsExitTwo() {
        String data = dir.resolve("data").toString();
        assertThat(ReportsCommandTest.run("reports", "fetch", "--imap", "pop3://u@h", "--data", data).exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(ReportsCommandTest.run("reports", "fetch", "--imap", "imaps://u@h", "--after", "archive", "--data", data).exit())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(ReportsCommandTest.run("reports", "fetch", "--imap", "imaps://u@h", "--password-file", dir.resolve("none").toString(),
                "--data", data).exit()).isEqualTo(ExitCodes.USAGE);
    }
}
