package org.mailward.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The {@code reflector:} section (ConfigReaderTest style: defaults, every key, each bad value with its position). */
class ReflectorConfigTest {

    static final Path BASE = Path.of("/cfg");
    static final String HEAD = """
            hostname: mx.example.org
            listeners: [{name: in, port: 25}]
            localDomains:
              - { domain: example.org, route: "10.0.0.5:25" }
              - { domain: example.net, route: "10.0.0.5:25" }
              - { domain: legacy.example, route: "10.0.0.5:25" }
            """;

    static ConfigReader.Result read(String reflector) {
        return ConfigReader.read(HEAD + reflector, BASE);
    }

    @Test
    void defaultsAnswerEmailsecurityAtEveryLocalDomain() {
        GatewayConfig c = read("").config().orElseThrow();
        GatewayConfig.Reflector r = c.reflector();
        assertThat(r.enabled()).isTrue();
        assertThat(r.localPart()).isEqualTo("emailsecurity");
        assertThat(r.maxRepliesPerSenderPerHour()).isEqualTo(5);
        assertThat(r.domains()).isEmpty();
        assertThat(c.localDomains()).extracting(d -> r.addressFor(d.domain()).orElse("-"))
                .containsExactly("emailsecurity@example.org", "emailsecurity@example.net", "emailsecurity@legacy.example");
        // a configuration built in code gets the same defaults
        assertThat(ConfigReader.read("hostname: mx.example.org\nlisteners: [{name: in, port: 25}]\nreflector:\n", BASE)
                .config().orElseThrow().reflector()).isEqualTo(GatewayConfig.Reflector.defaults());
    }

    @Test
    void everyKeyAndPerDomainOverrides() {
        ConfigReader.Result res = read("""
                reflector:
                  enabled: true
                  localPart: TLS-Check
                  maxRepliesPerSenderPerHour: 2
                  domains:
                    - { domain: Example.NET, localPart: security.test }
                    - { domain: legacy.example, enabled: false }
                """);
        assertThat(res.errors()).isEmpty();
        GatewayConfig.Reflector r = res.config().orElseThrow().reflector();
        assertThat(r.localPart()).isEqualTo("tls-check");
        assertThat(r.maxRepliesPerSenderPerHour()).isEqualTo(2);
        assertThat(r.domains()).containsExactly(new GatewayConfig.ReflectorDomain("example.net", true, Optional.of("security.test")),
                new GatewayConfig.ReflectorDomain("legacy.example", false, Optional.empty()));
        assertThat(r.addressFor("example.org")).contains("tls-check@example.org");
        assertThat(r.addressFor("example.net")).contains("security.test@example.net");
        assertThat(r.addressFor("legacy.example")).isEmpty();
    }

    @Test
    void offByDefaultButOnForListedDomains() {
        GatewayConfig.Reflector r = read("reflector:\n  enabled: false\n  domains:\n    - { domain: example.net }\n").config().orElseThrow().reflector();
        assertThat(r.addressFor("example.org")).isEmpty();
        assertThat(r.addressFor("legacy.example")).isEmpty();
        assertThat(r.addressFor("example.net")).contains("emailsecurity@example.net");
    }

    @Test
    void badValuesAreErrorsWithTheirPosition() {
        ConfigReader.Result res = read("""
                reflector:
                  enabled: maybe
                  localPart: "a b@c"
                  maxRepliesPerSenderPerHour: 0
                  colour: blue
                  domains:
                    - { domain: elsewhere.example }
                    - { domain: example.org }
                    - { domain: example.org, enabled: false }
                    - { localPart: x }
                    - { domain: "bad..name" }
                    - { domain: example.net, localPart: ".dot" }
                """);
        assertThat(res.valid()).isFalse();
        List<String> errors = res.errors().stream().map(e -> e.line() + ":" + e.column() + " " + e.message()).toList();
        assertThat(errors).anyMatch(e -> e.startsWith("8:12 reflector.enabled must be true or false, not 'maybe'"))
                .anyMatch(e -> e.startsWith("9:14 reflector.localPart must be a plain local part"))
                .anyMatch(e -> e.startsWith("10:31 reflector.maxRepliesPerSenderPerHour must be between 1 and 10000"))
                .anyMatch(e -> e.startsWith("11:3 unknown key 'colour' in reflector"))
                .anyMatch(e -> e.startsWith("13:17 reflector.domains[]: elsewhere.example is not one of the localDomains"))
                .anyMatch(e -> e.startsWith("15:17 reflector.domains[]: example.org is listed twice"))
                .anyMatch(e -> e.startsWith("16:7 reflector.domains[].domain is required"))
                .anyMatch(e -> e.startsWith("17:17 reflector.domains[].domain: 'bad..name' is not a domain"))
                .anyMatch(e -> e.startsWith("18:41 reflector.domains[].localPart must be a plain local part"));
        assertThat(read("reflector: [emailsecurity]\n").errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("reflector must be a mapping, not a list"));
        assertThat(read("reflector:\n  localPart: " + "a".repeat(65) + "\n").errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("reflector.localPart must be a plain local part of at most 64"));
    }

    /** Fuzz: random mutations of a valid reflector section never throw; each gives a configuration or errors. */
    @Test
    void fuzzNeverThrows() {
        String base = HEAD + """
                reflector:
                  enabled: true
                  localPart: emailsecurity
                  maxRepliesPerSenderPerHour: 5
                  domains:
                    - { domain: example.net, localPart: security }
                    - { domain: legacy.example, enabled: false }
                """;
        long seed = 20261207L;
        Random r = new Random(seed);
        String alphabet = ":-[]{}#\"' \n\tabc019*.&!|>%@";
        int start = HEAD.length();
        for (int i = 0; i < 500; i++) {
            StringBuilder s = new StringBuilder(base);
            for (int e = 0; e < 1 + r.nextInt(5); e++) {
                int pos = start + r.nextInt(s.length() - start);
                if (r.nextBoolean()) {
                    s.insert(pos, alphabet.charAt(r.nextInt(alphabet.length())));
                } else {
                    s.deleteCharAt(pos);
                }
            }
            String what = "seed " + seed + " iteration " + i;
            try {
                ConfigReader.Result res = ConfigReader.read(s.toString(), BASE);
                assertThat(res.valid() || !res.errors().isEmpty()).as(what).isTrue();
                res.config().ifPresent(c -> c.localDomains().forEach(d -> c.reflector().addressFor(d.domain())
                        .ifPresent(a -> assertThat(a).as(what).matches("[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9.-]+"))));
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " iteration " + i + ": reader threw", ex);
            }
        }
    }
}
