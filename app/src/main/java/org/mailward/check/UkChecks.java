package org.mailward.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailward.auth.dmarc.Alignment;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.Policy;
import org.mailward.auth.dmarc.ReportUri;
import org.mailward.dns.RecordType;
import org.mailward.records.DmarcRecordText;
import org.mailward.records.DmarcRollout;
import org.mailward.records.TlsRptRecord;

/**
 * CHECKS.md section 15 (UK-government baseline): UK-LEGACY-GSI (the domain, its MX hosts and its DMARC report
 * addresses; SPF references wait for auth.spf), UK-NONSENDING-NULL-MX, UK-TLSRPT-CENTRAL and the DMARC rules
 * (UK-DMARC-CENTRAL-RUA, -CENTRAL-RUA-MISTYPED, -CENTRAL-RUF, -OWN-RUA, -ROLLOUT-STAGE, UK-NONSENDING-DMARC) on the
 * record that applies to the domain (own or inherited, from {@link DmarcState}). Runs only under the UK profile.
 * The items the catalogue calls not checkable from outside are returned by {@link #manualItems}.
 */
public final class UkChecks implements AreaCheck {

    private static final List<String> GSI = List.of("gsi.gov.uk", "gsx.gov.uk", "gse.gov.uk", "gcsx.gov.uk");

    @Override
    public Area area() {
        return Area.UK;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        if (ev.profile() != CheckConfig.Profile.UK) {
            return out;
        }
        String d = ev.domain();
        if (gsi(d)) {
            out.add(Finding.of(Rule.UK_LEGACY_GSI, d).summary(d + " is a gsi-family domain (replaced by March 2019)")
                    .why("GSI domains are legacy; treat them as non-sending.").build());
        }
        for (MailHost h : ev.hosts()) {
            if (gsi(h.name())) {
                out.add(Finding.of(Rule.UK_LEGACY_GSI, h.name()).summary("MX host " + h.name() + " is in a gsi-family domain")
                        .why("GSI infrastructure was to be replaced by March 2019.").evidence(List.of(ev.evidence(d, RecordType.MX))).build());
            }
        }
        // Non-sending and non-receiving: declared (--non-sending), or SPF exactly "v=spf1 -all" with no MX at all (a
        // domain with real MX hosts receives mail, so a null MX would be wrong for it).
        boolean noMx = !ev.mx().hasRecords();
        boolean nonReceiving = ev.config().nonSending() || (noMx && ev.nonSendingReason().isPresent());
        if (nonReceiving && !ev.hasNullMx() && !ev.mx().status().isError()) {
            out.add(Finding.of(Rule.UK_NONSENDING_NULL_MX, d).summary("Non-sending domain " + d + " has no null MX ("
                            + ev.nonSendingReason().orElse("") + (noMx ? ", no MX" : "") + ")")
                    .why("GOV.UK: a domain that neither sends nor receives should say so with a null MX (RFC 7505).")
                    .record(d + ". IN MX 0 .").evidence(List.of(ev.evidence(d, RecordType.MX))).build());
        }
        dmarcRules(ev, out);
        String central = ev.config().ukTlsRptCentral();
        if (!central.isEmpty()) {
            TlsRptChecks.record(ev).filter(r -> r.errors().isEmpty()).ifPresent(r -> {
                List<String> rua = r.rua().stream().map(u -> u.toLowerCase(Locale.ROOT)).toList();
                String centralHost = TlsRptRecord.destinationHost(central).orElse("");
                List<String> mistyped = rua.stream().filter(u -> !u.equals(central)
                        && (TlsRptRecord.destinationHost(u).orElse("").endsWith("mailcheck.service.ncsc.gov.uk") || u.contains(centralHost))).toList();
                String fixed = "_smtp._tls." + d + ". IN TXT \"v=TLSRPTv1;rua=" + central + "\"";
                if (!mistyped.isEmpty()) {
                    out.add(Finding.of(Rule.UK_TLSRPT_CENTRAL, "_smtp._tls." + d).severity(Severity.ERROR)
                            .summary("TLS-RPT rua " + mistyped + " looks like the central service but is not " + central)
                            .why("Reports to a mistyped central address are lost.").record(fixed).build());
                } else if (!rua.contains(central)) {
                    out.add(Finding.of(Rule.UK_TLSRPT_CENTRAL, "_smtp._tls." + d).severity(Severity.INFO)
                            .summary("TLS-RPT rua does not include the central address " + central)
                            .why("The UK guidance (security.gov.uk) asks for the central TLS-RPT mailbox; whether it still accepts reports is unverified.")
                            .record(fixed).build());
                }
            });
        }
        return out;
    }

