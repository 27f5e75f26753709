package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailward.testing.KnotServer;

/** {@code mailward spf --resolver 127.0.0.1:PORT} against a real authoritative server (knot). */
@Tag("interop")
class SpfCommandKnotTest {

    @Test
    void evaluatesThroughARealDnsServer() throws Exception {
        String zone = """
                example.test. 300 IN TXT "v=spf1 include:_spf.example.test -all"
                _spf.example.test. 300 IN TXT "v=spf1 a:relay.example.test ~all"
                relay.example.test. 300 IN A 192.0.2.77
                """;
        try (KnotServer knot = KnotServer.start(Map.of("example.test", zone))) {
            StringWriter out = new StringWriter();
            int code = Main.run(new String[] {"spf", "--resolver", "127.0.0.1:" + knot.port(), "--ip", "192.0.2.77",
                "--sender", "a@example.test", "--helo", "relay.example.test", "--json"},
                    new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            assertThat(code).isZero();
            JsonNode j = Json.MAPPER.readTree(out.toString());
            assertThat(j.path("result").asText()).isEqualTo("pass");
            assertThat(j.path("mechanism").asText()).isEqualTo("include:_spf.example.test");
            assertThat(j.path("dnsLookups").asInt()).isEqualTo(2);
            assertThat(j.path("dnsQueries").asInt()).isEqualTo(3);
        }
    }
}
