package org.mailward.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mailward.testing.SharedTestdata;

/**
 * The public SPF conformance suites (shared testdata spf/): every case of rfc7208-tests.yml is one JUnit test named
 * "scenario / case" and must pass; rfc4408-tests.yml is run as a whole and its pass figure printed (RFC 7208 changed
 * some RFC 4408 answers, so not every case can pass).
 */
class SpfConformanceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TestFactory
    Stream<DynamicTest> rfc7208() throws IOException {
        List<SpfTestSuite.Scenario> scenarios = SpfTestSuite.load(SharedTestdata.file("spf/rfc7208-tests.yml"));
        assertThat(scenarios.stream().mapToInt(s -> s.cases().size()).sum()).isEqualTo(203);
        return scenarios.stream().flatMap(s -> s.cases().stream().map(c -> DynamicTest.dynamicTest(c.displayName(), () -> {
            Verdict v = run(s, c);
            assertThat(v.ok()).as("%s (spec %s): expected %s%s, got %s%s%s", c.displayName(), c.spec(), c.results(),
                    c.explanation() == null ? "" : " with explanation \"" + c.explanation() + "\"",
                    v.result().result().keyword(), v.result().explanation().map(e -> " \"" + e + "\"").orElse(""),
                    v.result().problem().map(p -> " (" + p + ")").orElse("")).isTrue();
        })));
    }

    @Test
    void rfc4408Figure() throws IOException {
        List<SpfTestSuite.Scenario> scenarios = SpfTestSuite.load(SharedTestdata.file("spf/rfc4408-tests.yml"));
        int total = 0;
        int passed = 0;
        List<String> differing = new ArrayList<>();
        for (SpfTestSuite.Scenario s : scenarios) {
            for (SpfTestSuite.Case c : s.cases()) {
                total++;
                Verdict v = run(s, c);
                if (v.ok()) {
                    passed++;
                } else {
                    differing.add(c.displayName() + ": expected " + c.results()
                            + (c.explanation() == null ? "" : " \"" + c.explanation() + "\"") + ", got "
                            + v.result().result().keyword() + v.result().explanation().map(e -> " \"" + e + "\"").orElse("")
                            + v.result().problem().map(p -> " (" + p + ")").orElse(""));
                }
            }
        }
        System.out.println("rfc4408-tests.yml: " + passed + " of " + total + " cases give the RFC 4408 answer");
        differing.forEach(d -> System.out.println("  differs: " + d));
        assertThat(total).as("every case of rfc4408-tests.yml was run").isEqualTo(191);
    }

    record Verdict(boolean ok, SpfResult result) {
    }

    static Verdict run(SpfTestSuite.Scenario s, SpfTestSuite.Case c) {
        SpfEvaluator evaluator = new SpfEvaluator(s.zone(), CLOCK, "receiver.example");
        SpfRequest request = SpfRequest.of(c.host(), c.mailFrom(), c.helo()).orElseThrow(
                () -> new AssertionError("test case host is not an IP: " + c.host()));
        SpfResult r = evaluator.evaluate(request);
        boolean ok = c.results().contains(r.result().keyword());
        if (ok && c.explanation() != null) {
            ok = c.explanation().equals("DEFAULT")
                    ? !r.explanationFromDomain()
                    : r.explanation().filter(c.explanation()::equals).isPresent();
        }
        return new Verdict(ok, r);
    }
}
