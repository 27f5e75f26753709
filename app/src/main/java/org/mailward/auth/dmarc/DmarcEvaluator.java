package org.mailward.auth.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.Resolver;

/**
 * Evaluates DMARC for one message: Author Domain → policy discovery → identifier alignment → the policy that
 * applies → sampling / test mode → overrides (RFC 7489 6.6; DMARCbis). Safe for concurrent use (each call builds
 * its own {@link PolicyDiscovery}); the {@link RandomGenerator} must then be thread-safe too (in production
 * {@code ThreadLocalRandom.current()} or a {@code java.util.Random}; in tests a seeded {@code SplittableRandom} per
 * evaluator).
 *
 * <p>Sampling: a failing message whose policy is not none is subject to the policy when
 * {@code random.nextInt(100) < pct} (RFC 7489 6.6.4); otherwise the next less strict policy applies and the reason
 * is {@code sampled_out}. The generator is only asked when 0 &lt; pct &lt; 100, so tests with a seeded or fixed
 * generator are repeatable.
 */
public final class DmarcEvaluator {

    private final Resolver resolver;
    private final PublicSuffixList psl;
    private final DmarcOptions options;
    private final RandomGenerator random;

    public DmarcEvaluator(Resolver resolver, PublicSuffixList psl, DmarcOptions options, RandomGenerator random) {
        this.resolver = Objects.requireNonNull(resolver);
        this.psl = Objects.requireNonNull(psl);
        this.options = Objects.requireNonNull(options);
        this.random = Objects.requireNonNull(random);
    }

    public DmarcOptions options() {
        return options;
    }

    public DmarcResult evaluate(DmarcInput input) {
        PolicyDiscovery discovery = new PolicyDiscovery(resolver, psl, options);
        String envelopeFrom = domainOfAddress(input.mailFrom()).orElse("");

        // RFC 7489 6.6.1: exactly one From field, one Author Domain.
        AuthorDomain.Outcome author = AuthorDomain.of(input.fromFields());
        if (author instanceof AuthorDomain.Outcome.Problem p) {
            return new DmarcResult(DmarcVerdict.PERMERROR, "", envelopeFrom, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Policy.NONE, false, false, dkimUnaligned(input), spfUnaligned(input),
                    List.of(), false, p.reason(), List.of(), discovery.lookups());
        }
        String from = ((AuthorDomain.Outcome.Found) author).domain();

        // RFC 7489 6.6.3 / RFC 9989 4.10.1: find the policy record.
        PolicyDiscovery.Discovery found = discovery.discover(from);
        if (found instanceof PolicyDiscovery.Discovery.NoPolicy np) {
            return new DmarcResult(DmarcVerdict.NONE, from, envelopeFrom, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Policy.NONE, false, false, dkimUnaligned(input), spfUnaligned(input),
                    List.of(), false, np.reason(), List.of(), discovery.lookups());
        }
        if (found instanceof PolicyDiscovery.Discovery.TempError te) {
            return new DmarcResult(DmarcVerdict.TEMPERROR, from, envelopeFrom, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Policy.NONE, false, false, dkimUnaligned(input), spfUnaligned(input),
                    List.of(), false, "DNS error during policy discovery: " + te.detail(), List.of(), discovery.lookups());
        }
        PolicyDiscovery.Discovery.Found policy = (PolicyDiscovery.Discovery.Found) found;
        DmarcRecord record = policy.record();
        List<String> dnsErrors = new ArrayList<>();

        PolicyDiscovery.OrgDomain fromOrg = discovery.organizationalDomain(from);

        // RFC 7489 3.1.1: DKIM alignment, every passing signature; any aligned one is enough.
        List<DmarcResult.DkimEvaluation> dkim = new ArrayList<>();
        boolean dkimAligned = false;
        for (DmarcInput.Dkim sig : input.dkim()) {
            boolean aligned = false;
            if (sig.result() == DmarcInput.DkimVerdict.PASS) {
                Optional<String> d = AuthorDomain.domain(sig.domain());
                if (d.isPresent()) {
                    aligned = aligned(d.get(), from, record.dkimAlignment(), discovery, dnsErrors);
                }
            }
            dkimAligned |= aligned;
            dkim.add(new DmarcResult.DkimEvaluation(sig.domain(), sig.selector(), sig.result(), aligned, sig.humanResult()));
        }

        // RFC 7489 3.1.2: SPF alignment, the MAIL FROM identity, or HELO when MAIL FROM is null.
        Optional<DmarcResult.SpfEvaluation> spf = Optional.empty();
        boolean spfAligned = false;
        if (input.spf().isPresent()) {
            DmarcInput.Spf s = input.spf().get();
            boolean usable = s.scope() == DmarcInput.SpfScope.MFROM || input.mailFrom().isEmpty();
            boolean aligned = false;
            if (usable && s.result() == DmarcInput.SpfVerdict.PASS) {
                Optional<String> d = AuthorDomain.domain(s.domain());
                if (d.isPresent()) {
                    aligned = aligned(d.get(), from, record.spfAlignment(), discovery, dnsErrors);
                }
            }
            spfAligned = aligned;
            spf = Optional.of(new DmarcResult.SpfEvaluation(s.domain(), s.scope(), s.result(), aligned));
        }

        DmarcVerdict verdict;
        if (dkimAligned || spfAligned) {
            verdict = DmarcVerdict.PASS;
        } else if (!dnsErrors.isEmpty()) {
            // An Organizational Domain could not be found and nothing else aligned: the result may change on retry.
            verdict = DmarcVerdict.TEMPERROR;
        } else {
            verdict = DmarcVerdict.FAIL;
        }

        // Which policy applies: p at the Author Domain; sp below it; np for a non-existent subdomain (DMARCbis).
        DmarcResult.AppliedPolicy applied;
        Policy requested;
        if (policy.domain().equals(from)) {
            applied = DmarcResult.AppliedPolicy.P;
            requested = record.policy();
        } else if (record.nonexistentPolicy().isPresent() && verdict == DmarcVerdict.FAIL && !discovery.exists(from)) {
            applied = DmarcResult.AppliedPolicy.NP;
            requested = record.nonexistentPolicy().get();
        } else if (record.subdomainPolicy().isPresent()) {
            applied = DmarcResult.AppliedPolicy.SP;
            requested = record.subdomainPolicy().get();
        } else {
            applied = DmarcResult.AppliedPolicy.P;
            requested = record.policy();
        }

        List<DmarcResult.Reason> reasons = new ArrayList<>();
        Policy disposition = Policy.NONE;
        boolean arcOverride = false;
        StringBuilder detail = new StringBuilder();
        if (verdict == DmarcVerdict.PASS) {
            detail.append(dkimAligned ? "aligned DKIM pass" : "aligned SPF pass");
            if (dkimAligned && spfAligned) {
                detail.append(" and aligned SPF pass");
            }
        } else if (verdict == DmarcVerdict.TEMPERROR) {
            detail.append("no aligned pass; Organizational Domain lookup failed: ").append(String.join("; ", dnsErrors));
        } else {
            detail.append("no aligned DKIM or SPF pass; ").append(applied.keyword()).append('=').append(requested.keyword())
                    .append(" at ").append(policy.domain());
            disposition = requested;
            if (disposition != Policy.NONE) {
                disposition = sampleOrTest(record, disposition, reasons);
            }
            // Trusted ARC chain (RFC 8617 7.2.1 lets a receiver use a passing chain to override).
            if (disposition != Policy.NONE && input.arc().isPresent()) {
                DmarcInput.Arc arc = input.arc().get();
                if (arc.chain() == DmarcInput.ArcChain.PASS && !arc.sealerDomains().isEmpty()) {
                    String newest = arc.sealerDomains().get(arc.sealerDomains().size() - 1).toLowerCase(java.util.Locale.ROOT);
                    if (options.trustedArcSealers().contains(newest)) {
                        disposition = Policy.NONE;
                        arcOverride = true;
                        reasons.add(new DmarcResult.Reason(OverrideReason.LOCAL_POLICY,
                                "arc=pass as[" + arc.sealerDomains().size() + "].d=" + newest + " (trusted ARC sealer)"));
                    }
                }
            }
            if (input.localOverride().isPresent()) {
                DmarcInput.LocalOverride lo = input.localOverride().get();
                disposition = lo.disposition();
                reasons.add(new DmarcResult.Reason(lo.reason(), lo.comment()));
            }
        }
        return new DmarcResult(verdict, from, envelopeFrom, Optional.of(fromOrg.domain()),
                Optional.of(new DmarcResult.PolicyPublished(policy.domain(), record)), Optional.of(applied),
                Optional.of(requested), disposition, dkimAligned, spfAligned, dkim, spf, reasons, arcOverride,
                detail.toString(), policy.warnings(), discovery.lookups());
    }

