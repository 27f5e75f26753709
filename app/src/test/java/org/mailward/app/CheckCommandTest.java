package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailward check} on a zone file without SMTP probing: JSON contract, CSV, batch order, resume, --fail-on. */
class CheckCommandTest {

    @TempDir
    Path dir;

    private Path zone() throws Exception {
        Path z = dir.resolve("draft.zone");
        Files.writeString(z, """
                nullmx.example. 300 IN MX 0 .
                nomx.example. 300 IN A 192.0.2.1
                good.example. 300 IN MX 10 mx.good.example.
                mx.good.example. 300 IN A 192.0.2.25
                _dmarc.nullmx.example. 300 IN TXT "v=DMARC1;p=reject;rua=mailto:dmarc@good.example"
                nullmx.example._report._dmarc.good.example. 300 IN TXT "v=DMARC1"
                _dmarc.nomx.example. 300 IN TXT "v=DMARC1;p=reject;rua=mailto:dmarc@nomx.example"
                nullmx.example. 300 IN TXT "v=spf1 -all"
                *._domainkey.nullmx.example. 300 IN TXT "v=DKIM1; p="
                nomx.example. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
                """);
        return z;
    }

    private String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code; stderr: " + err).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        String[] r = run(0, "check", "nullmx.example", "--json", "--no-smtp", "--zone", zone().toString(), "--at", "2026-06-01T00:00:00Z");
        var node = Json.MAPPER.readTree(r[0].trim());
        assertThat(node.get("domain").asText()).isEqualTo("nullmx.example");
        assertThat(node.get("status").asText()).isEqualTo("pass");
        var f = node.get("findings");
        assertThat(f).isNotEmpty();
        var first = f.get(0);
        for (String field : List.of("id", "severity", "area", "summary", "detail", "fix", "record")) {
            assertThat(first.has(field)).as(field).isTrue();
        }
        assertThat(r[0].trim().lines().count()).isEqualTo(1);
    }

    @Test
    void batchStreamsJsonLinesInInputOrderAndResumes() throws Exception {
        Path list = dir.resolve("domains.txt");
        Files.writeString(list, "# test\nnomx.example\nnullmx.example\ngood.example\nmissing.example\n");
        Path out = dir.resolve("out.jsonl");
        String[] r = run(0, "check", "--from-file", list.toString(), "--json", "--no-smtp", "--zone", zone().toString(), "--output", out.toString());
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(4);
        assertThat(lines.stream().map(l -> l.substring(0, l.indexOf(',', 0))).toList())
                .containsExactly("{\"domain\":\"nomx.example\"", "{\"domain\":\"nullmx.example\"", "{\"domain\":\"good.example\"", "{\"domain\":\"missing.example\"");
        assertThat(lines.get(3)).contains("GEN-DOMAIN-NXDOMAIN");
        assertThat(r[1]).contains("[4/4]").contains("checked 4 domain(s)");
        Files.writeString(list, "nomx.example\nnullmx.example\ngood.example\nmissing.example\nnullmx2.example\n");
        String[] again = run(0, "check", "--from-file", list.toString(), "--json", "--no-smtp", "--zone", zone().toString(), "--output", out.toString(), "--resume");
        assertThat(again[1]).contains("4 domain(s) already in");
        assertThat(Files.readAllLines(out)).hasSize(5);
    }

    @Test
    void csvAndFailOn() throws Exception {
        String[] r = run(CheckCommand.FAIL_ON_EXIT, "check", "nomx.example", "--csv", "--no-smtp", "--zone", zone().toString(), "--fail-on", "warn");
        assertThat(r[0].lines().findFirst()).contains("domain,status,id,severity,area,subject,summary,detail,fix,record");
        assertThat(r[0]).contains("nomx.example,warning,MX-NONE,warn,mx,");
        run(0, "check", "nullmx.example", "--no-smtp", "--zone", zone().toString(), "--fail-on", "error");
    }

    @Test
    void textOutputAndUsageErrors() throws Exception {
        String[] r = run(0, "check", "good.example", "--no-smtp", "--zone", zone().toString());
        assertThat(r[0]).contains("good.example: ERROR").contains("MX-HOST-PRIVATE-IP").contains("fix:");
        run(ExitCodes.USAGE, "check", "--json", "--csv", "x.example");
        run(ExitCodes.USAGE, "check");
        run(ExitCodes.USAGE, "check", "bad domain!");
    }

    @Test
    void statsGoToStderrAndLeaveJsonUnchanged() throws Exception {
        Path list = dir.resolve("domains.txt");
        Files.writeString(list, "nomx.example\nnullmx.example\ngood.example\nmissing.example\n");
        String zoneFile = zone().toString();
        String[] plain = run(0, "check", "--from-file", list.toString(), "--json", "--no-smtp", "--zone", zoneFile, "--at", "2026-06-01T00:00:00Z");
        String[] withStats = run(0, "check", "--from-file", list.toString(), "--json", "--no-smtp", "--zone", zoneFile, "--at", "2026-06-01T00:00:00Z", "--stats");
        assertThat(withStats[0]).isEqualTo(plain[0]);
        assertThat(plain[1]).doesNotContain("dns: ");
        var m = java.util.regex.Pattern.compile("dns: (\\d+) queries sent \\(([0-9.]+) per domain\\), (\\d+) distinct questions, (\\d+) repeated within TTL")
                .matcher(withStats[1]);
        assertThat(m.find()).as(withStats[1]).isTrue();
        long sent = Long.parseLong(m.group(1));
        long asked = 0;
        for (String line : withStats[0].trim().split("\n")) {
            asked += Json.MAPPER.readTree(line).get("dnsQuestions").asLong();
        }
        // one shared cache: every question goes out once, and questions shared by several domains (the DMARC tree
        // walk up to _dmarc.example) go out once for all of them
        assertThat(sent).isEqualTo(Long.parseLong(m.group(3))).isPositive().isLessThan(asked);
        assertThat(m.group(4)).isEqualTo("0");
        assertThat(Double.parseDouble(m.group(2))).isEqualTo(sent / 4.0, org.assertj.core.data.Offset.offset(0.051));
    }
}
