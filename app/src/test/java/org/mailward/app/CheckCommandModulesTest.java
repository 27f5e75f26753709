package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional modules of {@code mailward check}: --bimi and --rpki-vrps/--rpki-routes, on a zone file (DNS only). */
class CheckCommandModulesTest {

    @TempDir
    Path dir;

    private Path zone() throws Exception {
        Path z = dir.resolve("draft.zone");
        Files.writeString(z, """
                brand.example. 300 IN MX 10 mx.brand.example.
                mx.brand.example. 300 IN A 192.0.2.25
                _dmarc.brand.example. 300 IN TXT "v=DMARC1;p=none;rua=mailto:dmarc@brand.example"
                default._bimi.brand.example. 300 IN TXT "v=BIMI1; l=http://brand.example/logo.svg"
                """);
        return z;
    }

    private String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code; stderr: " + err).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    private List<String> ids(String json) throws Exception {
        List<String> out = new ArrayList<>();
        Json.MAPPER.readTree(json.trim()).get("findings").forEach(f -> out.add(f.get("id").asText() + ":" + f.get("severity").asText()));
        return out;
    }

    @Test
    void bimiRunsOnlyWhenAskedFor() throws Exception {
        String z = zone().toString();
        assertThat(ids(run(0, "check", "brand.example", "--json", "--no-smtp", "--zone", z)[0])).noneMatch(s -> s.startsWith("BIMI"));
        assertThat(ids(run(0, "check", "brand.example", "--json", "--no-smtp", "--zone", z, "--bimi")[0])).contains("BIMI-SYNTAX:error");
        run(2, "check", "brand.example", "--no-smtp", "--zone", z, "--bimi", "--bimi-selector", "bad selector");
    }

    @Test
    void rpkiReadsTheTwoFiles() throws Exception {
        Path vrps = dir.resolve("vrps.json");
        Path routes = dir.resolve("routes.txt");
        Files.writeString(vrps, "{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":\"AS64501\"}]}");
        Files.writeString(routes, "192.0.2.0/24 AS64500\n");
        String z = zone().toString();
        assertThat(ids(run(0, "check", "brand.example", "--json", "--no-smtp", "--zone", z, "--rpki-vrps", vrps.toString(), "--rpki-routes",
                routes.toString())[0])).contains("RPKI-ROUTE:warn");
        assertThat(run(2, "check", "brand.example", "--no-smtp", "--zone", z, "--rpki-vrps", vrps.toString())[1]).contains("go together");
        Files.writeString(routes, "192.0.2.0/24\n");
        assertThat(run(2, "check", "brand.example", "--no-smtp", "--zone", z, "--rpki-vrps", vrps.toString(), "--rpki-routes", routes.toString())[1])
                .contains("routes line 1");
    }
}
