package org.mailward.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** delivery.mtaSts / dane / delayWarning and the metrics endpoint: defaults, values and errors with positions. */
class DeliveryObservabilityConfigTest {

    static final Path BASE = Path.of("cfg");

    static final String HEAD = """
            hostname: mx.example.org
            listeners: [{ name: in, port: 25 }]
            """;

    @Test
    void defaults() {
        GatewayConfig c = ConfigReader.read(HEAD, BASE).config().orElseThrow();
        assertThat(c.delivery().mtaSts()).isTrue();
        assertThat(c.delivery().dane()).isTrue();
        assertThat(c.delivery().delayWarning()).isEqualTo(Duration.ofHours(4));
        assertThat(c.metrics()).isEmpty();
    }

    @Test
    void values() {
        GatewayConfig c = ConfigReader.read(HEAD + """
                delivery: { mtaSts: false, dane: false, delayWarning: 90m }
                metrics: { address: 0.0.0.0, port: 9464 }
                """, BASE).config().orElseThrow();
        assertThat(c.delivery().mtaSts()).isFalse();
        assertThat(c.delivery().dane()).isFalse();
        assertThat(c.delivery().delayWarning()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.metrics()).contains(new GatewayConfig.MetricsEndpoint("0.0.0.0", 9464));
        assertThat(ConfigReader.read(HEAD + "metrics: { port: 0 }\n", BASE).config().orElseThrow().metrics())
                .contains(new GatewayConfig.MetricsEndpoint("127.0.0.1", 0));
    }

    @Test
    void errorsPointAtTheKey() {
        ConfigReader.Result r = ConfigReader.read(HEAD + """
                delivery:
                  mtaSts: yes please
                  delayWarning: soon
                metrics:
                  address: 127.0.0.1
                  prot: 9464
                """, BASE);
        assertThat(r.errors()).extracting(e -> e.line() + " " + e.message()).anyMatch(m -> m.startsWith("4 delivery.mtaSts must be true or false"))
                .anyMatch(m -> m.startsWith("5 delivery.delayWarning") && m.contains("not a duration"))
                .anyMatch(m -> m.contains("prot"));
        assertThat(ConfigReader.read(HEAD + "metrics: { address: 127.0.0.1 }\n", BASE).errors())
                .extracting(ConfigError::message).anyMatch(m -> m.contains("metrics.port is required"));
        assertThat(ConfigReader.read(HEAD + "metrics: { port: 70000 }\n", BASE).errors()).isNotEmpty();
    }
}
