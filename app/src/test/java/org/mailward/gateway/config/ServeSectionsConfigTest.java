package org.mailward.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code doctor}, {@code dashboard} and {@code reportGeneration} sections: defaults, values, and a seeded property
 * test that random values give either a configuration or positioned errors, never an exception.
 */
class ServeSectionsConfigTest {

    static final String BASE = """
            hostname: mx.example.org
            listeners: [{ name: in, address: 127.0.0.1, port: 25 }]
            """;

    static ConfigReader.Result read(String extra) {
        return ConfigReader.read(BASE + extra, Path.of("."));
    }

    @Test
    void absentSectionsGiveTheDefaults() {
        GatewayConfig c = read("").config().orElseThrow();
        assertThat(c.serve()).isEqualTo(GatewayConfig.Serve.defaults());
        assertThat(c.serve().doctor().enabled()).isTrue();
        assertThat(c.serve().doctor().interval()).isEqualTo(Duration.ofHours(6));
        assertThat(c.serve().dashboard()).isEmpty();
        assertThat(c.serve().reportGeneration().enabled()).isFalse();
    }

    @Test
    void valuesAreRead() {
        GatewayConfig c = read("""
                doctor: { interval: 30m, outboundAddresses: [192.0.2.25, "2001:db8::25"] }
                dashboard: { address: "::1", port: 8443, secureCookies: true }
                reportGeneration: { enabled: true, at: "23:59", catchUpDays: 31 }
                """).config().orElseThrow();
        assertThat(c.serve().doctor()).isEqualTo(new GatewayConfig.DoctorSchedule(true, Duration.ofMinutes(30), List.of("192.0.2.25", "2001:db8::25")));
        assertThat(c.serve().dashboard()).contains(new GatewayConfig.Dashboard("::1", 8443, true, Optional.empty()));
        assertThat(c.serve().reportGeneration()).isEqualTo(new GatewayConfig.ReportSchedule(true, LocalTime.of(23, 59),
                Optional.empty(), Optional.empty(), "rfc7489", 31));
        assertThat(read("dashboard: 8080\n").errors()).extracting(ConfigError::message).anyMatch(m -> m.contains("dashboard must be a mapping"));
    }

    @Test
    void randomValuesNeverThrow() {
        Random rnd = new Random(20261207);
        String[] values = {"", "0", "-1", "true", "false", "yes", "1h", "10s", "6h", "01:30", "24:00", "1:30", "x", "\"\"", "[]", "{}",
                "[1, 2]", "{ a: b }", "99999999999999999999", "127.0.0.1", "\"::1\"", "\"a/b\"", "abcdefghijklmnopqrstuvwxyz", "\"\\u0000\"",
                "rfc7489", "dmarc-2.0", "{ orgName: x, email: a@b.example }", "{ email: \"@\" }", "null", "~"};
        String[][] keys = {
                {"doctor", "enabled", "interval", "outboundAddresses", "other"},
                {"dashboard", "address", "port", "secureCookies", "tlsrptSecret", "other"},
                {"reportGeneration", "enabled", "at", "reporter", "schema", "catchUpDays", "other"}};
        for (int i = 0; i < 600; i++) {
            String[] section = keys[rnd.nextInt(keys.length)];
            StringBuilder y = new StringBuilder(section[0]).append(":");
            if (rnd.nextInt(10) == 0) {
                y.append(' ').append(values[rnd.nextInt(values.length)]).append('\n');
            } else {
                y.append('\n');
                int n = 1 + rnd.nextInt(section.length - 1);
                java.util.Set<String> used = new java.util.HashSet<>();
                for (int k = 0; k < n; k++) {
                    String key = section[1 + rnd.nextInt(section.length - 1)];
                    if (used.add(key)) {
                        y.append("  ").append(key).append(": ").append(values[rnd.nextInt(values.length)]).append('\n');
                    }
                }
            }
            ConfigReader.Result r = read(y.toString());
            assertThat(r.valid() || !r.errors().isEmpty()).as(y.toString()).isTrue();
            if (r.valid()) {
                GatewayConfig.Serve s = r.config().orElseThrow().serve();
                assertThat(s.doctor().interval()).isGreaterThanOrEqualTo(Duration.ofMinutes(1));
                assertThat(s.reportGeneration().catchUpDays()).isBetween(1, 31);
                s.dashboard().ifPresent(d -> assertThat(d.port()).isBetween(0, 65535));
            } else {
                assertThat(r.errors()).allSatisfy(e -> assertThat(e.line()).isPositive());
            }
        }
    }
}
