package org.mailward.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.results.AuthenticationResults;
import org.mailward.auth.results.AuthenticationResultsParse;
import org.mailward.auth.results.ResultInfo;
import org.mailward.dns.ZoneFileResolver;

class DmarcEvaluatorTest {

    private static final ZoneFileResolver ZONE = ZoneFileResolver.fromText("""
            _dmarc.example.com. 300 TXT "v=DMARC1; p=reject; sp=quarantine; adkim=r; aspf=s; rua=mailto:agg@example.com!10m; fo=1"
            _dmarc.sampled.example. 300 TXT "v=DMARC1; p=reject; pct=50"
            mail.example.com. 300 A 192.0.2.1
            """);

    private static DmarcEvaluator evaluator(DmarcOptions options) {
        return new DmarcEvaluator(ZONE, PublicSuffixList.bundled(), options, new SplittableRandom(1));
    }

    @Test
    void resultCarriesAnAggregateReportRow() {
        DmarcInput in = DmarcInput.builder()
                .from("Alice <alice@mail.example.com>")
                .mailFrom("bounce@bounces.example.com")
                .spf("bounces.example.com", DmarcInput.SpfScope.MFROM, DmarcInput.SpfVerdict.PASS)
                .dkim("example.com", "sel1", DmarcInput.DkimVerdict.PASS)
                .dkim("thirdparty.example", "s2", DmarcInput.DkimVerdict.PASS)
                .dkim("example.com", "old", DmarcInput.DkimVerdict.FAIL)
                .build();
        DmarcResult r = evaluator(DmarcOptions.defaults()).evaluate(in);

        assertThat(r.verdict()).isEqualTo(DmarcVerdict.PASS);
        assertThat(r.headerFrom()).isEqualTo("mail.example.com");
        assertThat(r.envelopeFrom()).isEqualTo("bounces.example.com");
        assertThat(r.organizationalDomain()).contains("example.com");
        assertThat(r.policyPublished()).map(DmarcResult.PolicyPublished::domain).contains("example.com");
        DmarcRecord published = r.policyPublished().orElseThrow().record();
        assertThat(published.policy()).isEqualTo(Policy.REJECT);
        assertThat(published.subdomainPolicy()).contains(Policy.QUARANTINE);
        assertThat(published.spfAlignment()).isEqualTo(Alignment.STRICT);
        assertThat(published.failureOptions()).containsExactly("1");
        assertThat(r.appliedPolicy()).contains(DmarcResult.AppliedPolicy.SP);
        assertThat(r.requestedPolicy()).contains(Policy.QUARANTINE);
        assertThat(r.disposition()).isEqualTo(Policy.NONE);
        assertThat(r.dkimAlignmentKeyword()).isEqualTo("pass");
        assertThat(r.spfAlignmentKeyword()).isEqualTo("fail"); // aspf=s and bounces.example.com != mail.example.com
        assertThat(r.dkim()).extracting(DmarcResult.DkimEvaluation::domain, DmarcResult.DkimEvaluation::selector,
                        DmarcResult.DkimEvaluation::result, DmarcResult.DkimEvaluation::aligned)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("example.com", "sel1", DmarcInput.DkimVerdict.PASS, true),
                        org.assertj.core.groups.Tuple.tuple("thirdparty.example", "s2", DmarcInput.DkimVerdict.PASS, false),
                        org.assertj.core.groups.Tuple.tuple("example.com", "old", DmarcInput.DkimVerdict.FAIL, false));
        assertThat(r.spf()).map(DmarcResult.SpfEvaluation::domain).contains("bounces.example.com");
        assertThat(r.spf()).map(DmarcResult.SpfEvaluation::scope).contains(DmarcInput.SpfScope.MFROM);
        assertThat(r.spf()).map(DmarcResult.SpfEvaluation::result).contains(DmarcInput.SpfVerdict.PASS);
        assertThat(r.reasons()).isEmpty();
        assertThat(r.lookups()).first().isEqualTo("_dmarc.mail.example.com TXT: NXDOMAIN");
        // a pass never asks whether the Author Domain exists (np is irrelevant)
        assertThat(r.lookups()).noneMatch(l -> l.contains(" A: "));
    }

    @Test
    void authenticationResultsEntryForAFailure() {
        DmarcInput in = DmarcInput.builder().from("x@example.com").mailFrom("x@elsewhere.example").build();
        DmarcResult r = evaluator(DmarcOptions.defaults()).evaluate(in);
        ResultInfo info = DmarcAuthResults.resultInfo(r);
        AuthenticationResults ar = new AuthenticationResults("mx.mailward.example", List.of(info));
        assertThat(ar.value()).isEqualTo(
                "mx.mailward.example; dmarc=fail (p=reject sp=quarantine dis=reject) header.from=example.com polrec.p=reject");
        AuthenticationResultsParse back = AuthenticationResults.parse(ar.value());
        assertThat(back).isEqualTo(new AuthenticationResultsParse.Parsed(ar));
    }

    @Test
    void authenticationResultsEntryForPermerrorAndOverride() {
        DmarcResult perm = evaluator(DmarcOptions.defaults()).evaluate(DmarcInput.builder().from("a@x.example").from("b@x.example").build());
        assertThat(DmarcAuthResults.resultInfo(perm).reason()).hasValueSatisfying(s -> assertThat(s).contains("2 From header fields"));
        assertThat(DmarcAuthResults.resultInfo(perm).result()).isEqualTo("permerror");

        DmarcResult local = evaluator(DmarcOptions.defaults()).evaluate(DmarcInput.builder().from("a@example.com")
                .localOverride(OverrideReason.MAILING_LIST, Policy.NONE, "list.example").build());
        ResultInfo li = DmarcAuthResults.resultInfo(local);
        assertThat(li.reason()).contains("mailing_list: list.example");
        assertThat(li.comment()).contains("p=reject sp=quarantine dis=none");
    }

    @Test
    void samplingIsRepeatableWithASeedAndNearPct() {
        DmarcInput in = DmarcInput.builder().from("a@sampled.example").build();
        DmarcEvaluator one = new DmarcEvaluator(ZONE, PublicSuffixList.bundled(), DmarcOptions.defaults(), new SplittableRandom(42));
        DmarcEvaluator two = new DmarcEvaluator(ZONE, PublicSuffixList.bundled(), DmarcOptions.defaults(), new SplittableRandom(42));
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            DmarcResult a = one.evaluate(in);
            DmarcResult b = two.evaluate(in);
            assertThat(a.disposition()).isEqualTo(b.disposition());
            if (a.disposition() == Policy.REJECT) {
                rejected++;
                assertThat(a.reasons()).isEmpty();
            } else {
                assertThat(a.disposition()).isEqualTo(Policy.QUARANTINE);
                assertThat(a.reasons()).extracting(DmarcResult.Reason::type).containsExactly(OverrideReason.SAMPLED_OUT);
            }
        }
        assertThat(rejected).isBetween(850, 1150); // pct=50 of 2000, generous bounds for a fixed seed
    }

    @Test
    void dnsErrorOnPolicyLookupIsTemperror() {
        DmarcEvaluator e = new DmarcEvaluator((name, type) -> org.mailward.dns.DnsAnswer.timeout(name, type, "no answer"),
                PublicSuffixList.bundled(), DmarcOptions.defaults(), new Random(1));
        DmarcResult r = e.evaluate(DmarcInput.builder().from("a@example.com").build());
        assertThat(r.verdict()).isEqualTo(DmarcVerdict.TEMPERROR);
        assertThat(r.detail()).contains("TIMEOUT");
        assertThat(r.policyPublished()).isEqualTo(Optional.empty());
    }

    @Test
    void heloIdentityIsIgnoredWhenMailFromIsPresent() {
        DmarcResult r = evaluator(DmarcOptions.defaults()).evaluate(DmarcInput.builder().from("a@example.com")
                .mailFrom("x@other.example").spf("example.com", DmarcInput.SpfScope.HELO, DmarcInput.SpfVerdict.PASS).build());
        assertThat(r.verdict()).isEqualTo(DmarcVerdict.FAIL);
        assertThat(r.spf().orElseThrow().aligned()).isFalse();
    }
    /** Fuzz: hostile From fields, envelope addresses and DKIM/SPF domains never make evaluate() throw. */
    @Test
    void fuzzEvaluateNeverThrows() {
        long seed = Long.getLong("mailward.fuzz.seed", 20261125L); // fixed for repeatable CI runs; -Dmailward.fuzz.seed=N explores
        Random r = new Random(seed);
        List<String> froms = List.of("a@example.com", "\"x\" <a@mail.example.com>", "a@sampled.example", "G: a@example.com;");
        List<String> domains = List.of("example.com", "mail.example.com", "", ".", "a..b", "EXAMPLE.COM.", "bücher.example", "[1.2.3.4]");
        DmarcEvaluator e = new DmarcEvaluator(ZONE, PublicSuffixList.bundled(),
                DmarcOptions.defaults().withTrustedArcSealers(java.util.Set.of("example.com")), new SplittableRandom(seed));
        try {
            for (int i = 0; i < 3000; i++) {
                DmarcInput.Builder b = DmarcInput.builder();
                for (int k = r.nextInt(3); k > 0; k--) {
                    b.from(DmarcRecordParserTest.mutate(froms.get(r.nextInt(froms.size())), r));
                }
                b.mailFrom(r.nextBoolean() ? "" : "x@" + domains.get(r.nextInt(domains.size())));
                b.spf(domains.get(r.nextInt(domains.size())), DmarcInput.SpfScope.values()[r.nextInt(2)],
                        DmarcInput.SpfVerdict.values()[r.nextInt(DmarcInput.SpfVerdict.values().length)]);
                b.dkim(DmarcRecordParserTest.mutate(domains.get(r.nextInt(domains.size())), r), "s",
                        DmarcInput.DkimVerdict.values()[r.nextInt(DmarcInput.DkimVerdict.values().length)]);
                if (r.nextBoolean()) {
                    b.arc(DmarcInput.ArcChain.values()[r.nextInt(3)], r.nextBoolean() ? List.of() : List.of("Example.COM"));
                }
                DmarcResult res = e.evaluate(b.build());
                assertThat(res.verdict()).isNotNull();
                DmarcAuthResults.resultInfo(res);
                if (res.verdict() == DmarcVerdict.PASS) {
                    assertThat(res.disposition()).isEqualTo(Policy.NONE);
                }
            }
        } catch (RuntimeException | AssertionError ex) {
            throw new AssertionError("fuzz seed " + seed + ": " + ex, ex);
        }
    }
}
