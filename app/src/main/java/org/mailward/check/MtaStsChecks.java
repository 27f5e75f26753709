package org.mailward.check;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailward.check.probe.PolicyFetcher;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.records.MtaStsPolicy;
import org.mailward.records.MtaStsRecord;

/**
 * CHECKS.md section 10 (MTA-STS, RFC 8461). Runs after TLS, CERT and TLSRPT so MTASTS-ENFORCE-WILL-FAIL can
 * cross-check their findings. The {@code [HIST]} part (policy changed without a new id) needs scan history and is
 * not implemented.
 */
public final class MtaStsChecks implements AreaCheck {

    private static final Set<String> WILL_FAIL = Set.of("TLS-NO-STARTTLS", "TLS-NO-TLS12", "CERT-UNTRUSTED", "CERT-NAME-MISMATCH", "CERT-EXPIRED");

    @Override
    public Area area() {
        return Area.MTASTS;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        String d = ev.domain();
        String name = "_mta-sts." + d;
        if (ev.hasNullMx()) {
            return out;
        }
        MtaStsState st = ev.mtaSts();
        DnsAnswer txt = st.txt();
        List<Evidence> tEv = List.of(ev.evidence(name, RecordType.TXT));
        if (txt.status().isError()) {
            return out;
        }
        if (st.candidates().isEmpty()) {
            List<String> near = txt.texts().stream().filter(t -> t.toLowerCase(Locale.ROOT).contains("v=stsv1")).toList();
            if (!near.isEmpty()) {
                out.add(Finding.of(Rule.MTASTS_RECORD_SYNTAX, name).summary("MTA-STS record at " + name + " does not begin with v=STSv1")
                        .detail(clip(near.get(0))).why("Senders ignore it: the domain has no MTA-STS.")
                        .record(name + ". IN TXT \"v=STSv1; id=" + idNow(ev) + "\"").evidence(tEv).build());
            } else {
                out.add(Finding.of(Rule.MTASTS_NO_RECORD, name).summary("No MTA-STS record at " + name)
                        .why("TLS to this domain can be downgraded or stripped by an attacker.").evidence(tEv).build());
            }
            return out;
        }
        if (st.candidates().size() > 1) {
            out.add(Finding.of(Rule.MTASTS_MULTIPLE_RECORDS, name).summary(st.candidates().size() + " MTA-STS records at " + name)
                    .detail(st.candidates().stream().map(MtaStsChecks::clip).toList().toString())
                    .why("RFC 8461 3.1: senders then treat the domain as having no MTA-STS.").evidence(tEv).build());
        }
        st.record().filter(r -> !r.valid()).ifPresent(r -> out.add(Finding.of(Rule.MTASTS_RECORD_SYNTAX, name)
                .summary("MTA-STS record at " + name + " is malformed").detail(String.join("; ", r.errors()))
                .why("Senders ignore an invalid record.").record(name + ". IN TXT \"v=STSv1; id=" + idNow(ev) + "\"").evidence(tEv).build()));
        String host = "mta-sts." + d;
        Optional<DnsAnswer> addr = st.hostAddress();
        if (addr.isPresent() && addr.get().status().isError()) {
            return out;
        }
        if (addr.isEmpty() || !addr.get().hasRecords()) {
            out.add(Finding.of(Rule.MTASTS_POLICY_UNREACHABLE, host).summary("Policy host " + host + " does not resolve")
                    .why("Senders cannot fetch the policy, so it is not applied (a cached enforce policy may still block mail).")
                    .evidence(List.of(ev.evidence(host, RecordType.A))).build());
            return out;
        }
        PolicyFetcher.Result fetched = st.fetch().orElseThrow();
        Instant now = ev.config().clock().instant();
        if (fetched instanceof PolicyFetcher.Failed f) {
            out.add(Finding.of(Rule.MTASTS_POLICY_UNREACHABLE, host).summary("MTA-STS policy could not be fetched from " + f.url())
                    .detail(f.reason()).why("Senders cannot apply a policy they cannot fetch.")
                    .evidence(List.of(new Evidence("GET " + f.url(), f.timedOut() ? "TIMEOUT" : "FAILED", List.of(f.reason()), f.url(), now))).build());
            return out;
        }
        PolicyFetcher.Response r = (PolicyFetcher.Response) fetched;
        List<Evidence> hEv = List.of(new Evidence("GET " + r.url(), String.valueOf(r.status()),
                List.of("content-type: " + r.header("content-type").orElse("(none)"), "bytes: " + r.body().length + (r.oversized() ? "+" : ""),
                        clip(r.text())), r.url(), now));
        List<String> certProblems = new ArrayList<>(CertChains.outOfValidity(r.chain(), now));
        CertChains.untrusted(r.chain(), ev.config().trustAnchors()).ifPresent(certProblems::add);
        if (!r.chain().isEmpty() && !CertChains.matchesName(r.chain().get(0), host)) {
            certProblems.add("certificate names " + CertChains.names(r.chain().get(0)) + " do not cover " + host);
        }
        if (!certProblems.isEmpty()) {
            out.add(Finding.of(Rule.MTASTS_POLICY_CERT, host).summary("HTTPS certificate of " + host + " is not valid for it")
                    .detail(String.join("; ", certProblems)).why("RFC 8461 3.3: senders must validate it, so they ignore the policy.").evidence(hEv).build());
        }
        if (r.status() != 200) {
            out.add(Finding.of(Rule.MTASTS_POLICY_HTTP, host)
                    .summary("Policy URL answered HTTP " + r.status() + (r.status() / 100 == 3 ? " (redirect: senders must not follow it)" : ""))
                    .detail(r.header("location").map(l -> "Location: " + l).orElse(""))
                    .why("Only a direct 200 response is a policy.").evidence(hEv).build());
            return out;
        }
        String type = r.header("content-type").orElse("").split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("text/plain")) {
            out.add(Finding.of(Rule.MTASTS_POLICY_MEDIA_TYPE, host).summary("Policy served as '" + (type.isEmpty() ? "(no type)" : type) + "', not text/plain")
                    .why("RFC 8461 3.3: senders SHOULD check the media type and may ignore the policy.").evidence(hEv).build());
        }
        if (r.oversized()) {
            out.add(Finding.of(Rule.MTASTS_POLICY_SYNTAX, host).summary("Policy is larger than " + ev.config().policyMaxBytes() + " bytes")
                    .why("Senders cap the size they read; an oversized policy is not applied.").evidence(hEv).build());
            return out;
        }
        MtaStsPolicy policy = st.policy().orElseThrow();
        if (!policy.valid()) {
            out.add(Finding.of(Rule.MTASTS_POLICY_SYNTAX, host).summary("MTA-STS policy is invalid")
                    .detail(String.join("; ", policy.errors())).why("Senders ignore an invalid policy.")
                    .record(suggestedPolicy(ev)).evidence(hEv).build());
        } else if (!policy.warnings().isEmpty()) {
            out.add(Finding.of(Rule.MTASTS_POLICY_SYNTAX, host).severity(Severity.WARN).summary("MTA-STS policy has cosmetic problems")
                    .detail(String.join("; ", policy.warnings())).why("Some senders are known to stumble on them.").evidence(hEv).build());
        }
        String mode = policy.mode().orElse("");
        boolean active = mode.equals("enforce") || mode.equals("testing");
        if (active && policy.mx().isEmpty()) {
            out.add(Finding.of(Rule.MTASTS_NO_MX_PATTERN, host).summary("Policy in mode " + mode + " lists no mx patterns")
                    .why("No MX can match: enforcing senders deliver nowhere.").record(suggestedPolicy(ev)).evidence(hEv).build());
        }
        List<String> validPatterns = new ArrayList<>();
        for (String pat : policy.mx()) {
            Optional<String> problem = MtaStsPolicy.patternProblem(pat);
            if (problem.isPresent()) {
                out.add(Finding.of(Rule.MTASTS_MX_PATTERN_INVALID, host).summary("Policy mx pattern '" + clip(pat) + "' is invalid")
                        .detail(problem.get()).why("An invalid pattern matches no MX.").evidence(hEv).build());
            } else {
                validPatterns.add(pat);
            }
        }
        if (active && !policy.mx().isEmpty()) {
            for (MailHost h : ev.hosts()) {
                if (validPatterns.stream().noneMatch(pt -> MtaStsPolicy.matches(pt, h.name()))) {
                    out.add(Finding.of(Rule.MTASTS_MX_NOT_COVERED, h.name()).severity(mode.equals("enforce") ? Severity.ERROR : Severity.WARN)
                            .summary("MX " + h.name() + " matches no mx pattern of the MTA-STS policy")
                            .detail("patterns: " + policy.mx())
                            .why("Senders applying the policy will not deliver to this MX.").fix("Add 'mx: " + h.name() + "' to the policy and change the id.")
                            .record(suggestedPolicy(ev)).evidence(hEv).build());
                }
            }
            for (String pt : validPatterns) {
                if (ev.hosts().stream().noneMatch(h -> MtaStsPolicy.matches(pt, h.name()))) {
                    out.add(Finding.of(Rule.MTASTS_MX_NOT_COVERED, host).severity(Severity.INFO)
                            .summary("Policy pattern '" + pt + "' matches no current MX (stale)").why("Stale patterns widen the policy for nothing.").build());
                }
            }
        }
        if (mode.equals("testing") || mode.equals("none")) {
            out.add(Finding.of(Rule.MTASTS_NOT_ENFORCED, host).summary("MTA-STS policy mode is " + mode)
                    .why("Senders report but still deliver over downgraded connections.").fix("Move to enforce once TLS-RPT shows no failures.").build());
        }
        long maxAge = policy.maxAge().orElse(Long.MAX_VALUE);
        if (mode.equals("enforce") && maxAge < 1_209_600 || mode.equals("testing") && maxAge < 86_400) {
            out.add(Finding.of(Rule.MTASTS_MAXAGE_SHORT, host).summary("max_age " + maxAge + " is short for mode " + mode)
                    .why("A short max_age lets an attacker wait out the cached policy.").fix("Use max_age: 1209600 (14 days) or more.").build());
        }
        if (active) {
            List<String> failing = earlier.stream().filter(f -> WILL_FAIL.contains(f.id()) && f.severity() != Severity.INCONCLUSIVE
                    && f.severity() != Severity.INFO).map(f -> f.id() + " " + f.subject()).distinct().toList();
            if (!failing.isEmpty()) {
                out.add(Finding.of(Rule.MTASTS_ENFORCE_WILL_FAIL, d).severity(mode.equals("enforce") ? Severity.ERROR : Severity.WARN)
                        .summary("MTA-STS " + mode + " but MX hosts fail TLS or certificate checks: " + failing)
                        .why("Senders applying the policy will not deliver to those hosts.").build());
            }
        }
        if (earlier.stream().anyMatch(f -> f.id().equals("TLSRPT-NO-RECORD"))) {
            out.add(Finding.of(Rule.MTASTS_ENFORCE_WILL_FAIL, d).severity(Severity.WARN)
                    .summary("MTA-STS is published without TLS-RPT: failures will go unseen")
                    .why("Without TLS-RPT no sender tells you when the policy blocks mail.").fix("Publish _smtp._tls TXT v=TLSRPTv1; rua=mailto:...").build());
        }
        return out;
    }

    private static String suggestedPolicy(DomainEvidence ev) {
        StringBuilder sb = new StringBuilder("version: STSv1\r\nmode: enforce\r\n");
        for (MailHost h : ev.hosts()) {
            sb.append("mx: ").append(h.name()).append("\r\n");
        }
        return sb.append("max_age: 1209600\r\n").toString();
    }

    private static String idNow(DomainEvidence ev) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(java.time.ZoneOffset.UTC).format(ev.config().clock().instant());
    }

    static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
    }
}
