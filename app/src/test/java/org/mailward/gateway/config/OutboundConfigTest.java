package org.mailward.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DkimKeys;

/** dkim[] and disclaimers[]: valid definitions load their keys; every mistake is an error with line and column. */
class OutboundConfigTest {

    @TempDir
    Path dir;

    static final String BASE = """
            hostname: mx.example.org
            listeners:
              - { name: in, address: 127.0.0.1, port: 0 }
            """;

    @BeforeEach
    void keys() throws Exception {
        KeyPair ed = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
        Files.writeString(dir.resolve("ed.pem"), DkimKeys.toPem(ed.getPrivate()));
        KeyPair rsa = DkimKeys.generate(DkimKeys.KeyType.RSA, 1024);
        Files.writeString(dir.resolve("rsa.pem"), DkimKeys.toPem(rsa.getPrivate()));
        Files.writeString(dir.resolve("junk.pem"), "not a key\n");
    }

    @Test
    void validDefinitionsAndDisclaimersAreRead() {
        ConfigReader.Result r = ConfigReader.read(BASE + """
                dkim:
                  - { domain: Example.ORG, selector: s1, keyFile: rsa.pem, algorithm: rsa-sha256 }
                  - { domain: example.org, selector: s2, keyFile: ed.pem, algorithm: ed25519-sha256 }
                  - { domain: other.example, selector: s1, keyFile: rsa.pem }
                disclaimers:
                  - domain: example.org
                    text: "Example Ltd, registered in England"
                    html: "<p>Example Ltd</p>"
                """, dir);
        assertThat(r.errors()).isEmpty();
        GatewayConfig c = r.config().orElseThrow();
        assertThat(c.dkim()).hasSize(3);
        assertThat(c.dkim().get(0).domain()).isEqualTo("example.org");
        assertThat(c.dkim().get(0).algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(c.dkim().get(1).algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(c.dkim().get(1).key().getAlgorithm()).matches("(?i)ed25519|eddsa");
        assertThat(c.dkim().get(2).algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(c.disclaimers()).containsExactly(new GatewayConfig.Disclaimer("example.org", "Example Ltd, registered in England", "<p>Example Ltd</p>"));
    }

    @Test
    void mistakesAreReportedWithLineAndColumn() {
        ConfigReader.Result r = ConfigReader.read(BASE + """
                dkim:
                  - { domain: example.org, selector: s1, keyFile: rsa.pem, algorithm: rsa-sha1 }
                  - { domain: example.org, selector: s2, keyFile: ed.pem, algorithm: rsa-sha256 }
                  - { domain: example.org, selector: s3, keyFile: missing.pem }
                  - { domain: example.org, selector: s4, keyFile: junk.pem }
                  - { domain: example.org, selector: "bad selector", keyFile: rsa.pem }
                  - { domain: "not a domain", selector: s5, keyFile: rsa.pem }
                  - { domain: example.org, selector: s6 }
                  - { domain: example.org, selector: s7, keyFile: rsa.pem, keyfiel: x }
                  - { domain: example.org, selector: s8, keyFile: rsa.pem }
                  - { domain: example.org, selector: S8, keyFile: rsa.pem }
                disclaimers:
                  - { domain: example.org }
                  - { domain: example.org, text: a }
                  - { domain: example.org, text: b }
                """, dir);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(e -> e.line() + ":" + e.message().replaceAll(" \\(.*", "").replaceAll(":.*", ""))
                .contains("5:dkim[].algorithm must be rsa-sha256 or ed25519-sha256, not 'rsa-sha1'",
                        "6:dkim[].algorithm rsa-sha256 does not fit the key in ed.pem",
                        "7:dkim[].keyFile",
                        "8:dkim[].keyFile",
                        "9:dkim[].selector",
                        "10:dkim[].domain",
                        "11:dkim[] needs domain, selector and keyFile",
                        "12:unknown key 'keyfiel' in dkim[]",
                        "14:dkim[]",
                        "16:disclaimers[] needs text or html",
                        "18:disclaimers[]");
        assertThat(r.errors()).filteredOn(e -> e.line() == 14).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("selector 's8' of example.org defined twice"));
        assertThat(r.errors()).filteredOn(e -> e.line() == 7).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("cannot read missing.pem"));
        assertThat(r.errors()).filteredOn(e -> e.line() == 8).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("is not a private key"));
        assertThat(r.errors()).allSatisfy(e -> assertThat(e.column()).isPositive());
        assertThat(r.errors()).hasSize(11);
    }
}
