package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.reports.RolloutAdvisor.Advice;
import org.mailward.reports.RolloutAdvisor.Likely;
import org.mailward.reports.RolloutAdvisor.SourceTraffic;
import org.mailward.reports.RolloutAdvisor.Stage;
import org.mailward.reports.RolloutAdvisor.Verdict;

class RolloutAdvisorTest {

    private final RolloutAdvisor advisor = new RolloutAdvisor();

    private static SourceTraffic src(String ip, long messages, long pass, long otherDkim, long otherSpf) {
        return new SourceTraffic(ip, messages, pass, pass, pass, otherDkim, otherSpf, List.of("google.com"));
    }

    @Test
    void ladderGoesNoneQuarantineUpThenReject() {
        Stage s = new Stage("none", 100);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            labels.add(s.label());
            s = RolloutAdvisor.next(s);
        }
        assertThat(labels).containsExactly("p=none", "p=quarantine pct=10", "p=quarantine pct=25",
                "p=quarantine pct=50", "p=quarantine", "p=reject", "p=reject");
        // an off-ladder stage moves to the next ladder stage above it
        assertThat(RolloutAdvisor.next(new Stage("quarantine", 30))).isEqualTo(new Stage("quarantine", 50));
    }

    @Test
    void quarantinePctSamplesFailingMail() {
        // 10,000 passing, 400 failing from an unauthenticated small source spread over many IPs
        List<SourceTraffic> t = new ArrayList<>();
        t.add(src("192.0.2.1", 10_000, 10_000, 0, 0));
        for (int i = 0; i < 40; i++) {
            t.add(src("198.51.100." + (i + 1), 10, 0, 0, 0));
        }
        Advice a = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 25), 30, 30, t);
        assertThat(a.messages()).isEqualTo(10_400);
        assertThat(a.failing()).isEqualTo(400);
        assertThat(a.expectedQuarantined()).isCloseTo(100.0, within(1e-9));
        assertThat(a.expectedRejected()).isZero();
        assertThat(a.sources()).hasSize(40).allMatch(s -> s.likely() == Likely.FORGED);
        assertThat(a.sources().get(0).expectedQuarantined()).isCloseTo(2.5, within(1e-9));
        assertThat(a.verdict()).isEqualTo(Verdict.ADVANCE);
        assertThat(a.genuineAffected()).isZero();
    }

    @Test
    void rejectPctRejectsSomeAndQuarantinesTheRest() {
        List<SourceTraffic> t = List.of(src("192.0.2.1", 1000, 1000, 0, 0), src("203.0.113.9", 8, 0, 0, 0));
        Advice a = advisor.advise("example.org", new Stage("quarantine", 100), new Stage("reject", 50), 30, 30, t);
        // RFC 7489 6.6.4: the mail not sampled for reject gets the next weaker policy, quarantine
        assertThat(a.expectedRejected()).isCloseTo(4.0, within(1e-9));
        assertThat(a.expectedQuarantined()).isCloseTo(4.0, within(1e-9));
    }

    @Test
    void holdsWhenAGenuineLookingSourceFails() {
        // an ESP signing with its own domain (DKIM pass, not aligned): 2% of mail
        List<SourceTraffic> t = List.of(src("192.0.2.1", 9_800, 9_800, 0, 0), src("198.51.100.7", 200, 0, 200, 0));
        Advice a = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 10), 30, 30, t);
        assertThat(a.verdict()).isEqualTo(Verdict.HOLD);
        assertThat(a.sources()).singleElement().satisfies(s -> {
            assertThat(s.likely()).isEqualTo(Likely.GENUINE);
            assertThat(s.fix()).contains("enable DKIM signing with your own domain");
        });
        assertThat(a.genuineAffected()).isCloseTo(20.0, within(1e-9));
        assertThat(a.reasons()).anyMatch(r -> r.contains("look like your own mail"));
    }

    @Test
    void spfPassForAnotherDomainSuggestsACustomReturnPath() {
        List<SourceTraffic> t = List.of(src("192.0.2.1", 9_000, 9_000, 0, 0), src("198.51.100.8", 1_000, 0, 0, 1_000));
        Advice a = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 10), 30, 30, t);
        assertThat(a.sources().get(0).fix()).contains("return-path");
        assertThat(a.verdict()).isEqualTo(Verdict.HOLD);
    }

    @Test
    void aBigUnauthenticatedSourceNeedsReview() {
        List<SourceTraffic> t = List.of(src("192.0.2.1", 9_000, 9_000, 0, 0), src("198.51.100.9", 1_000, 0, 0, 0));
        Advice a = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 10), 30, 30, t);
        assertThat(a.sources().get(0).likely()).isEqualTo(Likely.REVIEW);
        assertThat(a.verdict()).isEqualTo(Verdict.HOLD);
        assertThat(a.reasons()).anyMatch(r -> r.contains("198.51.100.9"));
    }

    @Test
    void partlyPassingSourceIsGenuineAndSmallGenuineShareDoesNotHold() {
        // 0.4% genuine failure: under the 0.5% threshold
        List<SourceTraffic> t = List.of(src("192.0.2.1", 9_960, 9_960, 0, 0), src("192.0.2.2", 1_040, 1_000, 0, 0));
        Advice a = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 10), 30, 30, t);
        assertThat(a.sources()).singleElement().satisfies(s -> assertThat(s.likely()).isEqualTo(Likely.GENUINE));
        assertThat(a.failing()).isEqualTo(40);
        assertThat(a.verdict()).isEqualTo(Verdict.ADVANCE);
    }

    @Test
    void tooLittleDataHolds() {
        Advice few = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 10), 30, 30,
                List.of(src("192.0.2.1", 50, 50, 0, 0)));
        assertThat(few.verdict()).isEqualTo(Verdict.HOLD);
        assertThat(few.reasons()).anyMatch(r -> r.contains("only 50 messages"));
        Advice shortWindow = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 10), 30, 3,
                List.of(src("192.0.2.1", 5_000, 5_000, 0, 0)));
        assertThat(shortWindow.verdict()).isEqualTo(Verdict.HOLD);
        assertThat(shortWindow.reasons()).anyMatch(r -> r.contains("3 day(s)"));
    }

    @Test
    void atRejectThereIsNothingFurther() {
        Advice a = advisor.advise("example.org", new Stage("reject", 100), RolloutAdvisor.next(new Stage("reject", 100)),
                30, 30, List.of(src("192.0.2.1", 5_000, 5_000, 0, 0)));
        assertThat(a.verdict()).isEqualTo(Verdict.AT_FINAL_STAGE);
    }

    @Test
    void noTrafficGivesZeroesAndHolds() {
        Advice a = advisor.advise("example.org", new Stage("none", 100), new Stage("quarantine", 10), 30, 0, List.of());
        assertThat(a.messages()).isZero();
        assertThat(a.passRate()).isZero();
        assertThat(a.verdict()).isEqualTo(Verdict.HOLD);
    }

    @Test
    void invalidStagesAreRejected() {
        assertThatThrownBy(() -> new Stage("block", 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Stage("reject", 101)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Stage("QUARANTINE", 10).policy()).isEqualTo("quarantine");
    }

    /** Invariants over random traffic: the counts add up and the expected counts follow pct. */
    @Test
    void randomTrafficInvariants() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int round = 0; round < 500; round++) {
            List<SourceTraffic> t = new ArrayList<>();
            int n = r.nextInt(20);
            long total = 0;
            long pass = 0;
            for (int i = 0; i < n; i++) {
                long m = 1 + r.nextInt(10_000);
                long p = r.nextBoolean() ? m : r.nextInt((int) m + 1);
                long fail = m - p;
                t.add(new SourceTraffic("192.0.2." + i, m, p, p, p, r.nextBoolean() ? fail : 0, r.nextBoolean() ? fail : 0, List.of()));
                total += m;
                pass += p;
            }
            Stage target = RolloutAdvisor.LADDER.get(1 + r.nextInt(5));
            Advice a = advisor.advise("example.org", new Stage("none", 100), target, 30, r.nextInt(31), t);
            String ctx = "seed " + seed + " round " + round;
            assertThat(a.messages()).as(ctx).isEqualTo(total);
            assertThat(a.failing()).as(ctx).isEqualTo(total - pass);
            assertThat(a.sources().stream().mapToLong(RolloutAdvisor.AffectedSource::failing).sum()).as(ctx).isEqualTo(total - pass);
            assertThat(a.expectedQuarantined() + a.expectedRejected()).as(ctx)
                    .isCloseTo(target.policy().equals("quarantine") ? (total - pass) * target.pct() / 100.0 : total - pass, within(1e-6));
            assertThat(a.genuineAffected()).as(ctx).isLessThanOrEqualTo(a.expectedQuarantined() + a.expectedRejected() + 1e-6);
            assertThat(a.verdict()).as(ctx).isIn(Verdict.ADVANCE, Verdict.HOLD);
        }
    }
}
