package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mailward.testing.SharedTestdata;

/**
 * The pre-signed messages of testdata/dkim/expected.json, one dynamic test per message, every signature's result
 * checked against the expected one.
 *
 * <p>Mapping of expected.json's words to RFC 8601 results (expected.json was written with a boolean verifier):
 * "pass" = pass; "fail" = fail, except for {@code dkimpy/test.message.baddomain}, whose d= is not a domain name at
 * all: RFC 6376 6.1.1 makes that a PERMFAIL of the signature's syntax, which RFC 8601 calls permerror — dkimpy's
 * test only asserts "not pass" — so we assert permerror with "syntax error at tag d"; "no key available" = permerror
 * "key not found".
 */
public class DkimConformanceTest {

    /** Checks each sample named in expected.json (shared testdata dkim/), one dynamic test per message. */
    @FunctionalInterface
    public interface SampleCheck {
        void check(Path dir, JsonNode root, String file) throws IOException;
    }

    /** One dynamic test per pre-signed message of expected.json; asserts there are all 10 of them. */
    public static Stream<DynamicTest> expectedJsonSamples(SampleCheck check) throws IOException {
        Path dir = SharedTestdata.dir("dkim");
        JsonNode root = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String file = it.next();
            if (file.startsWith("_") || file.equals("key_files")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(file, () -> check.check(dir, root, file)));
        }
        assertThat(tests).hasSize(10);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> expectedJson() throws IOException {
        return expectedJsonSamples(DkimConformanceTest::check);
    }

    private static void check(Path dir, JsonNode root, String file) throws IOException {
        JsonNode entry = root.get(file);
        JsonNode dnsNode = entry.has("dns") ? entry.get("dns") : entry.has("same_as") ? root.get(entry.get("same_as").asText()).get("dns") : null;
        Map<String, String> dns = new HashMap<>();
        if (dnsNode != null) {
            for (Iterator<Map.Entry<String, JsonNode>> f = dnsNode.fields(); f.hasNext(); ) {
                var e = f.next();
                String v = e.getValue().asText();
                if (v.startsWith("contents of ")) {
                    v = Files.readString(dir.resolve(v.substring("contents of ".length()))).strip();
                }
                dns.put(e.getKey(), v);
            }
        }
        byte[] message = Files.readAllBytes(dir.resolve(file));
        List<DkimResult> results = new DkimVerifier(DkimTestSupport.txt(dns), DkimTestSupport.CLOCK_2026).verify(message);
        JsonNode sigs = entry.get("signatures");
        assertThat(results).as("results for %s: %s", file, results).hasSize(sigs.size());
        for (int i = 0; i < sigs.size(); i++) {
            JsonNode s = sigs.get(i);
            DkimResult r = results.get(i);
            String expected = s.get("result").asText();
            if (s.has("a")) {
                assertThat(r.algorithm()).isEqualTo(s.get("a").asText());
            }
            if (s.has("s")) {
                assertThat(r.selector()).isEqualTo(s.get("s").asText());
            }
            switch (expected) {
                case "pass" -> {
                    assertThat(r.status()).as("%s", r).isEqualTo(DkimStatus.PASS);
                    assertThat(r.domain()).isEqualTo(s.has("d") ? s.get("d").asText() : r.domain());
                }
                case "fail" -> {
                    if (file.endsWith("baddomain")) {
                        assertThat(r.status()).as("%s", r).isEqualTo(DkimStatus.PERMERROR);
                        assertThat(r.reason()).startsWith("syntax error at tag d");
                    } else {
                        assertThat(r.status()).as("%s", r).isEqualTo(DkimStatus.FAIL);
                        assertThat(r.domain()).isEqualTo(s.get("d").asText());
                        if (s.has("body_hash_matches") && !s.get("body_hash_matches").asBoolean()) {
                            assertThat(r.reason()).isEqualTo("body hash mismatch");
                        }
                    }
                }
                case "no key available" -> {
                    assertThat(r.status()).as("%s", r).isEqualTo(DkimStatus.PERMERROR);
                    assertThat(r.reason()).startsWith("key not found");
                }
                default -> throw new AssertionError("unknown expected result " + expected);
            }
        }
    }
}
