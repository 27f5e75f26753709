package org.mailward.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.DmarcRecordParse;
import org.mailward.auth.dmarc.DmarcRecordParser;
import org.mailward.auth.dmarc.Policy;
import org.mailward.auth.dmarc.PolicyDiscovery;
import org.mailward.auth.dmarc.ReportUri;
import org.mailward.records.DmarcRecordText;
import org.mailward.records.DmarcRollout;
import org.mailward.records.ZoneText;
import org.mailward.dns.RecordType;

/**
 * CHECKS.md section 2 (DMARC, RFC 7489 / RFC 9989 / RFC 9091). Records are parsed and discovered with
 * {@code org.mailward.auth.dmarc} (through {@link DmarcState}); this class only turns that into findings. Rules
 * about the record's text (syntax, tags, URIs, length) look at the record published at the domain itself; rules
 * about the policy look at the record that applies (own or inherited, DMARC-INHERITED). Wherever a record is wrong,
 * the finding's {@code record} is the corrected record as a master-file line.
 */
public final class DmarcChecks implements AreaCheck {

    /** Tags of RFC 7489, RFC 9091 and RFC 9989 (CHECKS.md DMARC-UNKNOWN-TAG). */
    static final Set<String> KNOWN_TAGS = Set.of("v", "p", "sp", "np", "psd", "t", "adkim", "aspf", "fo", "rua", "ruf", "pct", "rf", "ri");

    // "rua:mailto:..." — a known tag name followed by ':' instead of '=' (the setting is silently lost).
    private static final Pattern COLON_TYPO = Pattern.compile("(?i)^(" + String.join("|", KNOWN_TAGS) + ")\\s*:.*");

    @Override
    public Area area() {
        return Area.DMARC;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        DmarcState st = ev.dmarc();
        String d = ev.domain();
        String name = st.name();
        if (st.answer().status().isError()) {
            return out; // GEN-DNS-INCONCLUSIVE names the lookup
        }
        List<Evidence> tEv = List.of(ev.evidence(name, RecordType.TXT));
        boolean uk = ev.profile() == CheckConfig.Profile.UK;
        boolean explained = false;
        List<DmarcState.Candidate> cands = st.candidates();
        if (cands.size() > 1) {
            DmarcRecordText keep = strictest(cands).map(DmarcRecordText::from).orElse(startRecord(ev));
            out.add(Finding.of(Rule.DMARC_MULTIPLE_RECORDS, name).summary(cands.size() + " DMARC records at " + name)
                    .detail(cands.stream().map(c -> MtaStsChecks.clip(c.text())).toList().toString())
                    .why("RFC 7489 6.6.3: with more than one record receivers apply no DMARC at all.")
                    .fix("Delete all but one; keep the strictest (shown).").record(line(name, keep)).evidence(tEv).build());
            return out;
        }
        if (cands.isEmpty()) {
            if (!st.nearMisses().isEmpty()) {
                String t = st.nearMisses().get(0);
                out.add(Finding.of(Rule.DMARC_NOT_V_FIRST, name).summary("The TXT record at " + name + " is meant as DMARC but does not begin with v=DMARC1")
                        .detail(MtaStsChecks.clip(t))
                        .why("RFC 7489 6.3: v=DMARC1 must be the first tag, exactly in that case; receivers discard this record, so the domain has no DMARC.")
                        .record(line(name, repairVersion(t).orElse(startRecord(ev)))).evidence(tEv).build());
                explained = true;
            } else if (!st.unrelated().isEmpty()) {
                out.add(Finding.of(Rule.DMARC_WRONG_RECORD_AT_NAME, name).summary(name + " answers a TXT record that is not DMARC")
                        .detail(MtaStsChecks.clip(st.unrelated().get(0)))
                        .why("Often a wildcard TXT (*." + d + ") or a provider default answering for _dmarc: receivers find no DMARC record.")
                        .record(line(name, startRecord(ev))).evidence(tEv).build());
                explained = true;
            }
        } else {
            DmarcState.Candidate c = cands.get(0);
            if (!c.text().isEmpty() && Character.isWhitespace(c.text().charAt(0))) {
                out.add(Finding.of(Rule.DMARC_NOT_V_FIRST, name).summary("The DMARC record at " + name + " starts with white space")
                        .detail("'" + MtaStsChecks.clip(c.text()) + "'")
                        .why("Receivers that match the record start exactly (RFC 7489 6.6.3: records that do not begin with v=DMARC1 are discarded) ignore it; Mailward's own evaluator tolerates it.")
                        .record(line(name, c.parse() instanceof DmarcRecordParse.Valid v ? DmarcRecordText.from(v.record()) : startRecord(ev)))
                        .evidence(tEv).build());
            }
            switch (c.parse()) {
                case DmarcRecordParse.Invalid i -> invalid(ev, st, c.text(), i, uk, tEv, out);
                case DmarcRecordParse.Valid v -> ownRecord(ev, st, c.text(), v, uk, tEv, out);
                case DmarcRecordParse.NotDmarc n -> {
                }
            }
        }
        Optional<DmarcState.Applied> applied = st.applied();
        if (applied.isEmpty()) {
            if (cands.isEmpty() && !explained && !(st.discovery() instanceof PolicyDiscovery.Discovery.TempError)) {
                String how = st.discovery() instanceof PolicyDiscovery.Discovery.NoPolicy np ? np.reason() : "";
                out.add(Finding.of(Rule.DMARC_NO_RECORD, name).summary("No DMARC record for " + d)
                        .detail(how).why("Without DMARC anyone can send mail as " + d + " and receivers have no policy or reporting address.")
                        .record(line(name, startRecord(ev))).evidence(tEv).build());
            }
        } else {
            policyRules(ev, st, applied.get(), uk, out);
        }
        diverges(ev, st).ifPresent(out::add);
        return out;
    }

