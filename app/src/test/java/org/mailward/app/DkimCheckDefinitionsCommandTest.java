package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailward dkim check-definitions}: each definition of a gateway config, enabled only when DNS matches. */
class DkimCheckDefinitionsCommandTest {

    @TempDir
    Path tmp;

    @Test
    void reportsEachDefinition() throws Exception {
        JsonNode ed = DkimCommandTest.run("dkim", "keygen", "--domain", "example.org", "--selector", "ed", "--type", "ed25519",
                "--out", tmp.toString(), "--json").json();
        JsonNode other = DkimCommandTest.run("dkim", "keygen", "--domain", "example.org", "--selector", "other", "--type", "ed25519",
                "--out", tmp.resolve("o").toString(), "--json").json();
        Path zone = tmp.resolve("zone.txt");
        // "other" publishes the ed key, so the private key of "other" does not match
        Files.writeString(zone, ed.get("zoneLine").asText() + "\n"
                + ed.get("zoneLine").asText().replace("ed._domainkey", "other._domainkey") + "\n");
        Path config = tmp.resolve("mailward.yml");
        Files.writeString(config, """
                hostname: mx.example.org
                listeners:
                  - { name: in, address: 127.0.0.1, port: 2525 }
                dkim:
                  - { domain: example.org, selector: ed, keyFile: "%s", algorithm: ed25519-sha256 }
                  - { domain: example.org, selector: other, keyFile: "%s", algorithm: ed25519-sha256 }
                  - { domain: example.org, selector: missing, keyFile: "%s", algorithm: ed25519-sha256 }
                """.formatted(ed.get("privateKeyFile").asText(), other.get("privateKeyFile").asText(), ed.get("privateKeyFile").asText()));
        DkimCommandTest.Run r = DkimCommandTest.run("dkim", "check-definitions", "--config", config.toString(), "--zone", zone.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode defs = r.json().get("definitions");
        assertThat(defs).hasSize(3);
        assertThat(defs.get(0).get("domain").asText()).isEqualTo("example.org");
        assertThat(defs.get(0).get("selector").asText()).isEqualTo("ed");
        assertThat(defs.get(0).get("algorithm").asText()).isEqualTo("ed25519-sha256");
        assertThat(defs.get(0).get("status").asText()).isEqualTo("enabled");
        assertThat(defs.get(1).get("status").asText()).isEqualTo("disabled");
        assertThat(defs.get(1).get("reason").asText()).contains("does not match");
        assertThat(defs.get(2).get("status").asText()).isEqualTo("disabled");
        assertThat(defs.get(2).get("reason").asText()).contains("key not found");

        DkimCommandTest.Run text = DkimCommandTest.run("dkim", "check-definitions", "--config", config.toString(), "--zone", zone.toString());
        assertThat(text.out()).contains("example.org ed ed25519-sha256: enabled").contains("example.org other ed25519-sha256: disabled");

        Files.writeString(config, Files.readString(config).replace("algorithm: ed25519-sha256 }\n  - { domain: example.org, selector: other",
                "algorithm: rsa-sha256 }\n  - { domain: example.org, selector: other"));
        DkimCommandTest.Run bad = DkimCommandTest.run("dkim", "check-definitions", "--config", config.toString(), "--zone", zone.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("mailward.yml:5:").contains("does not fit the key");
    }
}
