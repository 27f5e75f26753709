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
    void authenticationDefaultsHonourDmarcAndNothingElse() {
        GatewayConfig c = ConfigReader.read("hostname: mx.example.org\nlisteners: [{name: in, port: 25}]\n", BASE).config().orElseThrow();
        GatewayConfig.Authentication a = c.authentication();
        assertThat(a.enabled()).isTrue();
        assertThat(a.actions()).isEqualTo(GatewayConfig.AuthActions.baseline());
        assertThat(a.actions().honourDmarcPolicy()).isTrue();
        assertThat(a.overrides()).isEmpty();
        assertThat(c.database()).isEmpty();
    }

    @Test
    void authenticationKeysAndOverridesAreRead() {
        String yaml = """
                hostname: mx.example.org
                listeners: [{name: in, port: 25}]
                database: jdbc:postgresql://127.0.0.1:5432/mailward
                authentication:
                  spfFail: tag
                  spfSoftfail: tag
                  dkimFail: quarantine
                  dmarcFail: reject
                  honourDmarcPolicy: false
                  subjectTag: "[SPOOF?]"
                  tagHeader: X-Auth-Warning
                  trustedArcSealers: [lists.example.net]
                  overrides:
                    - name: partner
                      senderDomains: [partner.example, "*.partner.example"]
                      dmarcFail: none
                    - name: scanner
                      networks: [127.0.0.0/24, "::1"]
                      allow: true
                """;
        ConfigReader.Result r = ConfigReader.read(yaml, BASE);
        assertThat(r.errors()).isEmpty();
        GatewayConfig c = r.config().orElseThrow();
        assertThat(c.database()).contains("jdbc:postgresql://127.0.0.1:5432/mailward");
        GatewayConfig.Authentication a = c.authentication();
        assertThat(a.actions()).isEqualTo(new GatewayConfig.AuthActions(GatewayConfig.AuthAction.TAG, GatewayConfig.AuthAction.TAG,
                GatewayConfig.AuthAction.QUARANTINE, GatewayConfig.AuthAction.REJECT, false));
        assertThat(a.subjectTag()).isEqualTo("[SPOOF?]");
        assertThat(a.tagHeader()).isEqualTo("X-Auth-Warning");
        assertThat(a.trustedArcSealers()).containsExactly("lists.example.net");
        assertThat(a.overrides()).hasSize(2);
        GatewayConfig.AuthOverride partner = a.overrides().get(0);
        assertThat(partner.senderDomains()).containsExactly("partner.example", "*.partner.example");
        // an override starts from the default actions and changes only what it names
        assertThat(partner.actions()).isEqualTo(new GatewayConfig.AuthActions(GatewayConfig.AuthAction.TAG, GatewayConfig.AuthAction.TAG,
                GatewayConfig.AuthAction.QUARANTINE, GatewayConfig.AuthAction.NONE, false));
        assertThat(a.overrides().get(1).allowList()).isTrue();
        assertThat(a.overrides().get(1).actions()).isEqualTo(GatewayConfig.AuthActions.allowed());
        assertThat(a.overrides().get(1).networks()).hasSize(2);
    }

    @Test
    void authenticationErrorsPointAtTheKey() {
        String yaml = """
                hostname: mx.example.org
                listeners: [{name: in, port: 25}]
                database: mysql://x
                authentication:
                  spfFail: bounce
                  honourDmarcPolicy: yes
                  tagHeader: "X Bad"
                  overrides:
                    - { name: a, dmarcFail: none }
                    - { name: b, networks: [300.1.1.1], senderDomains: ["bad..example"] }
                    - { name: c, senderDomains: [x.example], allow: true, dkimFail: reject }
                    - { name: c, senderDomains: [y.example], colour: red }
                """;
        ConfigReader.Result r = ConfigReader.read(yaml, BASE);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(e -> e.line() + ":" + e.column() + " " + e.message().split(":")[0]).contains(
                "3:11 database must be a JDBC URL starting jdbc",
                "5:12 authentication.spfFail must be none, tag, quarantine or reject, not 'bounce'",
                "6:22 authentication.honourDmarcPolicy must be true or false, not 'yes'",
                "7:14 authentication.tagHeader must be a header field name (letters, digits, hyphens), not 'X Bad'",
                "9:7 authentication.overrides[] needs senderDomains or networks (or both)",
                "10:29 authentication.overrides[].networks",
                "10:57 authentication.overrides[].senderDomains",
                "11:7 authentication.overrides[]",
                "12:15 authentication.overrides[]",
                "12:46 unknown key 'colour' in authentication.overrides[] (known");
        assertThat(r.errors()).filteredOn(e -> e.line() == 10 && e.message().contains("needs senderDomains")).isEmpty();
    }

    /** Property: any mix of values in the authentication section gives a config or positioned errors, never a throw. */
    @Test
    void authenticationSectionFuzz() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        String[] values = {"none", "tag", "quarantine", "reject", "true", "false", "", "[]", "{}", "[a, b]", "\"*.x.example\"",
                "127.0.0.0/8", "::1/200", "x..y", "\"[T]\"", "null", "~", "5", "X-Tag"};
        String[] keys = {"spfFail", "spfSoftfail", "dkimFail", "dmarcFail", "honourDmarcPolicy", "subjectTag", "tagHeader",
                "trustedArcSealers", "enabled", "bogus"};
        String[] okeys = {"name", "senderDomains", "networks", "allow", "dmarcFail", "honourDmarcPolicy"};
        for (int i = 0; i < 300; i++) {
            StringBuilder y = new StringBuilder("hostname: mx.example.org\nlisteners: [{name: in, port: 25}]\nauthentication:\n");
            for (int k = 0; k < r.nextInt(5); k++) {
                y.append("  ").append(keys[r.nextInt(keys.length)]).append(": ").append(values[r.nextInt(values.length)]).append('\n');
            }
            if (r.nextBoolean()) {
                y.append("  overrides:\n");
                for (int o = 0; o < 1 + r.nextInt(3); o++) {
                    y.append("    - ");
                    for (int k = 0; k < 1 + r.nextInt(4); k++) {
                        y.append(k == 0 ? "" : "      ").append(okeys[r.nextInt(okeys.length)]).append(": ")
                                .append(values[r.nextInt(values.length)]).append('\n');
                    }
                }
            }
            try {
                ConfigReader.Result res = ConfigReader.read(y.toString(), BASE);
                assertThat(res.valid() || !res.errors().isEmpty()).as("seed %d", seed).isTrue();
                if (res.valid()) {
                    assertThat(res.config().orElseThrow().authentication()).isNotNull();
                } else {
                    assertThat(res.errors()).as("seed %d: %s", seed, y).allSatisfy(e -> assertThat(e.line()).isPositive());
                }
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " iteration " + i + ": reader threw on\n" + y, ex);
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
