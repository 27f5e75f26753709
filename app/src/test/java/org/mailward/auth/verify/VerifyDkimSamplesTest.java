package org.mailward.auth.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimStatus;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.results.ResultInfo;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * The pre-signed dkimpy and RFC 6376 / RFC 8463 sample messages of testdata/dkim/expected.json through the whole
 * {@link MessageAuthenticator} (streamed from the file): every signature's result as expected.json says (mapped as
 * in auth.dkim's DkimConformanceTest: "no key available" and the non-domain d= of test.message.baddomain are
 * permerror), one dkim resinfo per signature in the Authentication-Results field with that result, and DMARC
 * evaluated without error.
 */
class VerifyDkimSamplesTest {

    static final Clock CLOCK_2026 = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TestFactory
    Stream<DynamicTest> expectedJsonThroughVerify() throws IOException {
        return org.mailward.auth.dkim.DkimConformanceTest.expectedJsonSamples(VerifyDkimSamplesTest::check);
    }

    static Resolver txt(Map<String, String> records) {
        return (name, type) -> {
            String n = Resolver.normalise(name);
            String v = records.get(n);
            if (v == null) {
                return DnsAnswer.nxdomain(n, type);
            }
            if (type != RecordType.TXT) {
                return DnsAnswer.nodata(n, type);
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < v.length(); i += 255) {
                parts.add(v.substring(i, Math.min(v.length(), i + 255)));
            }
            return DnsAnswer.of(n, type, List.of(new DnsRecord.Txt(parts, 300)));
        };
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
        MessageAuthenticator auth = new MessageAuthenticator(txt(dns), CLOCK_2026, PublicSuffixList.bundled(), DmarcOptions.defaults(),
                new Random(1), "mx.test.example");
        MessageAuthentication a;
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            a = auth.authenticate(Envelope.none(), in);
        }
        JsonNode sigs = entry.get("signatures");
        assertThat(a.dkim()).as("%s: %s", file, a.dkim()).hasSize(sigs.size());
        List<ResultInfo> dkimInfos = a.authenticationResults().results().stream().filter(r -> r.method().equals("dkim")).toList();
        if (sigs.isEmpty()) {
            assertThat(dkimInfos).singleElement().satisfies(r -> assertThat(r.result()).isEqualTo("none"));
        } else {
            assertThat(dkimInfos).hasSize(sigs.size());
        }
        for (int i = 0; i < sigs.size(); i++) {
            JsonNode s = sigs.get(i);
            DkimResult r = a.dkim().get(i);
            DkimStatus want = switch (s.get("result").asText()) {
                case "pass" -> DkimStatus.PASS;
                case "fail" -> file.endsWith("baddomain") ? DkimStatus.PERMERROR : DkimStatus.FAIL;
                case "no key available" -> DkimStatus.PERMERROR;
                default -> throw new AssertionError("unknown expected result in " + file);
            };
            assertThat(r.status()).as("%s signature %d: %s", file, i, r).isEqualTo(want);
            if (s.has("s")) {
                assertThat(r.selector()).isEqualTo(s.get("s").asText());
                assertThat(dkimInfos.get(i).property("header.s")).contains(r.selector());
            }
            if (s.has("a")) {
                assertThat(dkimInfos.get(i).property("header.a")).contains(s.get("a").asText());
            }
            assertThat(dkimInfos.get(i).result()).isEqualTo(want.token());
        }
        // DMARC was evaluated over those results: a pass needs an aligned passing signature
        if (a.dmarc().dkimAligned()) {
            assertThat(a.dkim()).anyMatch(DkimResult::passed);
        }
        assertThat(a.authenticationResults().first("dmarc")).isPresent();
    }
}
