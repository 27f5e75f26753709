package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.testing.ReportCorpus;
import org.mailward.testing.ReportCorpus.Sample;
import org.mailward.testing.ReportGenerator.Expected;

/**
 * {@code mailward reports ...} end to end through picocli, on the committed sample corpora: every file of
 * app/src/test/resources/reports-corpus and demo/reports must ingest with the totals of the generator model that
 * produced it (regenerated here from the same seed).
 */
class ReportsCommandTest {

    @TempDir
    Path data;

    record Run(int exit, String out, String err) {
        List<JsonNode> lines() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (String l : this.out.split("\n")) {
                if (!l.isBlank()) {
                    out.add(Json.MAPPER.readTree(l));
                }
            }
            return out;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Path corpusDir() {
        return Path.of("src/test/resources/reports-corpus");
    }

    @Test
    void committedCorpusIngestsWithTheModelsTotals() throws Exception {
        checkCorpus(corpusDir(), ReportCorpus.SEED);
    }

    @Test
    void demoCorpusIngestsWithTheModelsTotals() throws Exception {
        Path demo = Path.of("../demo/reports");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(demo), "demo/reports not found from " + Path.of("").toAbsolutePath());
        checkCorpus(demo, ReportCorpus.DEMO_SEED);
    }

    private void checkCorpus(Path dir, long seed) throws Exception {
        Map<String, Sample> model = new HashMap<>();
        for (Sample s : ReportCorpus.build(seed)) {
            model.put(s.name(), s);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("committed files = generator's files (regenerate with ReportCorpus DIR SEED)")
                    .containsExactlyInAnyOrderElementsOf(model.keySet());
        }
        Run r = run("reports", "ingest", dir.toString(), "--data", data.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, List<JsonNode>> byFile = new HashMap<>();
        for (JsonNode n : r.lines()) {
            byFile.computeIfAbsent(Path.of(n.get("file").asText()).getFileName().toString(), k -> new ArrayList<>()).add(n);
            for (String field : List.of("file", "status", "kind", "orgName", "reportId", "begin", "end", "domain", "records",
                    "messages", "warnings", "error")) {
                assertThat(n.has(field)).as("field %s in %s", field, n).isTrue();
            }
        }
        Set<String> seen = new HashSet<>();
        long expectedMessages = 0;
        for (String name : model.keySet().stream().sorted().toList()) {
            Sample s = model.get(name);
            List<JsonNode> got = byFile.getOrDefault(name, List.of());
            List<JsonNode> ok = got.stream().filter(n -> !n.get("status").asText().equals("failed")).toList();
            assertThat(got.size() - ok.size()).as("failed parts of " + name).isEqualTo(s.failures());
            assertThat(ok).as(name).hasSameSizeAs(s.reports());
            for (int i = 0; i < ok.size(); i++) {
                JsonNode n = ok.get(i);
                Expected e = s.reports().get(i);
                boolean isNew = seen.add(e.key());
                assertThat(n.get("status").asText()).as(name).isEqualTo(isNew ? "stored" : "duplicate");
                assertThat(n.get("kind").asText()).isEqualTo(e.kind());
                assertThat(n.get("orgName").asText()).isEqualTo(e.orgName());
                assertThat(n.get("reportId").asText()).isEqualTo(e.reportId());
                assertThat(n.get("domain").asText()).isEqualTo(e.domain());
                assertThat(n.get("records").asLong()).as(name).isEqualTo(e.records());
                assertThat(n.get("messages").asLong()).as(name).isEqualTo(e.messages());
                assertThat(n.get("begin").asLong()).isEqualTo(e.begin());
                assertThat(n.get("end").asLong()).isEqualTo(e.end());
                assertThat(n.get("warnings").isEmpty()).as("warnings of " + name).isEqualTo(!e.expectWarnings());
                if (isNew && e.kind().equals("dmarc-aggregate") && e.domain().equals("example.gov.uk")) {
                    expectedMessages += e.messages();
                }
            }
            for (JsonNode f : got) {
                if (f.get("status").asText().equals("failed")) {
                    assertThat(f.get("error").asText()).as(name).isNotBlank();
                }
            }
        }
        Run summary = run("reports", "summary", "--domain", "example.gov.uk", "--data", data.toString(), "--json");
        assertThat(summary.exit()).as(summary.err()).isZero();
        JsonNode sum = summary.lines().get(0);
        assertThat(sum.get("messages").asLong()).isEqualTo(expectedMessages);
        assertThat(sum.get("dmarcPass").asLong() + sum.get("dmarcFail").asLong()).isEqualTo(expectedMessages);
        long perSource = 0;
        for (JsonNode src : sum.get("sources")) {
            for (String field : List.of("ip", "ptr", "messages", "spfAligned", "dkimAligned", "disposition")) {
                assertThat(src.has(field)).as(field).isTrue();
            }
            perSource += src.get("messages").asLong();
        }
        assertThat(perSource).isEqualTo(expectedMessages);

        // ingesting the same directory again stores nothing new
        Run again = run("reports", "ingest", dir.toString(), "--data", data.toString(), "--json");
        assertThat(again.lines()).allSatisfy(n -> assertThat(n.get("status").asText()).isIn("duplicate", "failed"));
        // the failed ones are still there for reparse, and still fail with their reasons
        Run reparse = run("reports", "reparse", "--data", data.toString(), "--json");
        assertThat(reparse.lines()).hasSize(model.values().stream().mapToInt(Sample::failures).sum())
                .allSatisfy(n -> assertThat(n.get("status").asText()).isEqualTo("failed"));
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("reports", "ingest", data.resolve("missing").toString(), "--data", data.toString()).exit()).isEqualTo(2);
        assertThat(run("reports", "summary", "--data", data.toString()).exit()).isEqualTo(2);
        assertThat(run("reports", "ingest", "x", "--db", "jdbc:mysql://127.0.0.1/x").exit()).isEqualTo(2);
    }

