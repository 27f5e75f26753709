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
    void usageErrorsExitTwo() {
        String data = dir.resolve("data").toString();
        assertThat(ReportsCommandTest.run("reports", "fetch", "--imap", "pop3://u@h", "--data", data).exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(ReportsCommandTest.run("reports", "fetch", "--imap", "imaps://u@h", "--after", "archive", "--data", data).exit())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(ReportsCommandTest.run("reports", "fetch", "--imap", "imaps://u@h", "--password-file", dir.resolve("none").toString(),
                "--data", data).exit()).isEqualTo(ExitCodes.USAGE);
    }
}
