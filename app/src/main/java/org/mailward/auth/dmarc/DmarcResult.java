package org.mailward.auth.dmarc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The DMARC verdict for one message, with everything an aggregate report row (RFC 7489 Appendix C; DMARCbis
 * aggregate reporting) and an Authentication-Results {@code dmarc} entry need.
 *
 * @param verdict             pass / fail / none / temperror / permerror
 * @param headerFrom          the Author Domain (report {@code header_from}); empty when it could not be found
 * @param envelopeFrom        the RFC5321.MailFrom domain (report {@code envelope_from}); empty for the null sender
 * @param organizationalDomain the Author Domain's Organizational Domain, when evaluated
 * @param policyPublished     where the policy record was found and the record (report {@code policy_published})
 * @param appliedPolicy       which tag applied: p, sp or np, when a policy was found
 * @param requestedPolicy     the value of that tag (before sampling, test mode and overrides)
 * @param disposition         what the receiver should do (report {@code policy_evaluated/disposition})
 * @param dkimAligned         an aligned DKIM pass exists (report {@code policy_evaluated/dkim})
 * @param spfAligned          an aligned SPF pass exists (report {@code policy_evaluated/spf})
 * @param dkim                every DKIM signature with its alignment (report {@code auth_results/dkim})
 * @param spf                 the SPF result with its alignment (report {@code auth_results/spf})
 * @param reasons             why the disposition differs from the policy (report {@code policy_evaluated/reason})
 * @param arcOverride         a trusted passing ARC chain turned a failure into disposition none
 * @param detail              a one-line explanation for logs and the A-R reason
 * @param warnings            record warnings (ignored tags, defaults used)
 * @param lookups             the DNS questions asked, in order
 */
public record DmarcResult(DmarcVerdict verdict, String headerFrom, String envelopeFrom,
                          Optional<String> organizationalDomain, Optional<PolicyPublished> policyPublished,
                          Optional<AppliedPolicy> appliedPolicy, Optional<Policy> requestedPolicy, Policy disposition,
                          boolean dkimAligned, boolean spfAligned, List<DkimEvaluation> dkim,
                          Optional<SpfEvaluation> spf, List<Reason> reasons, boolean arcOverride, String detail,
                          List<String> warnings, List<String> lookups) {

    public DmarcResult {
        Objects.requireNonNull(verdict);
        Objects.requireNonNull(headerFrom);
        Objects.requireNonNull(envelopeFrom);
        Objects.requireNonNull(organizationalDomain);
        Objects.requireNonNull(policyPublished);
        Objects.requireNonNull(appliedPolicy);
        Objects.requireNonNull(requestedPolicy);
        Objects.requireNonNull(disposition);
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(spf);
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(detail);
        warnings = List.copyOf(warnings);
        lookups = List.copyOf(lookups);
    }

    /** Which policy tag applied (RFC 7489 6.6.3 p/sp; DMARCbis np for non-existent subdomains). */
    public enum AppliedPolicy {
        P, SP, NP;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** @param domain where the record was found; {@code record} the parsed record */
    public record PolicyPublished(String domain, DmarcRecord record) {
        public PolicyPublished {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(record);
        }
    }

    /** One DKIM signature: d=, s=, its result and whether d= aligns with the Author Domain. */
    public record DkimEvaluation(String domain, String selector, DmarcInput.DkimVerdict result, boolean aligned,
                                 String humanResult) {
    }

    /**
     * The SPF result: the checked domain, scope and result; {@code aligned} is true only for a pass of the identity
     * DMARC uses (MAIL FROM, or HELO for the null sender) whose domain aligns.
     */
    public record SpfEvaluation(String domain, DmarcInput.SpfScope scope, DmarcInput.SpfVerdict result,
                                boolean aligned) {
    }

    /** @param type report keyword; {@code comment} free text */
    public record Reason(OverrideReason type, String comment) {
    }

    /** "pass"/"fail" for the report's policy_evaluated/dkim. */
    public String dkimAlignmentKeyword() {
        return dkimAligned ? "pass" : "fail";
    }

    /** "pass"/"fail" for the report's policy_evaluated/spf. */
    public String spfAlignmentKeyword() {
        return spfAligned ? "pass" : "fail";
    }
}