    // ------------------------------------------------------------------ the record at the domain itself

    private void invalid(DomainEvidence ev, DmarcState st, String text, DmarcRecordParse.Invalid i, boolean uk, List<Evidence> tEv,
                         List<Finding> out) {
        String name = st.name();
        switch (i.kind()) {
            case DUPLICATE_TAG -> {
                Optional<DmarcRecordText> fixed = dropDuplicates(text);
                out.add(Finding.of(Rule.DMARC_DUPLICATE_TAG, name).summary("Tag '" + i.tag() + "' appears more than once in the DMARC record")
                        .detail(i.error() + " at character " + i.position())
                        .why("RFC 7489 6.3 / RFC 6376 3.2: a duplicated tag makes the whole record invalid: receivers apply no DMARC.")
                        .record(line(name, fixed.orElse(startRecord(ev)))).evidence(tEv).build());
            }
            case MISSING_POLICY -> {
                out.add(Finding.of(Rule.DMARC_NO_POLICY_TAG, name).severity(uk ? Severity.ERROR : Severity.WARN)
                        .summary("The DMARC record has no p tag (and no valid rua), so it is unusable")
                        .detail(i.error()).why("RFC 7489 6.6.3: without p and without a valid rua the record is ignored.")
                        .record(line(name, startRecord(ev))).evidence(tEv).build());
                out.add(noRua(ev, name, uk, startRecord(ev), tEv));
            }
            case INVALID_POLICY -> {
                out.add(Finding.of(Rule.DMARC_SYNTAX, name).summary("Invalid " + i.tag() + " value: the DMARC record is unusable")
                        .detail(i.error() + " (character " + i.position() + ")")
                        .why("RFC 7489 6.6.3: an invalid policy with no valid rua makes receivers ignore the record.")
                        .record(line(name, startRecord(ev))).evidence(tEv).build());
                out.add(noRua(ev, name, uk, startRecord(ev), tEv));
            }
            case TOO_LONG -> {
                out.add(Finding.of(Rule.DMARC_SYNTAX, name).summary("The DMARC record is too long to be a DMARC record")
                        .detail(i.error()).why("Receivers will not use it.").record(line(name, startRecord(ev))).evidence(tEv).build());
                out.add(Finding.of(Rule.DMARC_RECORD_LONG, name).summary("DMARC record of " + text.length() + " characters")
                        .why("Answers over 512 bytes need TCP or EDNS; UDP-only resolvers lose them.").evidence(tEv).build());
            }
        }
    }

