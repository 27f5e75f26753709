package org.mailward.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * Fuzz/property tests of the SPF parser, the macro language and the evaluator: seeded {@link Random} (the seed is
 * in every failure message; set -Dspf.fuzz.seed=N to replay), mutations of valid records, huge inputs and macro
 * blow-ups. Properties: never an exception, every rejection has a reason, every permerror/temperror says why, and
 * every input is handled in bounded time and bounded DNS work.
 */
class SpfFuzzTest {

    private static final long SEED = Long.getLong("spf.fuzz.seed", 20260101L);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    static final List<String> CORPUS = List.of(
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all",
            "v=spf1 a/24//64 mx:mx.%{d}/28 ptr:%{d2} exists:%{ir}.%{v}._spf.%{d} -all",
            "v=spf1 redirect=_spf.%{o} exp=explain.%{d}",
            "v=spf1 -include:%{l1r-}.lp.%{d} ?a:%{h} +mx moo=%{s} exp=%{p}.x.example",
            "v=spf1 exists:%{i}.%{l}.%{o}.rbl.example.net ~ip4:198.51.100.1 -all",
            "v=spf1 a:%%%_%-.example.com/30 ip6:::ffff:192.0.2.1/128 all");

    private static final String ALPHABET = "v=spf1 :/.%{}-+~?!=_,aAdDiIlLmMpPsSxX0123456789 \t\u00e9\u0000\u00ff"
            + "allincludemxptrip4ip6existsredirectexp";

