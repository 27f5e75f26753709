package org.mailward.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailward.dns.RecordType;
import org.mailward.records.TlsRptRecord;

/**
 * CHECKS.md section 15 (UK-government baseline), the rules that need no SPF/DMARC/DKIM parsing: UK-LEGACY-GSI (for
 * the domain and its MX hosts; SPF/DMARC references wait for auth.spf/auth.dmarc), UK-NONSENDING-NULL-MX (when the
 * user declares the domain non-sending) and UK-TLSRPT-CENTRAL. Runs only under the UK profile. The items the
 * catalogue calls not checkable from outside are returned by {@link #manualItems}.
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
        if (ev.config().nonSending() && !ev.hasNullMx() && !ev.mx().status().isError()) {
            out.add(Finding.of(Rule.UK_NONSENDING_NULL_MX, d).summary("Non-sending domain " + d + " has no null MX")
                    .why("GOV.UK: a domain that neither sends nor receives should say so with a null MX (RFC 7505).")
                    .record(d + ". IN MX 0 .").evidence(List.of(ev.evidence(d, RecordType.MX))).build());
        }
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
