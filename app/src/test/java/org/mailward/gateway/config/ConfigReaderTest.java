package org.mailward.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    static final Path BASE = Path.of("/cfg");

    @Test
    void demoConfigIsValid() throws Exception {
        Path demo = Path.of(System.getProperty("user.dir")).resolve("../demo/mailward.yml").normalize();
        ConfigReader.Result r = ConfigReader.read(Files.readString(demo), demo.getParent());
        assertThat(r.errors()).isEmpty();
        GatewayConfig c = r.config().orElseThrow();
        assertThat(c.listeners()).hasSize(2);
        assertThat(c.listeners().get(1).tls()).isEqualTo(GatewayConfig.TlsPolicy.REQUIRED);
        assertThat(c.localDomains().get(0).routePort()).isEqualTo(2526);
        assertThat(c.limits().maxMessageSize()).isEqualTo(25L * 1024 * 1024);
        assertThat(c.delivery().maxRetryInterval()).isEqualTo(Duration.ofSeconds(4000));
        assertThat(c.delivery().secureDelivery()).hasSize(4);
    }

    @Test
    void errorsPointAtLineAndColumn() {
        String yaml = """
                hostname: mx.example.org
                listeners:
                  - name: in
                    port: 99999
                    kind: outbound
                localDomains:
                  - domain: example.org.
                    route: nohost
                relayNetworks: [10.0.0.0/33]
                delivery:
                  firstRetry: soon
                  secureDelivery:
                    - { domain: "*.gov.uk", policy: enforced-strict }
                limitz: {}
                """;
        ConfigReader.Result r = ConfigReader.read(yaml, BASE);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(e -> e.line() + ":" + e.column() + " " + e.message().split(":")[0]).contains(
                "4:11 listeners[].port must be between 0 and 65535",
                "5:11 listeners[].kind must be inbound or submission, not 'outbound'",
                "7:13 localDomains[].domain",
                "8:12 localDomains[].route must be host",
                "9:17 relayNetworks",
                "11:15 delivery.firstRetry",
                "13:17 secureDelivery",
                "14:1 unknown key 'limitz' in the configuration (known");
    }

    @Test
    void yamlSyntaxErrorHasAPosition() {
        ConfigReader.Result r = ConfigReader.read("hostname: x\nlisteners: [\n", BASE);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors().get(0).line()).isGreaterThan(0);
        assertThat(r.errors().get(0).message()).startsWith("YAML syntax");
    }

    @Test
    void defaultsAreTheUkBaseline() {
        GatewayConfig c = ConfigReader.read("hostname: mx.example.org\nlisteners: [{name: in, port: 25}]\n", BASE).config().orElseThrow();
        assertThat(c.tls().defaultProfile()).isEqualTo("ncsc");
        assertThat(c.tls().profile("ncsc").protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(c.delivery().firstRetry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.delivery().maxQueueLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(c.delivery().secureDelivery()).extracting(GatewayConfig.SecureDeliveryRule::domain)
                .containsExactly("*.gsi.gov.uk", "*.gsx.gov.uk", "*.gse.gov.uk", "*.gcsx.gov.uk");
        assertThat(c.listeners().get(0).tls()).isEqualTo(GatewayConfig.TlsPolicy.OPPORTUNISTIC);
    }

    @Test
    void customTlsProfilesAreCheckedAgainstTheStandard() {
        String yaml = """
                hostname: mx.example.org
                tls:
                  profile: strict13
                  profiles:
                    strict13: { protocols: [TLSv1.3], cipherSuites: [TLS_AES_256_GCM_SHA384] }
                    old: { protocols: [TLSv1.1], cipherSuites: [TLS_NOT_A_SUITE] }
                listeners: [{name: in, port: 25}]
                """;
        ConfigReader.Result r = ConfigReader.read(yaml, BASE);
        assertThat(r.errors()).extracting(ConfigError::message).anyMatch(m -> m.contains("only TLSv1.2 and TLSv1.3"))
                .anyMatch(m -> m.contains("TLS_NOT_A_SUITE"));
    }

    /** Fuzz: random mutations of a valid file never throw and always give a result. */
    @Test
    void fuzzNeverThrows() throws Exception {
        Path demo = Path.of(System.getProperty("user.dir")).resolve("../demo/mailward.yml").normalize();
        String base = Files.readString(demo);
        long seed = System.nanoTime();
        Random r = new Random(seed);
        String alphabet = ":-[]{}#\"' \n\tabc019*.&!|>%@";
        for (int i = 0; i < 200; i++) {
            StringBuilder s = new StringBuilder(base);
            for (int e = 0; e < 1 + r.nextInt(5); e++) {
                int pos = r.nextInt(s.length());
                if (r.nextBoolean()) {
                    s.insert(pos, alphabet.charAt(r.nextInt(alphabet.length())));
                } else {
                    s.deleteCharAt(pos);
                }
            }
            try {
                ConfigReader.Result res = ConfigReader.read(s.toString(), BASE);
                assertThat(res.valid() || !res.errors().isEmpty()).as("seed %d", seed).isTrue();
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " iteration " + i + ": reader threw", ex);
            }
        }
    }

    @Test
    void submissionListenerWithoutUsersIsAnError() {
        ConfigReader.Result r = ConfigReader.read("hostname: mx.example.org\nlisteners: [{name: sub, port: 587, kind: submission}]\n", BASE);
        assertThat(r.errors()).extracting(ConfigError::message).anyMatch(m -> m.contains("submission listener accepts mail only after AUTH"));
        assertThat(r.errors().get(0).line()).isEqualTo(2);
    }
}
