package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;
import org.mailward.testing.ReportGenerator;

/** {@code mailward reports advise} and {@code reports token create} through picocli. */
class ReportsWebCommandsTest {

    @TempDir
    Path dir;

    @Test
    void adviseReportsTheModelsFailingMailAndTheNextStage() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        ReportGenerator gen = new ReportGenerator(31);
        long day0 = 20_600;
        long messages = 0;
        long pass = 0;
        String latestPolicy = "";
        for (int d = 0; d < 8; d++) {
            ReportGenerator.Aggregate a = gen.aggregate(ReportGenerator.Schema.RFC7489, "advise.example", 5, day0 + d, Set.of());
            Files.writeString(in.resolve("r" + d + ".xml"), ReportGenerator.xml(a));
            for (ReportGenerator.Row r : a.renderedRows()) {
                messages += r.count();
                pass += r.dmarcPass() ? r.count() : 0;
            }
            latestPolicy = a.p();
        }
        Path data = dir.resolve("data");
        String at = Long.toString((day0 + 8) * 86_400 + 60);
        ReportsCommandTest.Run ingest = ReportsCommandTest.run("reports", "ingest", in.toString(), "--data", data.toString(), "--at", at);
        assertThat(ingest.exit()).as(ingest.err()).isZero();

        ReportsCommandTest.Run r = ReportsCommandTest.run("reports", "advise", "--domain", "advise.example", "--json",
                "--data", data.toString(), "--at", at);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode a = Json.MAPPER.readTree(r.out());
        assertThat(a.get("messages").asLong()).isEqualTo(messages);
        assertThat(a.get("failing").asLong()).isEqualTo(messages - pass);
        assertThat(a.get("reportDays").asInt()).isEqualTo(8);
        assertThat(a.get("current").get("policy").asText()).isEqualTo(latestPolicy);
        assertThat(a.get("verdict").asText()).isIn("ADVANCE", "HOLD", "AT_FINAL_STAGE");
        assertThat(a.get("reasons")).isNotEmpty();

        ReportsCommandTest.Run reject = ReportsCommandTest.run("reports", "advise", "--domain", "advise.example", "--json",
                "--policy", "reject", "--pct", "20", "--data", data.toString(), "--at", at);
        JsonNode b = Json.MAPPER.readTree(reject.out());
        assertThat(b.get("expectedRejected").asDouble()).isCloseTo((messages - pass) * 0.2, within(1e-6));
        assertThat(b.get("expectedQuarantined").asDouble()).isCloseTo((messages - pass) * 0.8, within(1e-6));

        ReportsCommandTest.Run text = ReportsCommandTest.run("reports", "advise", "--domain", "advise.example",
                "--data", data.toString(), "--at", at);
        assertThat(text.out()).startsWith("advise.example: ").contains(messages + " messages");

        assertThat(ReportsCommandTest.run("reports", "advise", "--domain", "advise.example", "--pct", "10",
                "--data", data.toString()).exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(ReportsCommandTest.run("reports", "advise", "--domain", "advise.example", "--policy", "block",
                "--data", data.toString()).exit()).isEqualTo(ExitCodes.USAGE);
        ReportsCommandTest.Run none = ReportsCommandTest.run("reports", "advise", "--domain", "nothing.example", "--json",
                "--data", data.toString(), "--at", at);
        assertThat(Json.MAPPER.readTree(none.out()).get("error").asText()).contains("no aggregate reports");
    }

    @Test
    void tokenCreatePrintsATokenOnceAndStoresOnlyItsHash() throws Exception {
        Path data = dir.resolve("data");
        ReportsCommandTest.Run one = ReportsCommandTest.run("reports", "token", "create", "--name", "ci", "--json", "--data", data.toString());
        ReportsCommandTest.Run two = ReportsCommandTest.run("reports", "token", "create", "--data", data.toString());
        assertThat(one.exit()).as(one.err()).isZero();
        String token = Json.MAPPER.readTree(one.out()).get("token").asText();
        assertThat(token).startsWith("mwt_").hasSizeGreaterThan(40);
        assertThat(two.out().trim()).startsWith("mwt_").isNotEqualTo(token);
        try (Database db = Database.openH2(data); var c = db.connection(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, token_hash FROM api_token ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ci");
            assertThat(rs.getString(2)).hasSize(64).doesNotContain(token.substring(4));
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("api");
        }
    }
}
