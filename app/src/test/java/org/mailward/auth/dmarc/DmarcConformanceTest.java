package org.mailward.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;

/**
 * The hand-written DMARC conformance table (src/test/resources/org/mailward/auth/dmarc/dmarc-conformance.yaml):
 * one JUnit case per row, named after its id and RFC section. See the file header for the columns.
 */
class DmarcConformanceTest {

    private static final JsonNode TABLE = load();
    private static final ZoneFileResolver ZONE = ZoneFileResolver.fromText(TABLE.get("zone").asText());

    private static JsonNode load() {
        try (InputStream in = DmarcConformanceTest.class.getResourceAsStream("dmarc-conformance.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The zone, plus SERVFAIL for "_dmarc.servfail.*" and "*.broken.example"; counts _dmarc TXT questions. */
    private static Resolver resolver(AtomicInteger dmarcQueries) {
        return (name, type) -> {
            String n = Resolver.normalise(name);
            if (type == RecordType.TXT && n.startsWith("_dmarc.")) {
                dmarcQueries.incrementAndGet();
            }
            if (n.startsWith("_dmarc.servfail.") || n.endsWith(".broken.example")) {
                return DnsAnswer.servfail(n, type, "test SERVFAIL");
            }
            return ZONE.query(n, type);
        };
    }

    private static Stream<Arguments> rows(String section) {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode row : TABLE.get(section)) {
            List<String> cells = new ArrayList<>();
            row.forEach(c -> cells.add(c.isNull() ? "" : c.asText()));
            out.add(Arguments.of(cells.get(0) + " " + cells.get(1), cells));
        }
        return out.stream();
    }

    static Stream<Arguments> records() {
        return rows("records");
    }

    static Stream<Arguments> orgdomain() {
        return rows("orgdomain");
    }

    static Stream<Arguments> alignment() {
        return rows("alignment");
    }

    static Stream<Arguments> discovery() {
        return rows("discovery");
    }

    static Stream<Arguments> evaluation() {
        return rows("evaluation");
    }

    @Test
    void theTableHasAtLeast150CasesEachCitingAnRfc() {
        int total = 0;
        for (String s : List.of("records", "orgdomain", "alignment", "discovery", "evaluation")) {
            for (JsonNode row : TABLE.get(s)) {
                assertThat(row.get(1).asText()).as(row.get(0).asText()).startsWith("RFC ");
                total++;
            }
        }
        assertThat(total).isGreaterThanOrEqualTo(150);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void record(String name, List<String> c) {
        DmarcRecordParse parse = DmarcRecordParser.parse(c.get(2));
        String expect = c.get(3);
        if (expect.equals("notdmarc")) {
            assertThat(parse).as(name).isInstanceOf(DmarcRecordParse.NotDmarc.class);
            return;
        }
        if (expect.equals("invalid")) {
            assertThat(parse).as(name).isInstanceOf(DmarcRecordParse.Invalid.class);
            return;
        }
        assertThat(parse).as(name).isInstanceOf(DmarcRecordParse.Valid.class);
        DmarcRecordParse.Valid v = (DmarcRecordParse.Valid) parse;
        DmarcRecord r = v.record();
        for (String check : expect.split(" ")) {
            int eq = check.indexOf('=');
            String key = check.substring(0, eq);
            String want = check.substring(eq + 1);
            String actual = switch (key) {
                case "p" -> r.policy().keyword();
                case "sp" -> r.subdomainPolicy().map(Policy::keyword).orElse("-");
                case "np" -> r.nonexistentPolicy().map(Policy::keyword).orElse("-");
                case "adkim" -> r.dkimAlignment().keyword();
                case "aspf" -> r.spfAlignment().keyword();
                case "pct" -> r.declaredPercent().map(String::valueOf).orElse("-");
                case "rua" -> String.valueOf(r.aggregateUris().size());
                case "ruf" -> String.valueOf(r.failureUris().size());
                case "rua0" -> r.aggregateUris().get(0).uri();
                case "rua0max" -> r.aggregateUris().get(0).maxBytes().map(String::valueOf).orElse("-");
                case "fo" -> String.join(":", r.failureOptions());
                case "rf" -> String.join(":", r.reportFormats());
                case "ri" -> String.valueOf(r.reportInterval());
                case "psd" -> r.psd().keyword();
                case "t" -> r.declaredTesting().map(t -> t ? "y" : "n").orElse("-");
                case "fallback" -> r.policyFallback() ? "yes" : "no";
                case "warnings" -> String.valueOf(v.warnings().size());
                default -> throw new IllegalArgumentException("unknown check " + key + " in " + name);
            };
            assertThat(actual).as(name + ": " + key + " (warnings " + v.warnings() + ")").isEqualTo(want);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orgdomain")
    void organizationalDomain(String name, List<String> c) {
        String domain = AuthorDomain.domain(c.get(3)).orElseThrow();
        String actual = switch (c.get(2)) {
            case "psl" -> PublicSuffixList.bundled().registrableDomain(domain).orElse(domain);
            default -> discovery(c.get(2), true, new AtomicInteger()).organizationalDomain(domain).domain();
        };
        assertThat(actual).as(name).isEqualTo(c.get(4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alignment")
    void identifierAlignment(String name, List<String> c) {
        PolicyDiscovery d = discovery(c.get(2), true, new AtomicInteger());
        String author = AuthorDomain.domain(c.get(3)).orElseThrow();
        String auth = AuthorDomain.domain(c.get(4)).orElseThrow();
        Alignment mode = c.get(5).equals("s") ? Alignment.STRICT : Alignment.RELAXED;
        IdentifierAlignment.Check check = IdentifierAlignment.check(auth, author, mode, d);
        assertThat(check.error()).as(name).isEmpty();
        assertThat(check.aligned() ? "yes" : "no").as(name).isEqualTo(c.get(6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("discovery")
    void policyDiscovery(String name, List<String> c) {
        AtomicInteger queries = new AtomicInteger();
        PolicyDiscovery d = discovery(c.get(2), true, queries);
        PolicyDiscovery.Discovery found = d.discover(c.get(3));
        String actual = switch (found) {
            case PolicyDiscovery.Discovery.Found f -> "found " + f.domain();
            case PolicyDiscovery.Discovery.NoPolicy n -> "none";
            case PolicyDiscovery.Discovery.TempError t -> "temperror";
        };
        assertThat(actual).as(name + " " + d.lookups()).isEqualTo(c.get(4));
        assertThat(queries.get()).as(name + " _dmarc queries " + d.lookups()).isEqualTo(Integer.parseInt(c.get(5)));
        assertThat(queries.get()).isLessThanOrEqualTo(PolicyDiscovery.MAX_TREE_WALK_QUERIES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluation")
    void evaluation(String name, List<String> c) {
        String mode = c.get(2);
        String extras = c.get(12);
        boolean fallback = !extras.contains("nofallback");
        DmarcOptions options = options(mode, fallback);
        for (String e : extras.split(" ")) {
            if (e.startsWith("trusted=")) {
                options = options.withTrustedArcSealers(Set.of(e.substring(8).split(",")));
            }
        }
        DmarcInput.Builder in = DmarcInput.builder();
        if (!c.get(3).isEmpty()) {
            Arrays.stream(c.get(3).split("\\|")).forEach(in::from);
        }
        if (!c.get(4).equals("-")) {
            in.mailFrom(c.get(4).equals("<>") ? "" : c.get(4));
        } else {
            in.mailFrom("bounce@unrelated.example");
        }
        if (!c.get(5).equals("-")) {
            String[] spf = c.get(5).split(":");
            if (spf.length == 3) {
                in.spf(spf[2], DmarcInput.SpfScope.HELO, DmarcInput.SpfVerdict.valueOf(spf[0].toUpperCase()));
            } else {
                in.spf(spf[1], DmarcInput.SpfScope.MFROM, DmarcInput.SpfVerdict.valueOf(spf[0].toUpperCase()));
            }
        }
        if (!c.get(6).equals("-")) {
            for (String sig : c.get(6).split(" ")) {
                String[] p = sig.split(":");
                in.dkim(p[1], p[2], DmarcInput.DkimVerdict.valueOf(p[0].toUpperCase()));
            }
        }
        for (String e : extras.split(" ")) {
            if (e.startsWith("arc=")) {
                String[] p = e.substring(4).split(":");
                in.arc(DmarcInput.ArcChain.valueOf(p[0].toUpperCase()), List.of(p[1].split(",")));
            } else if (e.startsWith("local=")) {
                String[] p = e.substring(6).split(":");
                in.localOverride(OverrideReason.valueOf(p[0].toUpperCase()), Policy.parse(p[1]).orElseThrow(), "test");
            }
        }
        FixedRoll random = new FixedRoll(c.get(7).equals("-") ? -1 : Integer.parseInt(c.get(7)));
        DmarcEvaluator evaluator = new DmarcEvaluator(resolver(new AtomicInteger()), PublicSuffixList.bundled(), options, random);
        DmarcResult r = evaluator.evaluate(in.build());
        String why = name + " [" + r.detail() + "] " + r.lookups();
        assertThat(r.verdict().keyword()).as(why + " verdict").isEqualTo(c.get(8));
        assertThat(r.disposition().keyword()).as(why + " disposition").isEqualTo(c.get(9));
        assertThat(r.appliedPolicy().map(DmarcResult.AppliedPolicy::keyword).orElse("-")).as(why + " applied").isEqualTo(c.get(10));
        String reasons = r.reasons().isEmpty() ? "-"
                : r.reasons().stream().map(x -> x.type().keyword()).collect(Collectors.joining(","));
        assertThat(reasons).as(why + " reasons").isEqualTo(c.get(11));
        assertThat(random.asked).as(why + " random asked").isEqualTo(random.roll >= 0);
        if (r.verdict() == DmarcVerdict.PASS) {
            assertThat(r.dkimAligned() || r.spfAligned()).as(why).isTrue();
        }
    }

    private static DmarcOptions options(String mode, boolean fallback) {
        DiscoveryMode m = mode.equals("7489") ? DiscoveryMode.RFC7489 : DiscoveryMode.DMARCBIS;
        return DmarcOptions.defaults().withDiscovery(m).withPslFallbackOnDnsError(fallback);
    }

    private static PolicyDiscovery discovery(String mode, boolean fallback, AtomicInteger queries) {
        return new PolicyDiscovery(resolver(queries), PublicSuffixList.bundled(), options(mode, fallback));
    }

    /** nextInt(bound) returns the table's roll; asking when the table says "-" fails the case. */
    static final class FixedRoll implements RandomGenerator {
        final int roll;
        boolean asked;

        FixedRoll(int roll) {
            this.roll = roll;
        }

        @Override
        public int nextInt(int bound) {
            asked = true;
            if (roll < 0) {
                throw new AssertionError("the random generator was asked although no sampling was expected");
            }
            return roll;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("only nextInt(bound) is expected");
        }
    }
}