    @Test
    void summaryLooksUpPtrNamesWithTheZoneResolver() throws Exception {
        Path zone = data.resolve("ptr.zone");
        Files.writeString(zone, "123.2.0.192.in-addr.arpa. 300 IN PTR mail.example.com.\n");
        Path xml = data.resolve("r.xml");
        Files.writeString(xml, """
                <feedback><report_metadata><org_name>o</org_name><email>a@o.example</email><report_id>p1</report_id>
                <date_range><begin>1</begin><end>2</end></date_range></report_metadata>
                <policy_published><domain>ptr.example</domain><p>none</p><sp>none</sp><pct>100</pct><fo>0</fo></policy_published>
                <record><row><source_ip>192.0.2.123</source_ip><count>5</count><policy_evaluated><disposition>none</disposition>
                <dkim>fail</dkim><spf>pass</spf></policy_evaluated></row><identifiers><header_from>ptr.example</header_from></identifiers>
                <auth_results><spf><domain>ptr.example</domain><result>pass</result></spf></auth_results></record></feedback>""");
        assertThat(run("reports", "ingest", xml.toString(), "--data", data.resolve("db").toString()).exit()).isZero();
        Run s = run("reports", "summary", "--domain", "ptr.example", "--ptr", "--zone", zone.toString(),
                "--data", data.resolve("db").toString(), "--json");
        JsonNode src = s.lines().get(0).get("sources").get(0);
        assertThat(src.get("ptr").asText()).isEqualTo("mail.example.com");
        assertThat(src.get("spfAligned").asLong()).isEqualTo(5);
        assertThat(src.get("dkimAligned").asLong()).isZero();
        assertThat(src.get("disposition").asText()).isEqualTo("none");
    }

    @Test
    void watchModeIngestsFilesThatAppearLater() throws Exception {
        Path inbox = Files.createDirectories(data.resolve("inbox"));
        StringWriter out = new StringWriter();
        PrintWriter pw = new PrintWriter(out, true);
        Thread t = new Thread(() -> Main.run(new String[] {"reports", "ingest", inbox.toString(), "--watch",
            "--watch-interval", "0.1", "--json", "--data", data.resolve("db").toString()}, pw, new PrintWriter(new StringWriter())));
        t.start();
        try {
            Thread.sleep(1500);
            byte[] sample = Files.readAllBytes(corpusDir().resolve("17-tlsrpt.json"));
            Files.write(inbox.resolve("late.json"), sample);
            long deadline = System.currentTimeMillis() + 20_000;
            while (!out.toString().contains("late.json") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            t.interrupt();
            t.join(10_000);
        }
        assertThat(out.toString()).contains("late.json").contains("\"status\":\"stored\"").contains("\"kind\":\"tlsrpt\"");
        assertThat(t.isAlive()).isFalse();
    }
}
