package org.mailward.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailward.dns.CountingResolver;
import org.mailward.dns.NetworkResolver;
import org.mailward.testing.KnotServer;

/**
 * Differential test against an independent implementation: Debian's python3-spf (pyspf, by an RFC 7208 author)
 * and Mailward evaluate the same generated queries against the same zones served by a real knotd on 127.0.0.1.
 * Every query must give the same result (and, for fail, the same exp= explanation). Also compares the number of
 * DNS questions each asks per evaluation on a cold cache, and prints the figures.
 *
 * <p>The generator ({@link SpfCaseGenerator}, fixed seed) mixes ip4/ip6/a/mx/include/redirect/exists/ptr,
 * macros, qualifiers, syntax errors, void lookups, includes of missing records and include/redirect loops.
 */
@Tag("interop")
class SpfDifferentialTest {

    private static final long SEED = Long.getLong("spf.diff.seed", 7208L);
    private static final int CASES = Integer.getInteger("spf.diff.cases", 600);
    private static final String RECEIVER = "receiver.example";
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void agreesWithPyspf() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "Debian python3 not installed: skipping");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import spf, dns.resolver").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor() == 0, "python3-spf not installed (apt-get install python3-spf): skipping");

        SpfCaseGenerator gen = new SpfCaseGenerator(new Random(SEED));
        SpfCaseGenerator.Generated g = gen.generate(CASES);
        System.out.println("differential: seed " + SEED + ", " + g.queries().size() + " queries over " + g.zones().size() + " zones");

        try (KnotServer knot = KnotServer.start(g.zones())) {
            List<JsonNode> theirs = runPyspf(knot.port(), g.queries());
            NetworkResolver network = new NetworkResolver(List.of(knot.address()), Duration.ofSeconds(2), 1);

            int agree = 0;
            long ourQueries = 0;
            long theirQueries = 0;
            int fewer = 0;
            int same = 0;
            int more = 0;
            List<String> disagreements = new ArrayList<>();
            Map<String, Integer> byResult = new LinkedHashMap<>();
            Map<String, Integer> onlyPyspfAsked = new LinkedHashMap<>();
            for (int i = 0; i < g.queries().size(); i++) {
                SpfCaseGenerator.Query q = g.queries().get(i);
                List<String> ourAsked = new ArrayList<>();
                CountingResolver counting = new CountingResolver(network)
                        .observe((name, type, answer) -> ourAsked.add(name.toLowerCase(java.util.Locale.ROOT) + "/" + type));
                SpfEvaluator evaluator = new SpfEvaluator(counting, Clock.systemUTC(), RECEIVER);
                SpfResult ours = evaluator.evaluate(SpfRequest.of(q.ip(), q.sender(), q.helo()).orElseThrow());
                JsonNode py = theirs.get(i);
                String theirResult = py.path("result").asText();
                String theirExp = py.path("explanation").asText();
                boolean ok = ours.result().keyword().equals(theirResult);
                if (ok && ours.result() == SpfVerdict.FAIL) {
                    // pyspf's default explanation for fail is this fixed text; anything else came from exp=.
                    String theirDomainExp = theirExp.equals("SPF fail - not authorized") ? null : theirExp;
                    String ourDomainExp = ours.explanationFromDomain() ? ours.explanation().orElse(null) : null;
                    ok = java.util.Objects.equals(theirDomainExp, ourDomainExp);
                }
                if (ok) {
                    agree++;
                    byResult.merge(theirResult, 1, Integer::sum);
                } else {
                    disagreements.add("#" + i + " " + q + "\n    record: " + g.recordOf(q) + "\n    mailward: "
                            + ours.result().keyword() + ours.explanation().map(e -> " \"" + e + "\"").orElse("")
                            + ours.problem().map(p -> " (" + p + ")").orElse("")
                            + "\n    pyspf:    " + theirResult + " \"" + theirExp + "\"");
                }
                long mine = counting.count();
                long theirsCount = py.path("queries").asLong();
                ourQueries += mine;
                theirQueries += theirsCount;
                if (mine < theirsCount) {
                    fewer++;
                    // Classify the questions only pyspf asked, by type, and whether it asked them more than once.
                    List<String> extra = new ArrayList<>();
                    py.path("asked").forEach(a -> extra.add(a.asText()));
                    for (String a : ourAsked) {
                        extra.remove(a);
                    }
                    for (String a : extra) {
                        boolean repeat = ourAsked.contains(a);
                        onlyPyspfAsked.merge((repeat ? "repeat of " : "") + a.substring(a.indexOf('/') + 1), 1, Integer::sum);
                    }
                } else if (mine == theirsCount) {
                    same++;
                } else {
                    more++;
                }
            }
            System.out.println("differential: " + agree + " of " + g.queries().size() + " agree; results " + byResult);
            System.out.println("differential: DNS queries on a cold cache: mailward " + ourQueries + ", pyspf " + theirQueries
                    + " (per evaluation: fewer " + fewer + ", same " + same + ", more " + more + ")");
            System.out.println("differential: questions pyspf asked beyond Mailward's, by type: " + onlyPyspfAsked);
            disagreements.forEach(d -> System.out.println("DISAGREE " + d));
            assertThat(disagreements).as("queries where Mailward and pyspf disagree").isEmpty();
            assertThat(agree).isGreaterThanOrEqualTo(500);
        }
    }

    private static List<JsonNode> runPyspf(int port, List<SpfCaseGenerator.Query> queries) throws IOException, InterruptedException {
        Path script = Files.createTempFile("pyspf_driver", ".py");
        try (InputStream in = SpfDifferentialTest.class.getResourceAsStream("/spf/pyspf_driver.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path input = Files.createTempFile("spf-queries", ".jsonl");
        ObjectMapper mapper = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (SpfCaseGenerator.Query q : queries) {
            sb.append(mapper.writeValueAsString(Map.of("ip", q.ip(), "sender", q.sender(), "helo", q.helo()))).append('\n');
        }
        Files.writeString(input, sb.toString());
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port), RECEIVER)
                .redirectInput(input.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(mapper.readTree(line));
            }
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        Files.deleteIfExists(script);
        Files.deleteIfExists(input);
        assertThat(out).as("pyspf answered every query").hasSize(queries.size());
        return out;
    }
}
