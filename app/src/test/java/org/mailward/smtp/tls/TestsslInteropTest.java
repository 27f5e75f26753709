package org.mailward.smtp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.smtp.Decision;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;

/**
 * testssl.sh (its own socket-level client, so it really offers SSLv2 to TLS 1.1 and every suite) grades our
 * STARTTLS endpoint with the default NCSC profile: only TLS 1.2/1.3, and only forward-secret AEAD suites.
 */
@Tag("interop")
class TestsslInteropTest {

    @TempDir
    Path dir;

    @Test
    void onlyTls12And13WithNcscSuites() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/testssl")), "testssl.sh not installed");
        KeyMaterial k = KeyMaterial.selfSigned("mx.test.example", Clock.systemUTC(), Duration.ofDays(1));
        try (SmtpServer server = SmtpServer.start(SmtpServerConfig.of("ts", new InetSocketAddress("127.0.0.1", 0), "mx.test.example")
                .withTls(new SmtpServerConfig.ServerTls(k::serverContext, TlsProfile.ncsc())), (s, t, m) -> Decision.accept())) {
            Path json = dir.resolve("testssl.json");
            Process p = new ProcessBuilder("testssl", "--quiet", "--color", "0", "--warnings", "off", "--starttls", "smtp",
                    "-p", "-E", "--jsonfile", json.toString(), "127.0.0.1:" + server.port())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("testssl.out").toFile()).start();
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            JsonNode findings = new ObjectMapper().readTree(json.toFile());
            Map<String, String> byId = new HashMap<>();
            List<String> ciphers = new ArrayList<>();
            for (JsonNode f : findings) {
                byId.put(f.get("id").asText(), f.get("finding").asText());
                if (f.get("id").asText().startsWith("cipher-")) {
                    ciphers.add(f.get("finding").asText());
                }
            }
            String out = Files.readString(dir.resolve("testssl.out"));
            assertThat(byId.get("SSLv2")).as(out).isEqualTo("not offered");
            assertThat(byId.get("SSLv3")).isEqualTo("not offered");
            assertThat(byId.get("TLS1")).isEqualTo("not offered");
            assertThat(byId.get("TLS1_1")).isEqualTo("not offered");
            assertThat(byId.get("TLS1_2")).startsWith("offered");
            assertThat(byId.get("TLS1_3")).startsWith("offered");
            assertThat(ciphers).isNotEmpty();
            for (String c : ciphers) {
                assertThat(c).as("weak suite offered").matches("(?s).*(TLS_AES_|TLS_CHACHA20_|TLS_ECDHE_(RSA|ECDSA)_WITH_(AES_\\d+_GCM|CHACHA20_POLY1305)).*")
                        .doesNotContain("CBC").doesNotContain("_SHA ").doesNotContain("TLS_RSA_").doesNotContain("TLS_DHE_").doesNotContain("3DES");
            }
        }
    }
}