    // The Mail Check token form of the central aggregate address (CHECKS.md 15: MC VerificationRuaMailbox).
    private static final java.util.regex.Pattern MC_TOKEN = java.util.regex.Pattern.compile(
            "(?i)mailto:[a-z0-9][a-z0-9._+-]*@dmarc-rua\\.mailcheck\\.service\\.ncsc\\.gov\\.uk");
    private static final String CENTRAL_HOST = "dmarc.service.gov.uk";

    private void dmarcRules(DomainEvidence ev, List<Finding> out) {
        String d = ev.domain();
        DmarcState st = ev.dmarc();
        if (st.answer().status().isError()) {
            return;
        }
        java.util.Optional<DmarcState.Applied> applied = st.applied();
        java.util.Optional<String> nonSending = ev.nonSendingReason();
        String name = st.name();
        List<Evidence> aEv = applied.map(a -> List.of(ev.evidence("_dmarc." + a.domain(), RecordType.TXT))).orElse(List.of(ev.evidence(name, RecordType.TXT)));
        if (nonSending.isPresent()) {
            DmarcRecordText want = DmarcRecordText.of(Policy.REJECT).withSubdomain(java.util.Optional.of(Policy.REJECT))
                    .withAlignment(Alignment.STRICT, Alignment.STRICT).withFailureOptions(List.of("1"))
                    .withRua(applied.map(a -> a.record().aggregateUris().stream().map(ReportUri::toString).toList()).filter(l -> !l.isEmpty())
                            .orElse(DmarcChecks.ukBase(ev, List.of()).rua()));
            boolean rejects = applied.map(a -> !a.record().testing() && a.record().policy() == Policy.REJECT
                    && a.record().effectiveSubdomainPolicy() == Policy.REJECT && a.record().percent() == 100).orElse(false);
            if (!rejects) {
                out.add(Finding.of(Rule.UK_NONSENDING_DMARC, name).severity(Severity.ERROR)
                        .summary("Non-sending domain " + d + " does not reject with DMARC (p=reject; sp=reject)")
                        .detail(nonSending.get() + "; DMARC: " + applied.map(a -> MtaStsChecks.clip(a.record().text())).orElse("none"))
                        .why("GOV.UK \"Protect domains that don't send email\": a domain that sends nothing should tell receivers to reject everything.")
                        .record(DmarcChecks.line(name, want)).evidence(aEv).build());
            } else if (applied.get().record().dkimAlignment() != Alignment.STRICT || applied.get().record().spfAlignment() != Alignment.STRICT) {
                out.add(Finding.of(Rule.UK_NONSENDING_DMARC, name).severity(Severity.INFO)
                        .summary("Non-sending domain " + d + ": add adkim=s; aspf=s")
                        .detail(nonSending.get()).why("GOV.UK's record for non-sending domains uses strict alignment.")
                        .record(DmarcChecks.line(name, DmarcRecordText.from(applied.get().record()).withAlignment(Alignment.STRICT, Alignment.STRICT)))
                        .evidence(aEv).build());
            }
        }
        if (nonSending.isPresent() && !ev.query(d, RecordType.TXT).status().isError()) {
            List<String> spf = ev.spfRecords();
            if (!(spf.size() == 1 && spf.get(0).trim().replaceAll(" +", " ").equalsIgnoreCase("v=spf1 -all"))) {
                out.add(Finding.of(Rule.UK_NONSENDING_SPF, d).summary("Non-sending domain " + d + " does not publish exactly v=spf1 -all")
                        .detail(nonSending.get() + "; SPF: " + (spf.isEmpty() ? "none" : MtaStsChecks.clip(String.join(" | ", spf))))
                        .why("GOV.UK \"Protect domains that don't send email\": v=spf1 -all tells receivers no host may send.")
                        .record(org.mailward.records.ZoneText.txt(d, "v=spf1 -all")).evidence(List.of(ev.evidence(d, RecordType.TXT))).build());
            }
        }
        if (nonSending.isPresent() && !ev.query(DkimChecks.wildcardProbe(d), RecordType.TXT).status().isError()) {
            List<String> live = DkimChecks.liveSelectors(ev);
            boolean wildcardRevoked = DkimChecks.revokedWildcard(ev);
            if (!live.isEmpty() || !wildcardRevoked) {
                out.add(Finding.of(Rule.UK_NONSENDING_DKIM, "_domainkey." + d).summary("Non-sending domain " + d + ": "
                                + (!live.isEmpty() ? "live DKIM keys at selectors " + live : "no revoked wildcard key *._domainkey"))
                        .detail(nonSending.get())
                        .why("GOV.UK \"Protect domains that don't send email\": publish *._domainkey with an empty key and revoke every selector.")
                        .record(String.join("\n", java.util.stream.Stream.concat(java.util.stream.Stream.of("*"), live.stream())
                                .map(sel -> org.mailward.records.ZoneText.txt(sel + "._domainkey." + d, "v=DKIM1; p=")).toList()))
                        .evidence(List.of(ev.evidence(DkimChecks.wildcardProbe(d), RecordType.TXT))).build());
            }
        }
        if (applied.isEmpty()) {
            return;
        }
        DmarcState.Applied a = applied.get();
        DmarcRecord r = a.record();
        DmarcRecordText fixed = DmarcRecordText.from(r);
        List<String> rua = r.aggregateUris().stream().map(ReportUri::uri).toList();
        for (ReportUri u : concat(r.aggregateUris(), r.failureUris())) {
            DmarcChecks.mailtoHost(u.uri()).filter(UkChecks::gsi).ifPresent(h -> out.add(Finding.of(Rule.UK_LEGACY_GSI, h)
                    .summary("DMARC reports go to " + h + ", a gsi-family domain").why("GSI domains were to be replaced by March 2019.")
                    .evidence(aEv).build()));
        }
        String central = ev.config().ukDmarcCentralRua();
        if (!central.isEmpty()) {
            List<String> accepted = rua.stream().filter(u -> u.equalsIgnoreCase(central) || MC_TOKEN.matcher(u).matches()).toList();
            List<String> mistyped = rua.stream().filter(u -> !accepted.contains(u) && centralLooking(u)).toList();
            if (!mistyped.isEmpty()) {
                List<String> repaired = new ArrayList<>();
                for (String u : rua) {
                    String v = mistyped.contains(u) ? central : u;
                    if (!repaired.contains(v)) {
                        repaired.add(v);
                    }
                }
                out.add(Finding.of(Rule.UK_DMARC_CENTRAL_RUA_MISTYPED, name).summary("rua " + mistyped + " looks like the central service but is not " + central)
                        .why("Reports to a mistyped central address are lost.").record(DmarcChecks.line(name, fixed.withRua(repaired))).evidence(aEv).build());
            } else if (accepted.isEmpty()) {
                List<String> want = new ArrayList<>();
                want.add(central);
                want.add(rua.stream().filter(u -> ownAddress(st, d, u)).findFirst().orElse("mailto:dmarc@" + d));
                out.add(Finding.of(Rule.UK_DMARC_CENTRAL_RUA, name).summary("rua does not include the central address " + central)
                        .detail("rua: " + rua)
                        .why("GOV.UK (2018): \"The dmarc.service.gov.uk entries are required for a valid DMARC record.\" [?] Mail Check was reported retired in 2026; the address is configurable (--uk-central-rua, off with --uk-central-reporting off).")
                        .record(DmarcChecks.line(name, fixed.withRua(want))).evidence(aEv).build());
            }
            String centralRuf = ev.config().ukDmarcCentralRuf();
            if (!centralRuf.isEmpty() && r.failureUris().stream().anyMatch(u -> u.uri().equalsIgnoreCase(centralRuf))) {
                out.add(Finding.of(Rule.UK_DMARC_CENTRAL_RUF, name).summary("ruf includes the central failure-report address " + centralRuf)
                        .why("GOV.UK (2018) asks for it, but Mail Check says failure reports are no longer collected: remove it.")
                        .record(DmarcChecks.line(name, fixed.withRuf(r.failureUris().stream().map(ReportUri::toString)
                                .filter(u -> !u.equalsIgnoreCase(centralRuf)).toList()))).evidence(aEv).build());
            }
        }
        if (rua.stream().noneMatch(u -> ownAddress(st, d, u))) {
            List<String> want = new ArrayList<>(rua.stream().limit(1).toList());
            want.add("mailto:dmarc@" + d);
            out.add(Finding.of(Rule.UK_DMARC_OWN_RUA, name).summary("No rua address in " + d + "'s own domain")
                    .detail("rua: " + rua)
                    .why("GOV.UK's record includes mailto:dmarc@<yourdomain> so you see your own reports; create that mailbox.")
                    .record(DmarcChecks.line(name, fixed.withRua(want))).evidence(aEv).build());
        }
        DmarcRollout stage = DmarcRollout.of(r);
        java.util.Optional<DmarcRollout> next = stage.next();
        List<String> notes = new ArrayList<>();
        if (r.declaredPercent().isPresent() || next.flatMap(DmarcRollout::percent).isPresent()) {
            notes.add(DmarcRollout.pctNote());
        }
        if (!r.failureUris().isEmpty() && !r.failureOptions().contains("1")) {
            notes.add("ruf is set but fo=1 is absent: failure reports are sent only when every mechanism fails (GOV.UK uses fo=1).");
        }
        Finding.Builder b = Finding.of(Rule.UK_DMARC_ROLLOUT_STAGE, name)
                .summary("DMARC rollout stage: " + stage.label() + next.map(n -> "; next: " + n.label()).orElse(" (final stage)"))
                .detail(String.join(" ", notes))
                .why("GOV.UK ladder: p=none with reports, then quarantine at pct=10 rising to 100, then reject (NCSC aim [?]).")
                .fix(next.map(n -> "When reports show genuine mail passing SPF/DKIM aligned, publish the next stage (mailward records " + d + " --next).")
                        .orElse("Keep monitoring reports."))
                .evidence(aEv);
        next.ifPresent(n -> b.record(DmarcChecks.line(name, n.apply(fixed))));
        out.add(b.build());
    }