    static String mutate(Random r, String s) {
        StringBuilder sb = new StringBuilder(s);
        int ops = 1 + r.nextInt(6);
        for (int k = 0; k < ops; k++) {
            int pos = sb.isEmpty() ? 0 : r.nextInt(sb.length() + 1);
            switch (r.nextInt(7)) {
                case 0 -> sb.insert(pos, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                case 1 -> {
                    if (!sb.isEmpty() && pos < sb.length()) {
                        sb.deleteCharAt(pos);
                    }
                }
                case 2 -> {
                    if (!sb.isEmpty() && pos < sb.length()) {
                        sb.setCharAt(pos, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    }
                }
                case 3 -> {
                    int end = Math.min(sb.length(), pos + r.nextInt(20));
                    String piece = sb.substring(Math.min(pos, end), end);
                    sb.insert(pos, piece.repeat(1 + r.nextInt(4)));
                }
                case 4 -> sb.insert(pos, List.of("%{", "}", "%", "/", "//", ":", "=", " ", "%{p}", "%{ir}", "%{d9999}").get(r.nextInt(11)));
                case 5 -> sb.setLength(Math.min(sb.length(), pos));
                default -> sb.append(' ').append(CORPUS.get(r.nextInt(CORPUS.size())).substring(7));
            }
        }
        return sb.toString();
    }

    @Test
    void parserNeverThrowsAndAlwaysGivesAReason() {
        Random r = new Random(SEED);
        int ok = 0;
        int invalid = 0;
        for (int i = 0; i < 15_000; i++) {
            String input = mutate(r, CORPUS.get(r.nextInt(CORPUS.size())));
            long start = System.nanoTime();
            ParseResult<SpfRecord> result;
            try {
                result = SpfParser.parse(input);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + ", iteration " + i + ": parser threw on \"" + input + "\"", e);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("seed %d iteration %d: parse time of \"%s\"", SEED, i, input).isLessThan(500);
            if (result instanceof ParseResult.Invalid<SpfRecord> inv) {
                invalid++;
                assertThat(inv.reason()).as("seed %d: reason for \"%s\"", SEED, input).isNotBlank();
            } else {
                ok++;
                // A parsed record re-parses to the same terms: parsing is a function of the text.
                assertThat(SpfParser.parse(result.value().text()).value()).isEqualTo(result.value());
            }
        }
        System.out.println("parser fuzz (seed " + SEED + "): " + ok + " parsed, " + invalid + " rejected with a reason");
        assertThat(ok).as("the mutations must keep some records valid, or the fuzzing is too shallow").isGreaterThan(500);
        assertThat(invalid).isGreaterThan(500);
    }

    @Test
    void hugeRecordsParseInBoundedTime() {
        List<String> huge = List.of(
                "v=spf1 " + "a:%{d}.example.com ".repeat(50_000) + "-all",
                "v=spf1 exists:" + "%{s}".repeat(100_000) + ".example.com",
                "v=spf1 " + " ".repeat(1_000_000) + "-all",
                "v=spf1 a:" + "a.".repeat(200_000) + "com",
                "v=spf1 ip4:" + "1".repeat(500_000),
                "v=spf1 exists:%{" + "d".repeat(300_000) + "}.example.com",
                "v=spf1 exists:%{d" + "9".repeat(300_000) + "}.example.com",
                "v=spf1 " + "%".repeat(200_000));
        for (String s : huge) {
            long start = System.nanoTime();
            ParseResult<SpfRecord> r = SpfParser.parse(s);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("parse of a %d-char record", s.length()).isLessThan(3000);
            assertThat(r.isOk() || !r.reason().isBlank()).isTrue();
            assertThat(r.reason().length()).as("reasons stay short").isLessThan(600);
        }
    }

    @Test
    void macroStringsNeverThrowAndExpansionIsBounded() {
        Random r = new Random(SEED + 1);
        String letters = "slodiphvcrtSLODIPHVCRTxz%{}0123456789r.-+,/_=";
        for (int i = 0; i < 30_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(40);
            for (int k = 0; k < len; k++) {
                sb.append(r.nextInt(4) == 0 ? "%{" : String.valueOf(letters.charAt(r.nextInt(letters.length()))));
            }
            String text = sb.toString();
            boolean exp = r.nextBoolean();
            ParseResult<MacroString> ms;
            try {
                ms = MacroString.parse(text, exp);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + ": MacroString.parse threw on \"" + text + "\"", e);
            }
            if (!ms.isOk()) {
                assertThat(ms.reason()).isNotBlank();
                continue;
            }
            String value = "x.".repeat(r.nextInt(3000)) + "example.com";
            ParseResult<String> out = MacroExpander.expandDomain(ms.value(), c -> value);
            if (out.isOk()) {
                assertThat(out.value().length()).isLessThanOrEqualTo(MacroExpander.MAX_LENGTH);
            } else {
                assertThat(out.reason()).isNotBlank();
            }
        }
    }

    /** Every name answers with a mutated record; addresses, MX, PTR and errors at random. */
    @Test
    void evaluatorNeverThrowsAndBoundsItsWork() {
        Random r = new Random(SEED + 2);
        for (int i = 0; i < 1_500; i++) {
            long caseSeed = r.nextLong();
            Random cr = new Random(caseSeed);
            String top = mutate(cr, CORPUS.get(cr.nextInt(CORPUS.size())));
            AtomicInteger calls = new AtomicInteger();
            Resolver hostile = (name, type) -> {
                calls.incrementAndGet();
                Random qr = new Random(caseSeed ^ name.hashCode() ^ type.ordinal());
                int roll = qr.nextInt(20);
                if (roll == 0) {
                    return DnsAnswer.servfail(name, type, "fuzz");
                }
                if (roll == 1) {
                    return DnsAnswer.timeout(name, type, "fuzz");
                }
                if (roll < 5) {
                    return DnsAnswer.nxdomain(name, type);
                }
                try {
                    return switch (type) {
                        case TXT -> DnsAnswer.of(name, type, List.of(new DnsRecord.Txt(
                                List.of(qr.nextInt(3) == 0 ? top : mutate(qr, CORPUS.get(qr.nextInt(CORPUS.size())))), 60)));
                        case A -> DnsAnswer.of(name, type, List.of(new DnsRecord.A(
                                InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) qr.nextInt(4)}), 60)));
                        case AAAA -> DnsAnswer.nodata(name, type);
                        case MX -> DnsAnswer.of(name, type, java.util.stream.IntStream.range(0, 1 + qr.nextInt(12))
                                .mapToObj(k -> new DnsRecord.Mx(k, "mx" + k + "." + name, 60)).toList());
                        case PTR -> DnsAnswer.of(name, type, java.util.stream.IntStream.range(0, 1 + qr.nextInt(15))
                                .mapToObj(k -> new DnsRecord.Ptr("p" + k + ".example.com", 60)).toList());
                        default -> DnsAnswer.nodata(name, type);
                    };
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            };
            SpfEvaluator ev = new SpfEvaluator(hostile, CLOCK, "rx");
            long start = System.nanoTime();
            SpfResult res;
            try {
                res = ev.evaluate(SpfRequest.of("192.0.2." + cr.nextInt(4), "user@example.com", "helo.example.com").orElseThrow());
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + " case seed " + caseSeed + ": evaluator threw for \"" + top + "\"", e);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("case seed %d", caseSeed).isLessThan(2000);
            assertThat(calls.get()).as("case seed %d: DNS questions", caseSeed).isLessThanOrEqualTo(SpfEvaluator.Limits.RFC7208.maxQueries());
            assertThat(res.dnsLookups()).isLessThanOrEqualTo(11);
            assertThat(res.voidLookups()).isLessThanOrEqualTo(3);
            if (res.result() == SpfVerdict.PERMERROR || res.result() == SpfVerdict.TEMPERROR) {
                assertThat(res.problem()).as("case seed %d: %s needs a reason", caseSeed, res.result()).isPresent();
            }
            assertThat(res.receivedSpf()).startsWith("Received-SPF: " + res.result().keyword()).doesNotContain("\n", "\r");
        }
    }

    @Test
    void macroBlowUpsAreCapped() {
        // A sender of 5,000 characters expanded 2,000 times in one domain-spec, in exists and in exp.
        String record = "v=spf1 exists:" + "%{s}".repeat(2000) + ".example.com -all exp=" + "%{l}".repeat(2000) + ".example.com";
        Resolver r = (name, type) -> type == RecordType.TXT && name.equals("example.com")
                ? DnsAnswer.of(name, type, List.of(new DnsRecord.Txt(List.of(record), 60)))
                : DnsAnswer.nxdomain(name, type);
        long start = System.nanoTime();
        SpfResult res = new SpfEvaluator(r, CLOCK, "rx").evaluate(SpfRequest.of("192.0.2.1", "x".repeat(5000) + "@example.com", "h").orElseThrow());
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
        assertThat(res.result()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(res.problem().orElseThrow()).contains("exceeds");
        if (res.receivedSpf().length() > 4000) {
            fail("Received-SPF must stay bounded, was " + res.receivedSpf().length());
        }
    }

    @Test
    void includeAndRedirectLoopsEndWithinTheLimits() {
        Resolver r = (name, type) -> type == RecordType.TXT
                ? DnsAnswer.of(name, type, List.of(new DnsRecord.Txt(List.of("v=spf1 include:%{d} redirect=x.%{d}"), 60)))
                : DnsAnswer.nxdomain(name, type);
        SpfEvaluator ev = new SpfEvaluator(r, CLOCK, "rx", SpfEvaluator.Limits.RFC7208.withTimeBudget(Duration.ofSeconds(5)));
        SpfResult res = ev.evaluate(SpfRequest.of("192.0.2.1", "a@example.com", "h").orElseThrow());
        assertThat(res.result()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(res.problem().orElseThrow()).contains("more than 10 DNS-querying terms");
        assertThat(res.dnsQueries()).isLessThanOrEqualTo(12);
    }
}
