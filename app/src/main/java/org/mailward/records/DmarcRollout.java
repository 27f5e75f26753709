package org.mailward.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.Policy;

/**
 * The DMARC rollout ladder of the GOV.UK guidance ("Create and iterate DMARC records"): start at {@code p=none} with
 * reports, move to {@code p=quarantine} at {@code pct=10} and raise the percentage to 100 as reports show genuine mail
 * passing, then {@code p=reject} (the NCSC aim). Each stage also sets {@code sp} to the same policy (the guidance:
 * "this is important"); {@code reject} adds {@code np=reject} (RFC 9091: non-existent names never send).
 *
 * <p>{@code pct} exists only in RFC 7489; DMARCbis (RFC 9989) receivers ignore it and apply the full policy. The
 * ladder keeps {@code pct} because the guidance uses it, and {@link #pctNote()} says what that means.
 */
public enum DmarcRollout {
    NONE("none", Policy.NONE, Optional.empty()),
    QUARANTINE_10("quarantine:10", Policy.QUARANTINE, Optional.of(10)),
    QUARANTINE_25("quarantine:25", Policy.QUARANTINE, Optional.of(25)),
    QUARANTINE_50("quarantine:50", Policy.QUARANTINE, Optional.of(50)),
    QUARANTINE_100("quarantine:100", Policy.QUARANTINE, Optional.empty()),
    REJECT("reject", Policy.REJECT, Optional.empty());

    private final String label;
    private final Policy policy;
    private final Optional<Integer> percent;

    DmarcRollout(String label, Policy policy, Optional<Integer> percent) {
        this.label = label;
        this.policy = policy;
        this.percent = percent;
    }

    /** The command-line spelling: {@code none}, {@code quarantine:10} ... {@code reject}. */
    public String label() {
        return label;
    }

    public Policy policy() {
        return policy;
    }

    /** {@code pct} written for this stage (none at 100: it is the default). */
    public Optional<Integer> percent() {
        return percent;
    }

    public static Optional<DmarcRollout> parse(String label) {
        String l = label.trim().toLowerCase(Locale.ROOT);
        if (l.equals("quarantine")) {
            return Optional.of(QUARANTINE_10);
        }
        for (DmarcRollout s : values()) {
            if (s.label.equals(l)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static List<String> labels() {
        List<String> out = new ArrayList<>();
        for (DmarcRollout s : values()) {
            out.add(s.label);
        }
        return out;
    }

    /** The stage after this one; empty at {@link #REJECT}. */
    public Optional<DmarcRollout> next() {
        return ordinal() + 1 < values().length ? Optional.of(values()[ordinal() + 1]) : Optional.empty();
    }

    /**
     * Where a published record stands on the ladder: {@code p=none} (or {@code t=y} on quarantine, which receivers
     * treat as none) is NONE; quarantine with {@code pct} below 100 is the highest ladder step not above that
     * percentage (a pct of 5 counts as the 10 % step); quarantine at 100 %; reject. A reject record with {@code pct}
     * below 100 or {@code t=y} counts as quarantine at 100 %.
     */
    public static DmarcRollout of(DmarcRecord r) {
        Policy p = r.policy();
        if (r.testing()) {
            p = p.lessStrict();
        }
        int pct = r.percent();
        return switch (p) {
            case NONE -> NONE;
            case REJECT -> pct < 100 ? QUARANTINE_100 : REJECT;
            case QUARANTINE -> pct >= 100 ? QUARANTINE_100 : pct >= 50 ? QUARANTINE_50 : pct >= 25 ? QUARANTINE_25 : QUARANTINE_10;
        };
    }

    /** This stage applied to a record: p, sp (and np at reject) and pct set; everything else kept. */
    public DmarcRecordText apply(DmarcRecordText base) {
        DmarcRecordText t = base.withPolicy(policy).withSubdomain(Optional.of(policy)).withPercent(percent).withTesting(false);
        return this == REJECT ? t.withNonexistent(Optional.of(Policy.REJECT)) : t.withNonexistent(Optional.empty());
    }

    public static String pctNote() {
        return "pct is an RFC 7489 tag: receivers that follow DMARCbis (RFC 9989) ignore it and apply the whole policy, "
                + "so a pct ramp protects you only at RFC 7489 receivers (DMARCbis alternative: t=y, then remove it).";
    }
}
