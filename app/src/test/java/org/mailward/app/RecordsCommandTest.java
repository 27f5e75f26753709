package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailward records}: the JSON contract of CLI.md, text output, --next and usage errors, on zone files. */
class RecordsCommandTest {

    @TempDir
    Path dir;

    private Path zone(String text) throws Exception {
        Path z = dir.resolve("z" + System.nanoTime() + ".zone");
        Files.writeString(z, text);
        return z;
    }

    private String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code; stderr: " + err + " stdout: " + out).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        Path key = dir.resolve("k.pem");
        byte[] der = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PRIVATE KEY-----\n");
        Path z = zone("""
                dept.gov.uk. 300 IN MX 10 mx.dept.gov.uk.
                mx.dept.gov.uk. 300 IN A 192.0.2.25
                _spf.provider.example. 300 IN TXT "v=spf1 ip4:198.51.100.0/24 include:_spf2.provider.example ~all"
                _spf2.provider.example. 300 IN TXT "v=spf1 a:mail.provider.example ~all"
                mail.provider.example. 300 IN A 198.51.100.7
                """);
        String[] r = run(0, "records", "dept.gov.uk", "--json", "--zone", z.toString(), "--stage", "quarantine:10",
                "--spf-include", "_spf.provider.example", "--spf-ip", "192.0.2.0/24,2001:db8::/32", "--dkim-selector", "s1", "--dkim-key", key.toString(),
                "--mta-sts", "enforce", "--rua", "dmarc@reports.example.net", "--at", "2026-11-25T00:00:00Z");
        JsonNode o = Json.MAPPER.readTree(r[0]);
        assertThat(r[0].trim().lines().count()).isEqualTo(1);
        assertThat(o.get("stage").asText()).isEqualTo("quarantine:10");
        assertThat(o.get("profile").asText()).isEqualTo("uk-gov");
        for (JsonNode rec : o.get("records")) {
            for (String f : List.of("name", "type", "value", "ttl", "purpose")) {
                assertThat(rec.has(f)).as(f).isTrue();
            }
            assertThat(rec.get("name").asText()).endsWith(".");
            assertThat(rec.get("value").asText()).doesNotStartWith("\"");
        }
        assertThat(o.get("records").findValuesAsText("value")).contains(
                "v=DMARC1;p=quarantine;sp=quarantine;fo=1;pct=10;rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:dmarc@reports.example.net;ruf=mailto:dmarc-ruf@dmarc.service.gov.uk",
                "v=DMARC1",
                "v=spf1 include:_spf.provider.example ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all",
                "v=STSv1; id=20261125T000000",
                "v=TLSRPTv1; rua=mailto:tls-rua@mailcheck.service.ncsc.gov.uk");
        assertThat(o.get("records").findValuesAsText("name")).contains("dept.gov.uk._report._dmarc.reports.example.net.", "s1._domainkey.dept.gov.uk.");
        // include (1) + the nested include (1) + its a: (1), counted by the auth.spf evaluator
        assertThat(o.get("spf").get("dnsLookups").asInt()).isEqualTo(3);
        assertThat(o.get("spf").get("withinLimits").asBoolean()).isTrue();
        assertThat(o.get("files").get(0).get("body").asText()).contains("mode: enforce\r\nmx: mx.dept.gov.uk\r\nmax_age: 1209600\r\n");
        assertThat(o.get("notes").toString()).contains("pct is an RFC 7489 tag");
    }

    @Test
    void textShowsZoneLinesAndTable() throws Exception {
        String[] r = run(0, "records", "example.com", "--zone", zone("example.com. 300 IN MX 10 mx.example.com.\n").toString(), "--stage", "reject");
        assertThat(r[0]).contains("_dmarc.example.com. 3600 IN TXT \"v=DMARC1;p=reject;sp=reject;np=reject;rua=mailto:dmarc@example.com\"")
                .contains("NAME").contains("-> DMARC policy, stage reject (final stage)").contains("Create the mailbox dmarc@example.com");
    }

    @Test
    void nextProposesTheNextStageOrRefuses() throws Exception {
        String base = "a.example. 300 IN MX 10 mx.a.example.\nmx.a.example. 300 IN A 192.0.2.1\na.example. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n";
        // p=none with reports: advance to quarantine pct=10, keeping the other tags
        JsonNode o = Json.MAPPER.readTree(run(0, "records", "a.example", "--next", "--json", "--zone",
                zone(base + "_dmarc.a.example. 300 IN TXT \"v=DMARC1;p=none;rua=mailto:dmarc@a.example;adkim=s\"\n").toString())[0]);
        assertThat(o.get("next").get("current").asText()).isEqualTo("none");
        assertThat(o.get("next").get("proposed").asText()).isEqualTo("quarantine:10");
        assertThat(o.get("next").get("advance").asBoolean()).isTrue();
        assertThat(o.get("records").get(0).get("value").asText()).isEqualTo("v=DMARC1;p=quarantine;sp=quarantine;adkim=s;pct=10;rua=mailto:dmarc@a.example");
        // quarantine 25 -> 50
        o = Json.MAPPER.readTree(run(0, "records", "a.example", "--next", "--json", "--zone",
                zone(base + "_dmarc.a.example. 300 IN TXT \"v=DMARC1;p=quarantine;pct=25;rua=mailto:dmarc@a.example\"\n").toString())[0]);
        assertThat(o.get("next").get("proposed").asText()).isEqualTo("quarantine:50");
        // no rua: refused, nothing to publish
        o = Json.MAPPER.readTree(run(0, "records", "a.example", "--next", "--json", "--zone",
                zone(base + "_dmarc.a.example. 300 IN TXT \"v=DMARC1;p=none\"\n").toString())[0]);
        assertThat(o.get("next").get("advance").asBoolean()).isFalse();
        assertThat(o.get("next").get("blockers").toString()).contains("DMARC-NO-RUA");
        assertThat(o.get("records")).isEmpty();
        // a DMARC error (duplicate tag) refuses too
        o = Json.MAPPER.readTree(run(0, "records", "a.example", "--next", "--json", "--zone",
                zone(base + "_dmarc.a.example. 300 IN TXT \"v=DMARC1;p=none;p=none;rua=mailto:dmarc@a.example\"\n").toString())[0]);
        assertThat(o.get("next").get("advance").asBoolean()).isFalse();
        assertThat(o.get("next").get("blockers").toString()).contains("DMARC-DUPLICATE-TAG");
        // reject is final
        o = Json.MAPPER.readTree(run(0, "records", "a.example", "--next", "--json", "--zone",
                zone(base + "_dmarc.a.example. 300 IN TXT \"v=DMARC1;p=reject;rua=mailto:dmarc@a.example\"\n").toString())[0]);
        assertThat(o.get("next").get("current").asText()).isEqualTo("reject");
        assertThat(o.get("next").get("advance").asBoolean()).isFalse();
        // no record: start at none
        o = Json.MAPPER.readTree(run(0, "records", "a.example", "--next", "--json", "--zone", zone(base).toString())[0]);
        assertThat(o.get("next").get("proposed").asText()).isEqualTo("none");
        assertThat(o.get("records").get(0).get("value").asText()).isEqualTo("v=DMARC1;p=none;sp=none;rua=mailto:dmarc@a.example");
    }

    @Test
    void usageErrors() throws Exception {
        run(2, "records", "example.com", "--stage", "sometimes");
        run(2, "records", "example.com", "--dkim-selector", "s1");
        run(2, "records", "example.com", "--dkim-selector", "s1", "--dkim-key", Files.writeString(dir.resolve("bad.pem"), "not a key").toString());
        run(2, "records", "example.com", "--mta-sts", "always");
        run(2, "records", "example.com", "--profile", "martian");
    }
}
