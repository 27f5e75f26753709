package org.mailward.check;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mailward.auth.dmarc.DmarcRecordParse;
import org.mailward.auth.dmarc.DmarcRecordParser;
import org.mailward.auth.dmarc.ReportUri;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.records.ZoneText;

/**
 * CHECKS.md section 3 (REPORTAUTH): external report destinations (RFC 7489 7.1). For every {@code mailto:} address
 * of the domain's own DMARC record whose host H is in another Organizational Domain (configured discovery mode), the
 * TXT set at {@code <domain>._report._dmarc.<H>} must hold exactly one record beginning with {@code v=DMARC1}
 * (decided by the auth.dmarc parser: anything it does not classify as "not DMARC"). DNS wildcards
 * ({@code *._report._dmarc.H}, RFC 7489 erratum 5440) are answered by the DNS itself.
 */
public final class ReportAuthChecks implements AreaCheck {

    @Override
    public Area area() {
        return Area.REPORTAUTH;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        DmarcState st = ev.dmarc();
        String d = ev.domain();
        if (st.answer().status().isError()) {
            return out;
        }
        DmarcState.Applied a = st.applied().filter(DmarcState.Applied::own).orElse(null);
        if (a == null) {
            return out;
        }
        Set<String> hosts = new LinkedHashSet<>();
        List<ReportUri> uris = new ArrayList<>(a.record().aggregateUris());
        uris.addAll(a.record().failureUris());
        for (ReportUri u : uris) {
            DmarcChecks.mailtoHost(u.uri()).ifPresent(hosts::add);
        }
        String ownOrg = st.orgDomain(d).domain();
        for (String h : hosts.stream().limit(10).toList()) {
            if (h.equals(d) || h.endsWith("." + d) || st.orgDomain(h).domain().equals(ownOrg)) {
                continue;
            }
            String name = d + "._report._dmarc." + h;
            DnsAnswer txt = ev.query(name, RecordType.TXT);
            if (txt.status().isError()) {
                continue;
            }
            List<Evidence> tEv = List.of(ev.evidence(name, RecordType.TXT));
            String fix = ZoneText.txt(name, "v=DMARC1");
            if (!txt.hasRecords()) {
                out.add(Finding.of(Rule.REPORTAUTH_MISSING, name).summary("Reports to " + h + " are not authorised by " + h)
                        .detail(name + " TXT answered " + txt.status())
                        .why("RFC 7489 7.1: compliant report senders drop reports for an external destination that does not authorise them.")
                        .fix("Ask the owner of " + h + " to publish this record (or publish it yourself if you own " + h + ").")
                        .record(fix).evidence(tEv).build());
                continue;
            }
            List<DmarcRecordParse> dmarc = txt.texts().stream().map(DmarcRecordParser::parse)
                    .filter(p -> !(p instanceof DmarcRecordParse.NotDmarc)).toList();
            if (dmarc.size() != 1) {
                out.add(Finding.of(Rule.REPORTAUTH_INVALID, name)
                        .summary(dmarc.isEmpty() ? "The authorisation record at " + name + " does not begin with v=DMARC1"
                                : dmarc.size() + " authorisation records at " + name)
                        .detail(txt.texts().stream().map(MtaStsChecks::clip).toList().toString())
                        .why("RFC 7489 7.1: the destination is authorised only by exactly one record beginning with v=DMARC1.")
                        .record(fix).evidence(tEv).build());
                continue;
            }
            if (dmarc.get(0) instanceof DmarcRecordParse.Valid v
                    && (!v.record().aggregateUris().isEmpty() || !v.record().failureUris().isEmpty())) {
                List<String> override = new ArrayList<>();
                v.record().aggregateUris().forEach(u -> override.add("rua " + u.uri()));
                v.record().failureUris().forEach(u -> override.add("ruf " + u.uri()));
                out.add(Finding.of(Rule.REPORTAUTH_OVERRIDE_URI, name).summary("The authorisation record at " + name + " names its own destinations")
                        .detail(String.join(", ", override))
                        .why("RFC 7489 7.1: report senders may send to these URIs instead of the ones in your record [?].")
                        .evidence(tEv).build());
            }
        }
        return out;
    }
}
