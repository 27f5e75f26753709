package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailward spf}: single query (human and JSON), batch JSON lines in order with error lines, usage errors. */
class SpfCommandTest {

    private static final String ZONE = """
            example.gov.uk. IN TXT "v=spf1 ip4:192.0.2.0/25 include:_spf.mailhost.example.net -all"
            _spf.mailhost.example.net. IN TXT "v=spf1 ip4:198.51.100.0/24 ~all"
            broken.example.com. IN TXT "v=spf1 ip4:192.0.2.1 -all"
            broken.example.com. IN TXT "v=spf1 mx -all"
            """;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private Path zone() throws Exception {
        Path z = dir.resolve("test.zone");
        Files.writeString(z, ZONE);
        return z;
    }

    @Test
    void singleQueryJsonHasTheContractFields() throws Exception {
        Run r = run("spf", "--zone", zone().toString(), "--ip", "192.0.2.10", "--sender", "alice@example.gov.uk",
                "--helo", "mail.example.gov.uk", "--json", "--receiver", "rx.example");
        assertThat(r.code()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.path("result").asText()).isEqualTo("pass");
        assertThat(j.path("mechanism").asText()).isEqualTo("ip4:192.0.2.0/25");
        assertThat(j.path("record").asText()).startsWith("v=spf1 ip4:192.0.2.0/25");
        assertThat(j.has("explanation")).isTrue();
        assertThat(j.path("dnsLookups").asInt()).isZero();
        assertThat(j.path("voidLookups").asInt()).isZero();
        assertThat(j.path("receivedSpf").asText()).startsWith("Received-SPF: pass (rx.example:");
        assertThat(r.out().strip().lines()).hasSize(1);
    }

    @Test
    void humanOutput() throws Exception {
        Run r = run("spf", "--zone", zone().toString(), "--ip", "203.0.113.1", "--sender", "bob@example.gov.uk", "--helo", "h.example");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("fail: domain of bob@example.gov.uk does not designate 203.0.113.1")
                .contains("mechanism:   -all").contains("Received-SPF: fail");
    }

    @Test
    void batchKeepsOrderAndReportsBadLines() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add(switch (i % 5) {
                case 0 -> "{\"ip\":\"192.0.2." + (i % 128) + "\",\"sender\":\"a" + i + "@example.gov.uk\",\"helo\":\"h\"}";
                case 1 -> "{\"ip\":\"203.0.113.7\",\"sender\":\"b" + i + "@example.gov.uk\",\"helo\":\"h\"}";
                case 2 -> "not json " + i;
                case 3 -> "{\"ip\":\"not-an-ip\",\"sender\":\"c@example.gov.uk\"}";
                default -> "{\"ip\":\"203.0.113.1\",\"sender\":\"d" + i + "@broken.example.com\",\"helo\":\"h\"}";
            });
        }
        Path in = dir.resolve("queries.jsonl");
        Files.write(in, lines);
        Run r = run("spf", "--zone", zone().toString(), "--batch", in.toString(), "--parallel", "4");
        assertThat(r.code()).isZero();
        List<String> out = r.out().lines().toList();
        assertThat(out).hasSize(300);
        for (int i = 0; i < 300; i++) {
            JsonNode j = Json.MAPPER.readTree(out.get(i));
            switch (i % 5) {
                case 0 -> {
                    assertThat(j.path("result").asText()).isEqualTo("pass");
                    assertThat(j.path("sender").asText()).isEqualTo("a" + i + "@example.gov.uk");
                }
                case 1 -> assertThat(j.path("result").asText()).isEqualTo("fail");
                case 2 -> assertThat(j.path("error").asText()).isEqualTo("not a JSON object");
                case 3 -> assertThat(j.path("error").asText()).contains("not an IP address");
                default -> {
                    assertThat(j.path("result").asText()).isEqualTo("permerror");
                    assertThat(j.path("sender").asText()).isEqualTo("d" + i + "@broken.example.com");
                }
            }
            if (i % 5 == 2 || i % 5 == 3) {
                assertThat(j.path("line").asInt()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertThat(run("spf", "--zone", zone().toString(), "--sender", "a@b.example").code()).isEqualTo(2);
        assertThat(run("spf", "--zone", zone().toString(), "--ip", "example.com").code()).isEqualTo(2);
        assertThat(run("spf", "--zone", dir.resolve("missing.zone").toString(), "--ip", "192.0.2.1").code()).isEqualTo(2);
    }
}
