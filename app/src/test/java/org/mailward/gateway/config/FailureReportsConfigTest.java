package org.mailward.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** failureReports: off by default, the redaction options, the reporter, and every mistake with its position. */
class FailureReportsConfigTest {

    static final String BASE = """
            hostname: mx.example.org
            listeners:
              - { name: in, address: 127.0.0.1, port: 0 }
            """;

    static ConfigReader.Result read(String extra) {
        return ConfigReader.read(BASE + extra, Path.of("."));
    }

    @Test
    void offAndHeadersOnlyByDefault() {
        GatewayConfig.FailureReports f = read("").config().orElseThrow().failureReports();
        assertThat(f).isEqualTo(GatewayConfig.FailureReports.defaults());
        assertThat(f.enabled()).isFalse();
        assertThat(f.headersOnly()).isTrue();
        assertThat(f.redactLocalParts()).isFalse();
        // enabling alone keeps the private defaults
        GatewayConfig.FailureReports on = read("failureReports: { enabled: true }\n").config().orElseThrow().failureReports();
        assertThat(on.enabled()).isTrue();
        assertThat(on.headersOnly()).isTrue();
        assertThat(on.maxPerDomainPerHour()).isEqualTo(10);
    }

    @Test
    void everyKey() {
        ConfigReader.Result r = read("""
                failureReports:
                  enabled: true
                  redact: [headers-only, localparts]
                  maxPerDomainPerHour: 3
                  reporter: { orgName: Example Ltd, email: dmarc-reports@example.org }
                  envelopeSender: "null"
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().orElseThrow().failureReports()).isEqualTo(new GatewayConfig.FailureReports(true, true, true, 3,
                Optional.of("Example Ltd"), Optional.of("dmarc-reports@example.org"), true));
        GatewayConfig.FailureReports whole = read("failureReports: { enabled: true, redact: none }\n").config().orElseThrow().failureReports();
        assertThat(whole.headersOnly()).isFalse();
        assertThat(whole.redactLocalParts()).isFalse();
        GatewayConfig.FailureReports local = read("failureReports: { enabled: true, redact: localparts }\n").config().orElseThrow().failureReports();
        assertThat(local.headersOnly()).isFalse();
        assertThat(local.redactLocalParts()).isTrue();
    }

    @Test
    void mistakesAreErrors() {
        ConfigReader.Result r = read("""
                failureReports:
                  enabled: true
                  redact: [none, localparts, everything]
                  maxPerDomainPerHour: -1
                  reporter: { email: "not an address" }
                  envelopeSender: postmaster
                  rua: x
                """);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(e -> e.line() + ": " + e.message()).anySatisfy(m -> assertThat(m).startsWith("6: ")
                        .contains("'everything' is not one of none, headers-only, localparts"))
                .anySatisfy(m -> assertThat(m).contains("none cannot be combined"))
                .anySatisfy(m -> assertThat(m).startsWith("7: ").contains("maxPerDomainPerHour must be between 0 and 100000"))
                .anySatisfy(m -> assertThat(m).contains("failureReports.reporter.email: 'not an address'"))
                .anySatisfy(m -> assertThat(m).startsWith("9: ").contains("envelopeSender must be reporter or null"))
                .anySatisfy(m -> assertThat(m).startsWith("10: ").contains("unknown key 'rua' in failureReports"));
    }

    /** Property: any mix of values in the failureReports section gives a config or positioned errors, never a throw. */
    @Test
    void sectionFuzz() {
        long seed = 20261207L;
        java.util.Random r = new java.util.Random(seed);
        String[] values = {"none", "headers-only", "localparts", "[none, localparts]", "[headers-only, localparts]", "true", "false", "",
                "[]", "{}", "null", "~", "5", "-3", "1M", "x@y.example", "\"not an address\"", "reporter", "{ orgName: X }",
                "{ email: a@b.example }", "{ bogus: 1 }", "[[a]]"};
        String[] keys = {"enabled", "redact", "maxPerDomainPerHour", "reporter", "envelopeSender", "bogus"};
        for (int i = 0; i < 400; i++) {
            StringBuilder y = new StringBuilder(BASE).append(r.nextInt(10) == 0 ? "failureReports: " + values[r.nextInt(values.length)] + "\n"
                    : "failureReports:\n");
            java.util.Set<String> used = new java.util.HashSet<>();
            for (int k = 0; k < r.nextInt(6); k++) {
                String key = keys[r.nextInt(keys.length)];
                if (used.add(key) && !y.toString().endsWith(": " + values[0] + "\n")) {
                    y.append("  ").append(key).append(": ").append(values[r.nextInt(values.length)]).append('\n');
                }
            }
            try {
                ConfigReader.Result res = ConfigReader.read(y.toString(), Path.of("."));
                assertThat(res.valid() || !res.errors().isEmpty()).as("seed %d case %d", seed, i).isTrue();
                for (ConfigError e : res.errors()) {
                    assertThat(e.line()).as("seed %d case %d: %s", seed, i, e.message()).isPositive();
                }
                if (res.valid()) {
                    GatewayConfig.FailureReports f = res.config().orElseThrow().failureReports();
                    assertThat(f.maxPerDomainPerHour()).isBetween(0, 100_000);
                }
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " case " + i + ": reader threw on\n" + y, ex);
            }
        }
    }
}