    private void ownRecord(DomainEvidence ev, DmarcState st, String text, DmarcRecordParse.Valid v, boolean uk, List<Evidence> tEv,
                           List<Finding> out) {
        String d = ev.domain();
        String name = st.name();
        DmarcRecord r = v.record();
        DmarcRecordText fixed = DmarcRecordText.from(r);
        List<String> syntax = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> badUris = new ArrayList<>();
        boolean missingP = false;
        for (DmarcRecordParse.Issue is : v.issues()) {
            switch (is.kind()) {
                case NOT_TAG_VALUE -> (COLON_TYPO.matcher(is.tag()).matches() ? unknown : syntax).add(is.message());
                case BAD_TAG_NAME, INVALID_VALUE -> syntax.add(is.message());
                case UNKNOWN_TAG -> unknown.add(is.message());
                case INVALID_URI -> badUris.add(is.message());
                case MISSING_POLICY -> missingP = true;
            }
        }
        if (!syntax.isEmpty()) {
            out.add(Finding.of(Rule.DMARC_SYNTAX, name).summary("DMARC record has " + syntax.size() + " invalid tag" + (syntax.size() > 1 ? "s" : ""))
                    .detail(String.join("; ", syntax))
                    .why("Receivers ignore invalid values and use the defaults, so the intended setting is lost.")
                    .record(line(name, fixed)).evidence(tEv).build());
        }
        if (!unknown.isEmpty()) {
            out.add(Finding.of(Rule.DMARC_UNKNOWN_TAG, name).summary("DMARC record has tags receivers do not know")
                    .detail(String.join("; ", unknown))
                    .why("RFC 9989: unknown tags are ignored; usually a typo (rua:, sp:) that silently loses the intended setting.")
                    .record(line(name, fixed)).evidence(tEv).build());
        }
        if (missingP) {
            out.add(Finding.of(Rule.DMARC_NO_POLICY_TAG, name).severity(uk ? Severity.ERROR : Severity.WARN)
                    .summary("The DMARC record has no p tag: it is read as p=none")
                    .why("RFC 7489 6.6.3: without p a record with a valid rua is treated as p=none; RFC 9989 treats it as p=none too.")
                    .record(line(name, fixed.withPolicy(Policy.NONE))).evidence(tEv).build());
        }
        List<String> tags = v.tagNames();
        if (tags.contains("p") && tags.size() > 1 && !tags.get(1).equals("p")) {
            out.add(Finding.of(Rule.DMARC_P_NOT_SECOND, name).summary("p is not the tag right after v")
                    .detail("tag order: " + tags).why("RFC 9989 allows any order, but some RFC 7489-era parsers expect p second.")
                    .record(line(name, fixed)).evidence(tEv).build());
        }
        if (text.length() > 450) {
            Finding.Builder b = Finding.of(Rule.DMARC_RECORD_LONG, name).summary("DMARC record of " + text.length() + " characters (over 450)")
                    .why("The DNS answer may exceed 512 bytes; fragile with UDP-only resolvers.").evidence(tEv);
            // Fewer URIs: the shortest record that keeps one aggregate destination, when that fits.
            for (int n = 2; n >= 1; n--) {
                DmarcRecordText shorter = fixed.withRua(fixed.rua().stream().limit(n).toList()).withRuf(fixed.ruf().stream().limit(n - 1).toList());
                if (shorter.text().length() <= 450) {
                    b.record(line(name, shorter));
                    break;
                }
            }
            out.add(b.build());
        }
        // URIs (RFC 7489 6.2, 6.4).
        List<String> warnUris = new ArrayList<>();
        for (ReportUri u : concat(r.aggregateUris(), r.failureUris())) {
            if (!u.scheme().equals("mailto")) {
                warnUris.add(u.uri() + " is not mailto: (only mailto is interoperable)");
            }
            if (u.maxBytes().isPresent()) {
                warnUris.add(u + " has the obsolete !size suffix (RFC 9989 reporters ignore it, older ones truncate reports)");
            }
        }
        if (!badUris.isEmpty() || !warnUris.isEmpty()) {
            List<String> cleanRua = r.aggregateUris().stream().filter(u -> u.scheme().equals("mailto")).map(ReportUri::uri).toList();
            List<String> cleanRuf = r.failureUris().stream().filter(u -> u.scheme().equals("mailto")).map(ReportUri::uri).toList();
            List<String> all = new ArrayList<>(badUris);
            all.addAll(warnUris);
            out.add(Finding.of(Rule.DMARC_URI_INVALID, name).severity(badUris.isEmpty() ? Severity.WARN : Severity.ERROR)
                    .summary(badUris.isEmpty() ? "DMARC report URIs that are not plain mailto:" : "DMARC report URIs that do not parse")
                    .detail(String.join("; ", all)).why("Reports for an unusable destination are lost or truncated.")
                    .record(line(name, fixed.withRua(cleanRua.isEmpty() ? List.of("mailto:dmarc@" + d) : cleanRua).withRuf(cleanRuf)))
                    .evidence(tEv).build());
        }
        for (String tag : List.of("rua", "ruf")) {
            List<ReportUri> us = tag.equals("rua") ? r.aggregateUris() : r.failureUris();
            Set<String> seen = new HashSet<>();
            List<String> dups = us.stream().map(u -> u.uri().toLowerCase(Locale.ROOT)).filter(u -> !seen.add(u)).toList();
            if (us.size() > 2 || !dups.isEmpty()) {
                List<String> kept = new ArrayList<>(new LinkedHashSet<>(us.stream().map(ReportUri::toString).toList())).stream().limit(2).toList();
                out.add(Finding.of(Rule.DMARC_URI_COUNT, name)
                        .summary(!dups.isEmpty() ? "Duplicate " + tag + " URIs " + dups : us.size() + " " + tag + " URIs (receivers need support only two)")
                        .why("RFC 7489 6.2: receivers need deliver to two destinations only; extras may get nothing.")
                        .record(line(name, tag.equals("rua") ? fixed.withRua(kept) : fixed.withRuf(kept))).evidence(tEv).build());
            }
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (ReportUri u : concat(r.aggregateUris(), r.failureUris())) {
            mailtoHost(u.uri()).ifPresent(hosts::add);
        }
        for (String h : hosts.stream().limit(5).toList()) {
            TlsRptChecks.undeliverable(ev, "mailto:x@" + h, h).ifPresent(reason -> out.add(Finding.of(Rule.DMARC_REPORT_DOMAIN_NO_MX, name)
                    .summary("DMARC reports to " + h + " cannot be delivered").detail(reason)
                    .why("Report senders find no mail server for the destination: every report is lost.")
                    .evidence(List.of(ev.evidence(h, RecordType.MX))).build()));
        }
        if (tags.contains("pct") || tags.contains("rf") || tags.contains("ri")) {
            List<String> removed = tags.stream().filter(t -> t.equals("pct") || t.equals("rf") || t.equals("ri")).toList();
            boolean pct0 = r.declaredPercent().filter(p -> p == 0).isPresent();
            out.add(Finding.of(Rule.DMARC_REMOVED_TAGS, name).summary("DMARC record uses tags removed by RFC 9989: " + removed)
                    .detail(pct0 ? "pct=0: RFC 7489 receivers apply one policy step less, RFC 9989 receivers apply the policy fully." : "")
                    .why("Updated receivers ignore them; for a test phase RFC 9989 has t=y.")
                    .record(line(name, fixed.withPercent(Optional.empty()))).evidence(tEv).build());
        }
        r.declaredPercent().filter(p -> p != 100).ifPresent(p -> out.add(Finding.of(Rule.DMARC_PCT_PARTIAL, name)
                .summary("pct=" + p + ": RFC 7489 receivers apply the policy to " + p + "% of failing mail")
                .why("RFC 9989 receivers ignore pct and apply the whole policy: behaviour differs between receivers.")
                .record(line(name, fixed.withPercent(Optional.empty()))).evidence(tEv).build()));
        if (r.subdomainPolicy().isPresent()) {
            PolicyDiscovery.OrgDomain org = st.orgDomain(d);
            PolicyDiscovery.OrgDomain other = st.otherOrgDomain(d);
            if (!org.domain().equals(d) || !other.domain().equals(d)) {
                out.add(Finding.of(Rule.DMARC_SP_INEFFECTIVE, name).summary("sp on " + d + " never applies: it is not the Organizational Domain")
                        .detail(st.mode() + ": " + org.domain() + " (" + org.how() + "); other mode: " + other.domain() + " (" + other.how() + ")")
                        .why("RFC 7489 6.3: sp applies only in the Organizational Domain's record.")
                        .record(line(name, fixed.withSubdomain(Optional.empty()))).evidence(tEv).build());
            }
        }
    }

    // ------------------------------------------------------------------ the record that applies

    private void policyRules(DomainEvidence ev, DmarcState st, DmarcState.Applied a, boolean uk, List<Finding> out) {
        String d = ev.domain();
        String name = "_dmarc." + a.domain();
        DmarcRecord r = a.record();
        List<Evidence> aEv = List.of(ev.evidence(name, RecordType.TXT));
        DmarcRecordText fixed = DmarcRecordText.from(r);
        // Corrections of an inherited record are published at the domain itself (an own record).
        String at = st.name();
        if (!a.own()) {
            String tag = r.subdomainPolicy().isPresent() ? "sp" : "p";
            out.add(Finding.of(Rule.DMARC_INHERITED, st.name()).summary("No own DMARC record: the policy comes from " + name + " (" + tag + ")")
                    .detail(MtaStsChecks.clip(r.text()))
                    .why("RFC 7489 6.6.3 / RFC 9989 4.10: the record of a parent domain applies; its " + tag + " tag sets the policy for " + d + ".")
                    .fix("Nothing, or publish an own record if " + d + " needs a different policy.").evidence(aEv).build());
        }
        if (r.testing()) {
            out.add(Finding.of(Rule.DMARC_TEST_MODE, name).summary("t=y: receivers apply one policy step less")
                    .why("RFC 9989: test mode turns reject into quarantine and quarantine into none.")
                    .record(line(at, fixed.withTesting(false))).evidence(aEv).build());
        }
        Policy eff = DmarcState.effectivePolicy(a);
        String effText = eff.keyword() + (r.testing() ? " (t=y)" : "") + (a.own() ? "" : " (inherited)");
        if (eff == Policy.NONE) {
            DmarcRollout next = DmarcRollout.QUARANTINE_10;
            out.add(Finding.of(Rule.DMARC_POLICY_NONE, name).summary("DMARC policy for " + d + " is none: the domain can be spoofed")
                    .detail("effective policy " + effText)
                    .why("p=none only collects reports; receivers deliver spoofed mail as usual.")
                    .record(line(at, next.apply(fixed))).evidence(aEv).build());
        } else if (eff == Policy.QUARANTINE) {
            out.add(Finding.of(Rule.DMARC_POLICY_QUARANTINE, name).summary("DMARC policy for " + d + " is quarantine")
                    .detail("effective policy " + effText)
                    .why("Failing mail goes to spam; reject is the end state once reports show all genuine mail aligned.")
                    .record(line(at, DmarcRollout.REJECT.apply(fixed))).evidence(aEv).build());
        }
        boolean atOrg = a.own() && st.orgDomain(d).domain().equals(d);
        if (atOrg) {
            r.subdomainPolicy().ifPresent(sp -> {
                if (sp == Policy.NONE && r.policy() != Policy.NONE) {
                    out.add(spNone(name, Severity.WARN, "sp=none while p=" + r.policy().keyword() + ": any subdomain can be spoofed", at, fixed, r, aEv));
                } else if (sp.ordinal() < r.policy().ordinal()) {
                    out.add(spNone(name, Severity.INFO, "sp=" + sp.keyword() + " is weaker than p=" + r.policy().keyword(), at, fixed, r, aEv));
                }
            });
        } else if (!a.own() && r.effectiveSubdomainPolicy() == Policy.NONE && r.policy() != Policy.NONE) {
            out.add(spNone(name, Severity.WARN, "The inherited policy for subdomains is sp=none", at, fixed, r, aEv));
        }
        Policy np = r.testing() ? r.effectiveNonexistentPolicy().lessStrict() : r.effectiveNonexistentPolicy();
        if (np != Policy.REJECT) {
            out.add(Finding.of(Rule.DMARC_NP_WEAK, name).summary("Policy for non-existent subdomains is " + np.keyword() + ", not reject")
                    .why("RFC 9091: names that do not exist never send genuine mail; np=reject stops mail from invented subdomains.")
                    .detail(r.testing() ? "t=y lowers np=" + r.effectiveNonexistentPolicy().keyword() + " one step" : "")
                    .record(line(at, fixed.withNonexistent(Optional.of(Policy.REJECT)).withTesting(false))).evidence(aEv).build());
        }
        if (r.aggregateUris().isEmpty()) {
            out.add(noRua(ev, name, uk, fixed.withRua(List.of("mailto:dmarc@" + d)), aEv));
        }
    }

    private static Finding spNone(String name, Severity sev, String summary, String at, DmarcRecordText fixed, DmarcRecord r, List<Evidence> ev) {
        Policy want = r.policy() == Policy.NONE ? Policy.QUARANTINE : r.policy();
        return Finding.of(Rule.DMARC_SP_NONE, name).severity(sev).summary(summary)
                .why("Spoofers move to subdomains when the parent is protected (GOV.UK: \"this is important\").")
                .record(line(at, fixed.withSubdomain(Optional.of(want)))).evidence(ev).build();
    }

    private static Finding noRua(DomainEvidence ev, String name, boolean uk, DmarcRecordText fixed, List<Evidence> tEv) {
        DmarcRecordText f = fixed.rua().isEmpty() ? fixed.withRua(List.of("mailto:dmarc@" + ev.domain())) : fixed;
        return Finding.of(Rule.DMARC_NO_RUA, name).severity(uk ? Severity.ERROR : Severity.WARN)
                .summary("No rua: nobody receives aggregate reports for " + ev.domain())
                .why("Without reports you cannot see who sends as your domain, nor safely move to quarantine/reject.")
                .record(line(name.equals("_dmarc." + ev.domain()) ? name : "_dmarc." + ev.domain(), f)).evidence(tEv).build();
    }

    // ------------------------------------------------------------------ discovery modes

    private static Optional<Finding> diverges(DomainEvidence ev, DmarcState st) {
        String d = ev.domain();
        if (st.discovery() instanceof PolicyDiscovery.Discovery.TempError || st.otherDiscovery() instanceof PolicyDiscovery.Discovery.TempError) {
            return Optional.empty();
        }
        String mine = describe(st.discovery());
        String theirs = describe(st.otherDiscovery());
        boolean anyFound = st.discovery() instanceof PolicyDiscovery.Discovery.Found || st.otherDiscovery() instanceof PolicyDiscovery.Discovery.Found;
        List<String> why = new ArrayList<>();
        if (!mine.equals(theirs)) {
            why.add("policy record: " + st.mode() + " finds " + mine + ", the other mode finds " + theirs);
        }
        if (anyFound) {
            PolicyDiscovery.OrgDomain o1 = st.orgDomain(d);
            PolicyDiscovery.OrgDomain o2 = st.otherOrgDomain(d);
            if (!o1.domain().equals(o2.domain())) {
                why.add("Organizational Domain: " + st.mode() + " " + o1.domain() + " (" + o1.how() + "), other mode " + o2.domain() + " (" + o2.how() + ")");
            }
        }
        if (ev.config().psl().isPublicSuffix(d)) {
            why.add(d + " is itself a public suffix: DMARC behaviour is weakly defined");
        }
        if (why.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Finding.of(Rule.DMARC_DISCOVERY_DIVERGES, st.name()).summary("RFC 7489 and RFC 9989 discovery disagree for " + d)
                .detail(String.join("; ", why))
                .why("Receivers following RFC 7489 (Public Suffix List) and RFC 9989 (DNS tree walk) will apply different policies or alignment.")
                .evidence(List.of(ev.evidence(st.name(), RecordType.TXT))).build());
    }

    private static String describe(PolicyDiscovery.Discovery d) {
        return switch (d) {
            case PolicyDiscovery.Discovery.Found f -> "_dmarc." + f.domain();
            case PolicyDiscovery.Discovery.NoPolicy n -> "no policy";
            case PolicyDiscovery.Discovery.TempError t -> "a DNS error";
        };
    }

    // ------------------------------------------------------------------ helpers (also used by UK and REPORTAUTH)

    /** The master-file line publishing a record at a name. */
    static String line(String name, DmarcRecordText r) {
        return ZoneText.txt(name, r.text());
    }

    /** The record to start with: the GOV.UK first stage under the UK profile, else p=none with the domain's own rua. */
    static DmarcRecordText startRecord(DomainEvidence ev) {
        String d = ev.domain();
        if (ev.profile() == CheckConfig.Profile.UK) {
            return DmarcRollout.NONE.apply(ukBase(ev, List.of()));
        }
        return DmarcRecordText.of(Policy.NONE).withRua(List.of("mailto:dmarc@" + d));
    }

    /** fo=1, central rua (when configured) plus the own dmarc@ mailbox, central ruf (when configured) plus {@code ruf}. */
    static DmarcRecordText ukBase(DomainEvidence ev, List<String> ruf) {
        String d = ev.domain();
        List<String> rua = new ArrayList<>();
        String central = ev.config().ukDmarcCentralRua();
        if (!central.isEmpty()) {
            rua.add(central);
        }
        rua.add("mailto:dmarc@" + d);
        List<String> f = new ArrayList<>();
        if (!central.isEmpty() && !ev.config().ukDmarcCentralRuf().isEmpty()) {
            f.add(ev.config().ukDmarcCentralRuf());
        }
        f.addAll(ruf);
        return DmarcRecordText.of(Policy.NONE).withFailureOptions(List.of("1")).withRua(rua).withRuf(f);
    }

    /** The host of a mailto: URI (lower case), when it has one. */
    static Optional<String> mailtoHost(String uri) {
        if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            return Optional.empty();
        }
        String rest = uri.substring(7);
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        int at = rest.lastIndexOf('@');
        if (at < 0 || at == rest.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(rest.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    private static List<ReportUri> concat(List<ReportUri> a, List<ReportUri> b) {
        List<ReportUri> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Optional<DmarcRecord> strictest(List<DmarcState.Candidate> cands) {
        DmarcRecord best = null;
        for (DmarcState.Candidate c : cands) {
            if (c.parse() instanceof DmarcRecordParse.Valid v && (best == null || v.record().policy().ordinal() > best.policy().ordinal())) {
                best = v.record();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * A near miss with its version tag repaired: leading white space removed, a wrongly cased or misplaced
     * {@code v=DMARC1} tag replaced by one at the front; accepted only when the auth.dmarc parser then reads a valid
     * record.
     */
    static Optional<DmarcRecordText> repairVersion(String text) {
        List<String> kept = new ArrayList<>();
        for (String part : text.split(";")) {
            String p = part.strip();
            if (p.isEmpty() || p.replace(" ", "").toLowerCase(Locale.ROOT).startsWith("v=dmarc")) {
                continue;
            }
            kept.add(p);
        }
        String candidate = "v=DMARC1;" + String.join(";", kept);
        return DmarcRecordParser.parse(candidate) instanceof DmarcRecordParse.Valid v ? Optional.of(DmarcRecordText.from(v.record())) : Optional.empty();
    }

    /** The record with every repeated tag after its first occurrence removed, when the parser then reads it as valid. */
    static Optional<DmarcRecordText> dropDuplicates(String text) {
        Set<String> seen = new HashSet<>();
        List<String> kept = new ArrayList<>();
        for (String part : text.split(";")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            String tag = eq < 0 ? p : p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (p.isEmpty() || !seen.add(tag)) {
                continue;
            }
            kept.add(p);
        }
        return DmarcRecordParser.parse(String.join(";", kept)) instanceof DmarcRecordParse.Valid v
                ? Optional.of(DmarcRecordText.from(v.record())) : Optional.empty();
    }
}