    private static boolean ownAddress(DmarcState st, String d, String uri) {
        return DmarcChecks.mailtoHost(uri).map(h -> h.equals(d) || h.endsWith("." + d)
                || st.orgDomain(h).domain().equals(st.orgDomain(d).domain())).orElse(false);
    }

    // A destination that is evidently meant for the central service: its host is (or ends in) dmarc.service.gov.uk or
    // mailcheck.service.ncsc.gov.uk, or is within two typing errors of dmarc.service.gov.uk; any scheme.
    private static boolean centralLooking(String uri) {
        String u = uri.toLowerCase(Locale.ROOT);
        int at = u.lastIndexOf('@');
        String host = at >= 0 ? u.substring(at + 1) : u.replaceFirst("^[a-z0-9+.-]+://", "").replaceFirst("[/?#].*$", "");
        return host.equals(CENTRAL_HOST) || host.endsWith("." + CENTRAL_HOST) || host.endsWith("mailcheck.service.ncsc.gov.uk")
                || editDistance(host, CENTRAL_HOST) <= 2;
    }

    static int editDistance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return 3;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static List<ReportUri> concat(List<ReportUri> a, List<ReportUri> b) {
        List<ReportUri> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The checks CHECKS.md 15 says cannot be made from outside: reported as manual items, never as findings. */
    public static List<String> manualItems(DomainEvidence ev) {
        if (ev.profile() != CheckConfig.Profile.UK) {
            return List.of();
        }
        String d = ev.domain();
        return List.of(
                "Make sure emailsecurity@" + d + " exists and is monitored (GOV.UK guidance; cannot be verified from DNS).",
                "Mandatory TLS towards *.gov.uk on your outbound gateway (cannot be verified from outside).",
                "Inbound SPF/DKIM/DMARC checking enabled on your gateway.",
                "DKIM signing is the last change to a message (no footers or disclaimers added after signing).");
    }

    private static boolean gsi(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return GSI.stream().anyMatch(g -> n.equals(g) || n.endsWith("." + g));
    }
}
