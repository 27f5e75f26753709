package org.mailward.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mailward.auth.dkim.DkimKeyRecord;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.records.ZoneText;

/**
 * CHECKS.md section 5 (DKIM key records, RFC 6376 3.6.1, RFC 8301, RFC 8463). Key records are parsed with
 * {@code org.mailward.auth.dkim} (the verifier's parser). Selectors: those the user names ({@code --selector},
 * strict: a missing key is DKIM-SELECTOR-NO-KEY) and a built-in probe list of common provider selectors (only keys
 * found are reported, labelled "probed"). A label derived from the domain ({@code mw-probe-<hash>}) detects a
 * wildcard {@code *._domainkey}: probed answers equal to the wildcard's are synthesized and ignored. Absence of
 * DKIM is never concluded from probing alone (DKIM-NO-SELECTOR is a WARN that says so).
 *
 * <p>{@code [REPORTS]}: selectors seen in stored DMARC aggregate reports ({@link ReportedSelectors}) are checked as
 * strictly as configured ones (DKIM-SELECTOR-NO-KEY), make a revoked key an ERROR when seen signing in the last 30
 * days (DKIM-KEY-REVOKED), and a live key that reports have not shown for 30 days is DKIM-UNUSED-SELECTOR. Without
 * report data for the domain these parts are skipped.
 */
public final class DkimChecks implements AreaCheck {

    /** Common provider selectors (CHECKS.md section 5, source 4). */
    public static final List<String> PROBES = List.of("selector1", "selector2", "google", "k1", "k2", "s1", "s2", "default", "dkim", "mail", "smtp");

    @Override
    public Area area() {
        return Area.DKIM;
    }

    /** What one selector name answered. */
    record Selector(String name, boolean configured, DnsAnswer answer, List<String> texts) {
    }

    /** The random-looking label of this domain (stable per domain, so runs are repeatable). */
    static String wildcardProbe(String domain) {
        return "mw-probe-" + Integer.toHexString(domain.hashCode() & 0x7fffffff) + "._domainkey." + domain;
    }

    /** The wildcard DKIM answer of the domain, when {@code *._domainkey} exists. */
    static Optional<String> wildcard(DomainEvidence ev) {
        DnsAnswer a = ev.query(wildcardProbe(ev.domain()), RecordType.TXT);
        return a.texts().stream().filter(DkimChecks::looksLikeDkim).findFirst();
    }

