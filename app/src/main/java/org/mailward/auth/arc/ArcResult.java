package org.mailward.auth.arc;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of ARC chain validation (RFC 8617 5.2).
 *
 * @param cv         none (no ARC header fields), pass or fail
 * @param instances  the number of ARC sets found (0 for none; the highest instance when the structure was valid)
 * @param oldestPass RFC 8617 5.2 step 5: the lowest instance from which every newer AMS validates; 0 when all of them do;
 *                   0 as well when the chain did not pass
 * @param reason     why it failed ("" on pass or none): "ARC-Seal i=2 cv=none but must be pass", "AMS i=1: body hash
 *                   mismatch", ...
 * @param sets       per instance, oldest first: who sealed it and the AAR text (for DMARC's trusted-sealer decisions)
 */
public record ArcResult(ArcStatus cv, int instances, int oldestPass, String reason, List<SetSummary> sets) {

    public ArcResult {
        Objects.requireNonNull(cv);
        Objects.requireNonNull(reason);
        sets = List.copyOf(sets);
    }

    /**
     * One ARC set as seen.
     *
     * @param instance     i=
     * @param sealDomain   d= of the ARC-Seal
     * @param sealSelector s= of the ARC-Seal
     * @param amsDomain    d= of the ARC-Message-Signature
     * @param aarText      the ARC-Authentication-Results value after "i=N;", unfolded, as text
     */
    public record SetSummary(int instance, String sealDomain, String sealSelector, String amsDomain, String aarText) {
    }

    public static ArcResult none() {
        return new ArcResult(ArcStatus.NONE, 0, 0, "", List.of());
    }

    static ArcResult fail(int instances, String reason, List<SetSummary> sets) {
        return new ArcResult(ArcStatus.FAIL, instances, 0, reason, sets);
    }

    @Override
    public String toString() {
        return "arc=" + cv.token() + (instances > 0 ? " (i=" + instances + (oldestPass > 0 ? ", oldest-pass=" + oldestPass : "") + ")" : "")
                + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
