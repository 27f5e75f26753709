package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mailward doctor} on the demo configuration and zone: the JSON contract and --fail-on. */
class DoctorCommandTest {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

    @Test
    void theDemoDeploymentIsCheckedItemByItem() throws Exception {
        String config = ROOT.resolve("demo/mailward.yml").toString();
        String zone = ROOT.resolve("demo/demo.zone").toString();
        DkimCommandTest.Run r = DkimCommandTest.run("doctor", "--config", config, "--zone", zone, "--json", "--at", "2026-06-01T00:00:00Z");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("hostname").asText()).isEqualTo("mx.demo.example");
        assertThat(j.get("outboundAddresses").get(0).asText()).isEqualTo("127.0.0.1");
        List<String> seen = new ArrayList<>();
        for (JsonNode i : j.get("items")) {
            seen.add(i.get("id").asText() + "=" + i.get("status").asText());
            assertThat(i.has("subject") && i.has("summary") && i.has("fix")).isTrue();
        }
        // the demo publishes its hostname, PTR, MX, SPF and DMARC; it has no certificate and no DKIM definition
        assertThat(seen).contains("DOCTOR-HOSTNAME-ADDRESS=pass", "PTR-NOT-CONFIRMED=pass", "PTR-HELO-MISMATCH=pass", "DOCTOR-MX=pass",
                "DOCTOR-SPF-AUTHORISES=pass", "DOCTOR-SELF-SIGNED=warn", "DOCTOR-DKIM-DEFINITION=warn", "DOCTOR-DMARC=pass",
                "DOCTOR-TLS-PROFILE=pass", "DOCTOR-REFLECTOR=pass");
        assertThat(j.get("status").asText()).isEqualTo("warn");

        assertThat(DkimCommandTest.run("doctor", "--config", config, "--zone", zone, "--fail-on", "error").code()).isZero();
        DkimCommandTest.Run strict = DkimCommandTest.run("doctor", "--config", config, "--zone", zone, "--fail-on", "warn");
        assertThat(strict.code()).isEqualTo(3);
        assertThat(strict.out()).contains("[warn ] DOCTOR-SELF-SIGNED").contains("fix: set tls.certificate");
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        String config = ROOT.resolve("demo/mailward.yml").toString();
        assertThat(DkimCommandTest.run("doctor", "--config", config, "--zone", ROOT.resolve("demo/demo.zone").toString(), "--fail-on", "info").code()).isEqualTo(2);
        assertThat(DkimCommandTest.run("doctor", "--config", config, "--outbound-address", "mx.example.org").code()).isEqualTo(2);
        assertThat(DkimCommandTest.run("doctor", "--config", ROOT.resolve("no-such-file.yml").toString()).code()).isEqualTo(2);
    }
}
