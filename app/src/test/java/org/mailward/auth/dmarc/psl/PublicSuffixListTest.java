package org.mailward.auth.dmarc.psl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailward.testing.SharedTestdata;

/** The upstream algorithm tests (test_psl.txt, CC0), one JUnit case per active line, against the bundled list. */
class PublicSuffixListTest {

    private static final Pattern CASE = Pattern.compile("^checkPublicSuffix\\((null|'([^']*)'), (null|'([^']*)')\\);");

    static Stream<Arguments> upstreamCases() throws IOException {
        Path file = SharedTestdata.file("psl/test_psl.txt");
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = CASE.matcher(line.strip());
            if (!m.find()) {
                continue; // comments and commented-out cases
            }
            String input = m.group(2); // null when the literal is null
            String expected = m.group(4);
            out.add(Arguments.of(line.strip(), Optional.ofNullable(input), Optional.ofNullable(expected)));
        }
        return out.stream();
    }

    @Test
    void upstreamFileHasTheDocumentedNumberOfActiveCases() throws IOException {
        assertThat(upstreamCases().count()).isEqualTo(78); // SOURCES.md: 78 active checkPublicSuffix cases
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreamCases")
    void upstream(String name, Optional<String> input, Optional<String> expected) {
        PublicSuffixList psl = PublicSuffixList.bundled();
        Optional<String> actual = input.flatMap(psl::registrableDomain);
        // IDN cases: compare in A-label form (java.net.IDN), lower case.
        Optional<String> want = expected.map(e -> IDN.toASCII(e, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
        assertThat(actual).as(name).isEqualTo(want);
    }

    @Test
    void bundledCopyIsTheSharedSnapshotWithItsLicence() throws IOException {
        Path shared = SharedTestdata.file("psl/public_suffix_list.dat");
        try (InputStream in = PublicSuffixList.class.getResourceAsStream(PublicSuffixList.BUNDLED_RESOURCE);
             InputStream lic = PublicSuffixList.class.getResourceAsStream("/org/mailward/auth/dmarc/psl/LICENSE.MPL-2.0")) {
            assertThat(in).isNotNull();
            assertThat(lic).isNotNull();
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(shared));
        }
        PublicSuffixList psl = PublicSuffixList.bundled();
        assertThat(psl.problems()).isEmpty();
        assertThat(psl.ruleCount()).isEqualTo(9506); // SOURCES.md: 9,506 rules
    }

    @Test
    void privateSectionCanBeLeftOut() {
        PublicSuffixList all = PublicSuffixList.bundled();
        PublicSuffixList icann = all.withSections(Set.of(PublicSuffixList.Section.ICANN));
        // service.gov.uk is a PRIVATE-section rule; gov.uk an ICANN one.
        assertThat(all.registrableDomain("www.x.service.gov.uk")).contains("x.service.gov.uk");
        assertThat(icann.registrableDomain("www.x.service.gov.uk")).contains("service.gov.uk");
        assertThat(icann.isPublicSuffix("gov.uk")).isTrue();
        assertThat(all.isPublicSuffix("service.gov.uk")).isTrue();
        assertThat(icann.isPublicSuffix("service.gov.uk")).isFalse();
    }

    @Test
    void overrideFileReplacesTheBundledList(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("list.dat");
        Files.writeString(f, "// ===BEGIN ICANN DOMAINS===\nexample\n*.wild.example\n!ok.wild.example\n// ===END ICANN DOMAINS===\n");
        PublicSuffixList psl = PublicSuffixList.loadOrBundled(Optional.of(f));
        assertThat(psl.ruleCount()).isEqualTo(3);
        assertThat(psl.registrableDomain("a.b.example")).contains("b.example");
        assertThat(psl.registrableDomain("x.y.wild.example")).contains("x.y.wild.example");
        assertThat(psl.registrableDomain("y.wild.example")).isEmpty();
        assertThat(psl.registrableDomain("a.ok.wild.example")).contains("ok.wild.example");
        // co.uk is not in this list: the implicit "*" rule applies
        assertThat(psl.registrableDomain("a.b.co.uk")).contains("co.uk");
        assertThat(PublicSuffixList.loadOrBundled(Optional.empty())).isSameAs(PublicSuffixList.bundled());
    }

    @Test
    void malformedQueriesHaveNoAnswer() {
        PublicSuffixList psl = PublicSuffixList.bundled();
        for (String bad : new String[] {"", ".", "a..b.com", ".example.com", "x\u0000.com", "*.com", "a".repeat(64) + ".com"}) {
            assertThat(psl.registrableDomain(bad)).as(bad).isEmpty();
        }
        assertThat(psl.registrableDomain("Example.COM.")).contains("example.com");
    }

    /** Fuzz: random and mutated list texts and queries never throw. */
    @Test
    void fuzzParseAndQueryNeverThrow() {
        long seed = Long.getLong("mailward.fuzz.seed", 20261125L); // fixed for repeatable CI runs; -Dmailward.fuzz.seed=N explores
        Random r = new Random(seed);
        String alphabet = "abc.*!/ \n\t=é中-_0";
        try {
            for (int i = 0; i < 2000; i++) {
                StringBuilder text = new StringBuilder();
                int len = r.nextInt(200);
                for (int k = 0; k < len; k++) {
                    text.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                PublicSuffixList psl = PublicSuffixList.parse(text.toString(), "fuzz");
                StringBuilder q = new StringBuilder();
                int qlen = r.nextInt(30);
                for (int k = 0; k < qlen; k++) {
                    q.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                psl.registrableDomain(q.toString());
                psl.publicSuffix(q.toString());
                PublicSuffixList.bundled().registrableDomain(q.toString());
            }
        } catch (RuntimeException e) {
            throw new AssertionError("fuzz seed " + seed, e);
        }
    }
}