    /** RFC 7489 6.6.4 pct sampling; DMARCbis t=y test mode (pct is honoured in DMARCbis mode only when t is absent). */
    private Policy sampleOrTest(DmarcRecord record, Policy disposition, List<DmarcResult.Reason> reasons) {
        if (options.discovery() == DiscoveryMode.DMARCBIS && record.declaredTesting().isPresent()) {
            if (record.testing()) {
                reasons.add(new DmarcResult.Reason(OverrideReason.POLICY_TEST_MODE, "t=y"));
                return disposition.lessStrict();
            }
            return disposition;
        }
        int pct = record.percent();
        boolean applied = pct >= 100 || (pct > 0 && random.nextInt(100) < pct);
        if (!applied) {
            reasons.add(new DmarcResult.Reason(OverrideReason.SAMPLED_OUT, "pct=" + pct));
            return disposition.lessStrict();
        }
        return disposition;
    }

    private static boolean aligned(String domain, String from, Alignment mode, PolicyDiscovery discovery,
                                   List<String> dnsErrors) {
        IdentifierAlignment.Check c = IdentifierAlignment.check(domain, from, mode, discovery);
        c.error().filter(e -> !dnsErrors.contains(e)).ifPresent(dnsErrors::add);
        return c.aligned();
    }

    private static List<DmarcResult.DkimEvaluation> dkimUnaligned(DmarcInput input) {
        return input.dkim().stream()
                .map(d -> new DmarcResult.DkimEvaluation(d.domain(), d.selector(), d.result(), false, d.humanResult()))
                .toList();
    }

    private static Optional<DmarcResult.SpfEvaluation> spfUnaligned(DmarcInput input) {
        return input.spf().map(s -> new DmarcResult.SpfEvaluation(s.domain(), s.scope(), s.result(), false));
    }

    /** The domain of an RFC 5321 path ("user@example.com", "<user@example.com>"); empty for the null path. */
    static Optional<String> domainOfAddress(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        int at = a.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        return AuthorDomain.domain(a.substring(at + 1));
    }
}
