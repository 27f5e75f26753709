package org.mailward.reports.generate;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When a Domain Owner wants a failure report: the {@code fo} tag of its DMARC record (RFC 7489 6.3; unchanged in
 * DMARCbis, RFC 9989 / RFC 9991), a colon-separated list of
 * <ul>
 *   <li>{@code 0} (the default): a DMARC failure report when all underlying mechanisms fail to produce an aligned
 *       pass;</li>
 *   <li>{@code 1}: a DMARC failure report when any underlying mechanism produced something other than an aligned
 *       pass (so also for a message that passes DMARC through the other mechanism);</li>
 *   <li>{@code d}: a DKIM failure report when a signature failed evaluation, aligned or not (RFC 6651);</li>
 *   <li>{@code s}: an SPF failure report when SPF evaluation failed, aligned or not (RFC 6652).</li>
 * </ul>
 * We send at most one report per message: the DMARC one when {@code 0} or {@code 1} asks for it, else the DKIM one,
 * else the SPF one (RFC 9991 3.1 lets a generator send reports for the underlying methods "also"; one is enough
 * for the owner to act, and it halves the volume a spoofing run produces).
 */
public final class FailureOptions {

    private FailureOptions() {
    }

    /**
     * What DMARC evaluation found, reduced to what {@code fo} looks at.
     *
     * @param dkimAlignedPass    an aligned DKIM pass exists
     * @param spfAlignedPass     an aligned SPF pass exists
     * @param dkimFailure        the RFC 6591 Auth-Failure keyword of a signature that failed evaluation
     *                           ({@code bodyhash}, {@code revoked}, {@code signature}), when one did
     * @param spfFailed          SPF returned fail for the identity DMARC uses
     */
    public record Evidence(boolean dkimAlignedPass, boolean spfAlignedPass, Optional<String> dkimFailure, boolean spfFailed) {
        public Evidence {
            Objects.requireNonNull(dkimFailure);
        }
    }

    /**
     * The report to send.
     *
     * @param option      the fo option that asked for it ({@code 0}, {@code 1}, {@code d} or {@code s})
     * @param authFailure the Auth-Failure value (RFC 6591 3.1; {@code dmarc} from RFC 7489 7.3)
     */
    public record Trigger(String option, String authFailure) {
    }

    /** The report {@code fo} asks for with this evidence, if any. Unknown options are ignored (RFC 7489 6.3). */
    public static Optional<Trigger> trigger(List<String> fo, Evidence e) {
        List<String> options = fo.isEmpty() ? List.of("0") : fo.stream().map(o -> o.trim().toLowerCase(Locale.ROOT)).toList();
        boolean noAlignedPass = !e.dkimAlignedPass() && !e.spfAlignedPass();
        boolean notAllAlignedPass = !e.dkimAlignedPass() || !e.spfAlignedPass();
        if (options.contains("0") && noAlignedPass) {
            return Optional.of(new Trigger("0", "dmarc"));
        }
        if (options.contains("1") && notAllAlignedPass) {
            return Optional.of(new Trigger("1", "dmarc"));
        }
        if (options.contains("d") && e.dkimFailure().isPresent()) {
            return Optional.of(new Trigger("d", e.dkimFailure().get()));
        }
        if (options.contains("s") && e.spfFailed()) {
            return Optional.of(new Trigger("s", "spf"));
        }
        return Optional.empty();
    }
}
