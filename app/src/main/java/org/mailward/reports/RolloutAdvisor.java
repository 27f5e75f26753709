package org.mailward.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What moving a domain's DMARC policy one stage further would do to its mail, computed from aggregate report rows
 * of a window (usually the last 30 days). Pure: no database, no clock; the same input always gives the same advice,
 * so the dashboard, {@code mailward reports advise} and later {@code mailward records DOMAIN --next} agree.
 *
 * <p>The model (RFC 7489 6.3 and 6.6.4; RFC 9989 drops pct but receivers still honour it): a message that fails
 * DMARC (neither an aligned SPF pass nor an aligned DKIM pass, which is what the aggregate rows'
 * {@code policy_evaluated} dkim/spf say) is handled under the published policy; with {@code pct=N} a receiver
 * applies the policy to N% of failing messages chosen at random and the next weaker policy to the rest
 * (reject → quarantine, quarantine → none). Expected counts are therefore fractions: failing × N / 100.
 *
 * <p>Who is probably genuine: a failing source that still produced some passing mail, or whose mail carries a
 * valid DKIM signature or SPF pass for <em>another</em> domain (an email service sending on the domain's behalf
 * without alignment), is most likely the domain's own mail misconfigured; a source with no authentication at all
 * is most likely forged, unless it carries a large share of all mail ({@link #REVIEW_SHARE}), when it may be an
 * unlisted server of the domain's own and needs a human look. Genuine-looking and to-review sources hold a
 * rollout back; forgeries do not: blocking them is the point of the exercise.
 */
public final class RolloutAdvisor {

    /** Genuine-looking failing mail above this share of all mail holds the next stage. */
    public static final double HOLD_GENUINE_SHARE = 0.005;
    /**
     * An unauthenticated source sending at least this share of all mail may be an unlisted server of the domain's
     * own (an on-premises relay, a forgotten application): it must be reviewed before the next stage.
     */
    public static final double REVIEW_SHARE = 0.01;
    /** Too little data to judge: fewer messages than this, or fewer distinct report days than MIN_DAYS. */
    public static final long MIN_MESSAGES = 100;
    public static final int MIN_DAYS = 7;

    /** A published policy stage: p and pct. */
    public record Stage(String policy, int pct) {
        public Stage {
            policy = policy.toLowerCase(Locale.ROOT);
            if (!policy.equals("none") && !policy.equals("quarantine") && !policy.equals("reject")) {
                throw new IllegalArgumentException("policy must be none, quarantine or reject: " + policy);
            }
            if (pct < 0 || pct > 100) {
                throw new IllegalArgumentException("pct must be 0..100: " + pct);
            }
        }

        public String label() {
            return policy.equals("none") ? "p=none" : "p=" + policy + (pct == 100 ? "" : " pct=" + pct);
        }

        int rank() {
            return switch (policy) {
                case "none" -> 0;
                case "quarantine" -> 1;
                default -> 2;
            } * 1000 + (policy.equals("none") ? 0 : pct);
        }
    }

    /** The usual ladder (the guidance: none, then quarantine 10 and up, then reject). */
    public static final List<Stage> LADDER = List.of(new Stage("none", 100), new Stage("quarantine", 10),
            new Stage("quarantine", 25), new Stage("quarantine", 50), new Stage("quarantine", 100),
            new Stage("reject", 100));

    /** The first ladder stage stricter than {@code current} (reject stays reject). */
    public static Stage next(Stage current) {
        for (Stage s : LADDER) {
            if (s.rank() > current.rank()) {
                return s;
            }
        }
        return current;
    }

    /**
     * One source's traffic in the window. {@code dmarcPass}: messages with an aligned pass; {@code otherDkimPass}
     * / {@code otherSpfPass}: failing messages whose raw results show a DKIM or SPF pass for a non-aligned domain.
     */
    public record SourceTraffic(String ip, long messages, long dmarcPass, long spfAligned, long dkimAligned,
                                long otherDkimPass, long otherSpfPass, List<String> reporters) {
        public SourceTraffic {
            Objects.requireNonNull(ip, "ip");
            reporters = List.copyOf(reporters);
        }

        public long failing() {
            return messages - dmarcPass;
        }
    }

    public enum Verdict { ADVANCE, HOLD, AT_FINAL_STAGE }

    /** What a failing source most likely is. */
    public enum Likely { GENUINE, REVIEW, FORGED }

    /** A failing source under the target stage, with what would happen to it and what to do. */
    public record AffectedSource(String ip, long messages, long failing, double expectedQuarantined,
                                 double expectedRejected, double shareOfAll, Likely likely, String why,
                                 String fix, List<String> reporters) {
        public boolean likelyGenuine() {
            return likely == Likely.GENUINE;
        }
    }

    public record Advice(String domain, Stage current, Stage target, int windowDays, int reportDays, long messages,
                         long passing, long failing, double passRate, double expectedQuarantined,
                         double expectedRejected, double genuineAffected, List<AffectedSource> sources,
                         Verdict verdict, List<String> reasons) {
        public Advice {
            sources = List.copyOf(sources);
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * Advice for moving {@code domain} from {@code current} to {@code target}, given its per-source traffic over
     * a window of {@code windowDays} in which reports covered {@code reportDays} distinct days.
     */
    public Advice advise(String domain, Stage current, Stage target, int windowDays, int reportDays,
                         List<SourceTraffic> traffic) {
        long messages = 0;
        long passing = 0;
        for (SourceTraffic t : traffic) {
            messages += t.messages();
            passing += t.dmarcPass();
        }
        long failing = messages - passing;
        // RFC 7489 6.6.4: pct of failing mail gets the policy, the rest the next weaker one
        double applied = target.pct() / 100.0;
        double qFraction = switch (target.policy()) {
            case "quarantine" -> applied;
            case "reject" -> 1 - applied;
            default -> 0;
        };
        double rFraction = target.policy().equals("reject") ? applied : 0;
        List<AffectedSource> sources = new ArrayList<>();
        double genuine = 0;
        for (SourceTraffic t : traffic) {
            long f = t.failing();
            if (f <= 0) {
                continue;
            }
            boolean otherDkim = t.otherDkimPass() > 0;
            boolean otherSpf = t.otherSpfPass() > 0;
            boolean partlyPassing = t.dmarcPass() > 0;
            boolean likelyGenuine = otherDkim || otherSpf || partlyPassing;
            String why;
            String fix;
            if (otherDkim) {
                why = "DKIM-signed, but by a domain that does not align with the From domain";
                fix = "enable DKIM signing with your own domain (a selector under " + domain + ") at this provider";
            } else if (otherSpf) {
                why = "SPF passes for the provider's bounce domain, which does not align, and no aligned DKIM";
                fix = "set a custom return-path (bounce) domain under " + domain + " at this provider, or enable aligned DKIM";
            } else if (partlyPassing) {
                why = "some of this source's mail passes, the rest has neither aligned SPF nor aligned DKIM";
                fix = "find the stream that is not signed (DKIM) and add " + t.ip() + " to the SPF record if it is yours";
            } else {
                why = "no SPF or DKIM pass at all: not authorised by " + domain;
                fix = "nothing if this is not your mail (DMARC will block it); if it is, add it to SPF and enable DKIM";
            }
            double share = messages == 0 ? 0 : (double) f / messages;
            Likely likely = likelyGenuine ? Likely.GENUINE : share >= REVIEW_SHARE ? Likely.REVIEW : Likely.FORGED;
            if (likely == Likely.REVIEW) {
                why = "no SPF or DKIM pass at all, but " + String.format(Locale.ROOT, "%.1f%%", share * 100)
                        + " of all mail: possibly a server of your own that is not in SPF and does not sign";
                fix = "check who runs " + t.ip() + "; if it is yours, add it to SPF and enable DKIM signing there";
            }
            if (likelyGenuine) {
                genuine += f * (qFraction + rFraction);
            }
            sources.add(new AffectedSource(t.ip(), t.messages(), f, f * qFraction, f * rFraction, share, likely,
                    why, fix, t.reporters()));
        }
        sources.sort(Comparator.comparing(AffectedSource::likely)
                .thenComparing(Comparator.comparingLong(AffectedSource::failing).reversed())
                .thenComparing(AffectedSource::ip));
        double passRate = messages == 0 ? 0 : (double) passing / messages;
        List<String> reasons = new ArrayList<>();
        Verdict verdict;
        if (target.rank() <= current.rank()) {
            verdict = Verdict.AT_FINAL_STAGE;
            reasons.add("already at " + current.label() + ": there is no stricter stage");
        } else {
            boolean hold = false;
            if (messages < MIN_MESSAGES) {
                hold = true;
                reasons.add("only " + messages + " messages reported in the last " + windowDays
                        + " days (need at least " + MIN_MESSAGES + ")");
            }
            if (reportDays < MIN_DAYS) {
                hold = true;
                reasons.add("reports cover only " + reportDays + " day(s) (need at least " + MIN_DAYS + ")");
            }
            List<AffectedSource> review = sources.stream().filter(x -> x.likely() == Likely.REVIEW).toList();
            if (!review.isEmpty()) {
                hold = true;
                reasons.add(review.size() + " unauthenticated source(s) each send at least "
                        + String.format(Locale.ROOT, "%.0f%%", REVIEW_SHARE * 100) + " of all mail ("
                        + String.join(", ", review.stream().map(AffectedSource::ip).toList())
                        + "): confirm they are not yours");
            }
            double genuineShare = messages == 0 ? 0 : sources.stream().filter(AffectedSource::likelyGenuine)
                    .mapToLong(AffectedSource::failing).sum() / (double) messages;
            long genuineSources = sources.stream().filter(AffectedSource::likelyGenuine).count();
            if (genuineShare > HOLD_GENUINE_SHARE) {
                hold = true;
                reasons.add(String.format(Locale.ROOT,
                        "%d source(s) that look like your own mail fail DMARC (%.2f%% of all mail): fix them first",
                        genuineSources, genuineShare * 100));
            }
            if (hold) {
                verdict = Verdict.HOLD;
            } else {
                verdict = Verdict.ADVANCE;
                reasons.add(String.format(Locale.ROOT, "DMARC pass rate %.1f%% over %d messages on %d days",
                        passRate * 100, messages, reportDays));
                long forged = sources.stream().filter(x -> x.likely() == Likely.FORGED).mapToLong(AffectedSource::failing).sum();
                reasons.add(forged == 0 ? "no failing mail at all"
                        : forged + " failing message(s) come from sources with no authentication at all (likely forged): "
                        + target.label() + " is meant to stop them");
            }
        }
        return new Advice(domain, current, target, windowDays, reportDays, messages, passing, failing, passRate,
                failing * qFraction, failing * rFraction, genuine, sources, verdict, reasons);
    }
}