    /** The selectors that answered (configured ones always, probed ones only with a DKIM-looking non-wildcard key). */
    static List<Selector> selectors(DomainEvidence ev) {
        String d = ev.domain();
        Optional<String> wild = wildcard(ev);
        Map<String, Boolean> names = new LinkedHashMap<>();
        ev.config().dkimSelectors().forEach(s -> names.put(s, true));
        reported(ev).keySet().forEach(s -> names.putIfAbsent(s, true));
        if (ev.config().probeDkim()) {
            PROBES.forEach(s -> names.putIfAbsent(s, false));
        }
        List<Selector> out = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : names.entrySet()) {
            String name = e.getKey() + "._domainkey." + d;
            DnsAnswer a = ev.query(name, RecordType.TXT);
            List<String> texts = a.texts().stream().filter(t -> e.getValue() || looksLikeDkim(t)).toList();
            boolean dangling = !a.cnameChain().isEmpty() && a.status() == DnsStatus.NXDOMAIN;
            if (!e.getValue() && !dangling && (texts.isEmpty() || (wild.isPresent() && texts.equals(List.of(wild.get())) && a.cnameChain().isEmpty()))) {
                continue;
            }
            out.add(new Selector(e.getKey(), e.getValue(), a, texts));
        }
        return out;
    }

    /** The days after which a selector absent from reports counts as unused, and a revoked one as retired. */
    static final java.time.Duration REPORT_WINDOW = java.time.Duration.ofDays(30);

    private static final java.util.regex.Pattern SELECTOR = java.util.regex.Pattern.compile("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63}){0,4}");

    /**
     * The report-seen selectors of the domain (lower case; names that are not DNS labels are ignored, and at most 20
     * are used so hostile report data cannot multiply the queries).
     */
    static Map<String, java.time.Instant> reported(DomainEvidence ev) {
        Map<String, java.time.Instant> out = new LinkedHashMap<>();
        ev.config().reportedSelectors().lastSeen(ev.domain()).orElse(Map.of()).forEach((k, v) -> {
            String s = k.trim().toLowerCase(Locale.ROOT);
            if (SELECTOR.matcher(s).matches() && out.size() < 20) {
                out.merge(s, v, (a, b) -> a.isAfter(b) ? a : b);
            }
        });
        return out;
    }

    static boolean looksLikeDkim(String t) {
        String s = t.strip().toLowerCase(Locale.ROOT);
        return s.startsWith("v=dkim1") || s.startsWith("k=") || s.startsWith("p=") || s.contains("; p=") || s.contains(";p=");
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        String d = ev.domain();
        if (ev.query(wildcardProbe(d), RecordType.TXT).status().isError()) {
            return out;
        }
        List<Selector> found = selectors(ev);
        Optional<Map<String, java.time.Instant>> reportData = ev.config().reportedSelectors().lastSeen(d);
        Map<String, java.time.Instant> reported = reported(ev);
        java.time.Instant recent = ev.config().clock().instant().minus(REPORT_WINDOW);
        boolean any = false;
        for (Selector s : found) {
            String name = s.name() + "._domainkey." + d;
            boolean userNamed = ev.config().dkimSelectors().contains(s.name());
            String label = userNamed ? "selector " + s.name() : reported.containsKey(s.name()) ? "report-seen selector " + s.name()
                    : "probed selector " + s.name();
            List<Evidence> sEv = List.of(ev.evidence(name, RecordType.TXT));
            DnsAnswer a = s.answer();
            if (a.status().isError()) {
                continue;
            }
            if (s.texts().isEmpty()) {
                if (!a.cnameChain().isEmpty() && a.status() == DnsStatus.NXDOMAIN) {
                    out.add(Finding.of(Rule.DKIM_SELECTOR_DANGLING_CNAME, name).summary(label + " is a CNAME to " + a.cnameChain().get(a.cnameChain().size() - 1) + ", which does not exist")
                            .detail("CNAME chain " + a.cnameChain())
                            .why("Verifiers find no key: every message signed with this selector fails DKIM.").evidence(sEv).build());
                } else {
                    String seen = reported.containsKey(s.name()) ? "; DMARC reports saw it signing until " + reported.get(s.name()) : "";
                    out.add(Finding.of(Rule.DKIM_SELECTOR_NO_KEY, name).summary("No DKIM key at " + name + " (" + label + ")")
                            .detail("TXT answered " + a.status() + seen).why("Mail signed with this selector fails DKIM.").evidence(sEv).build());
                }
                continue;
            }
            any = true;
            if (s.texts().size() > 1) {
                out.add(Finding.of(Rule.DKIM_MULTIPLE_RECORDS, name).summary(s.texts().size() + " TXT records at " + name)
                        .why("RFC 6376 3.6.2.2: results are undefined with several key records.").evidence(sEv).build());
                continue;
            }
            String text = s.texts().get(0);
            if (text.contains("\\") || text.contains("\"")) {
                out.add(Finding.of(Rule.DKIM_SYNTAX, name).summary(label + ": the key record contains backslashes or quotes")
                        .detail(MtaStsChecks.clip(text))
                        .why("Zone-file escaping pasted into a DNS console ends up in the record; verifiers cannot read it.")
                        .record(ZoneText.txt(name, text.replace("\\", "").replace("\"", ""))).evidence(sEv).build());
                continue;
            }
            switch (DkimKeyRecord.parse(text)) {
                case DkimKeyRecord.Invalid bad -> invalid(name, label, bad.reason(), text, sEv, out);
                case DkimKeyRecord.Valid v -> {
                    java.time.Instant last = reported.get(s.name());
                    boolean signingRecently = last != null && last.isAfter(recent);
                    valid(name, label, v.record(), signingRecently, sEv, out);
                    if (!v.record().revoked() && reportData.isPresent() && !signingRecently) {
                        out.add(Finding.of(Rule.DKIM_UNUSED_SELECTOR, name).summary(label + ": live key not seen in DMARC reports for "
                                        + REPORT_WINDOW.toDays() + " days")
                                .detail(last == null ? "No stored aggregate report for " + d + " shows this selector." : "Last seen in a report ending " + last + ".")
                                .why("A live key nobody signs with is a stale credential: if its private key leaks, mail can still be forged with it.")
                                .record(ZoneText.txt(name, "v=DKIM1; p=")).evidence(sEv).build());
                    }
                }
            }
        }
        Optional<String> wild = wildcard(ev);
        if (!any && wild.isEmpty() && found.stream().noneMatch(Selector::configured)) {
            DnsAnswer base = ev.query("_domainkey." + d, RecordType.TXT);
            out.add(Finding.of(Rule.DKIM_NO_SELECTOR, d).summary("No DKIM selector found for " + d + " (probed " + PROBES.size() + " common names)")
                    .detail(base.status() == DnsStatus.NXDOMAIN
                            ? "_domainkey." + d + " is NXDOMAIN: no selector exists, unless the DNS host mishandles empty non-terminals (RFC 8020)."
                            : "Selectors cannot be listed from DNS: absence is not proven.")
                    .why("Without DKIM, DMARC depends on SPF alone, which breaks on forwarding.")
                    .fix("Tell the checker your selector(s) (--selector), or set up signing.").build());
        }
        return out;
    }

    private static void invalid(String name, String label, String reason, String text, List<Evidence> sEv, List<Finding> out) {
        Rule rule = reason.contains("at tag p: missing") ? Rule.DKIM_NO_P_TAG
                : reason.contains("at tag p:") ? Rule.DKIM_KEY_CORRUPT
                : reason.contains("at tag k:") ? Rule.DKIM_KEY_TYPE : Rule.DKIM_SYNTAX;
        out.add(Finding.of(rule, name).summary(label + ": " + reason).detail(MtaStsChecks.clip(text))
                .why("Verifiers cannot use this key: mail signed with it fails DKIM.").evidence(sEv).build());
    }

    private static void valid(String name, String label, DkimKeyRecord k, boolean signingRecently, List<Evidence> sEv, List<Finding> out) {
        if (k.revoked()) {
            // CHECKS.md DKIM-KEY-REVOKED: ERROR when [REPORTS] show the selector signing in the last 30 days.
            out.add(Finding.of(Rule.DKIM_KEY_REVOKED, name).severity(signingRecently ? Severity.ERROR : Severity.INFO)
                    .summary(label + ": key revoked (empty p=)" + (signingRecently ? " but DMARC reports show it signing in the last 30 days" : ""))
                    .why(signingRecently ? "Mail signed with a revoked key fails DKIM." : "Expected for retired selectors; mail still signed with it fails DKIM.")
                    .evidence(sEv).build());
            return;
        }
        if (k.keyType().equals("rsa") && k.keyBits() < 1024) {
            out.add(Finding.of(Rule.DKIM_RSA_TOO_SHORT, name).summary(label + ": RSA key of " + k.keyBits() + " bits")
                    .why("RFC 8301 3.2: verifiers must not accept keys under 1024 bits.").evidence(sEv).build());
        } else if (k.keyType().equals("rsa") && k.keyBits() < 2048) {
            out.add(Finding.of(Rule.DKIM_RSA_1024, name).summary(label + ": RSA key of " + k.keyBits() + " bits")
                    .why("RFC 8301 3.2: SHOULD be at least 2048 bits (GOV.UK 2018's 1024-bit advice is superseded).").evidence(sEv).build());
        }
        if (!k.hashes().isEmpty() && k.hashes().contains("sha1")) {
            boolean only = k.hashes().stream().allMatch(h -> h.equals("sha1"));
            out.add(Finding.of(Rule.DKIM_SHA1, name).severity(only ? Severity.ERROR : Severity.WARN).summary(label + ": h=" + String.join(":", k.hashes()))
                    .why("RFC 8301 3.1: rsa-sha1 must not be used.").evidence(sEv).build());
        }
        if (k.testing()) {
            out.add(Finding.of(Rule.DKIM_FLAGS, name).severity(Severity.WARN).summary(label + ": t=y (testing)")
                    .why("Verifiers may treat the domain's mail as unsigned: DKIM then does not help DMARC.").evidence(sEv).build());
        } else if (!k.services().contains("*") && !k.services().contains("email")) {
            out.add(Finding.of(Rule.DKIM_FLAGS, name).severity(Severity.WARN).summary(label + ": s=" + String.join(":", k.services()) + " (not for email)")
                    .why("RFC 6376 3.6.1: the key cannot verify mail.").evidence(sEv).build());
        } else if (k.strict()) {
            out.add(Finding.of(Rule.DKIM_FLAGS, name).severity(Severity.INFO).summary(label + ": t=s (i= must equal d=)")
                    .why("Signatures with a subdomain in i= fail.").evidence(sEv).build());
        }
    }

    /** UK-NONSENDING-DKIM helper: live keys among the selectors found, and whether a revoked wildcard exists. */
    static List<String> liveSelectors(DomainEvidence ev) {
        List<String> live = new ArrayList<>();
        for (Selector s : selectors(ev)) {
            if (s.texts().size() == 1 && DkimKeyRecord.parse(s.texts().get(0)) instanceof DkimKeyRecord.Valid v && !v.record().revoked()) {
                live.add(s.name());
            }
        }
        return live;
    }

    static boolean revokedWildcard(DomainEvidence ev) {
        return wildcard(ev).map(t -> DkimKeyRecord.parse(t) instanceof DkimKeyRecord.Valid v && v.record().revoked()).orElse(false);
    }
}
