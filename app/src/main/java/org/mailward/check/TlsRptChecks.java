package org.mailward.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.records.TlsRptRecord;

/**
 * CHECKS.md section 11 (TLS-RPT, RFC 8460). For {@code https:} destinations only name resolution is checked (the
 * certificate of the destination is not fetched: no POST is ever sent).
 */
public final class TlsRptChecks implements AreaCheck {

    @Override
    public Area area() {
        return Area.TLSRPT;
    }

    /** The single valid-looking record of the domain, for the UK area. */
    static Optional<TlsRptRecord> record(DomainEvidence ev) {
        List<String> c = ev.query("_smtp._tls." + ev.domain(), RecordType.TXT).texts().stream().filter(TlsRptRecord::isCandidate).toList();
        return c.size() == 1 ? Optional.of(TlsRptRecord.parse(c.get(0))) : Optional.empty();
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        if (ev.hasNullMx()) {
            return out;
        }
        String name = "_smtp._tls." + ev.domain();
        DnsAnswer txt = ev.query(name, RecordType.TXT);
        List<Evidence> tEv = List.of(ev.evidence(name, RecordType.TXT));
        if (txt.status().isError()) {
            return out;
        }
        List<String> candidates = txt.texts().stream().filter(TlsRptRecord::isCandidate).toList();
        String example = name + ". IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@" + ev.domain() + "\"";
        if (candidates.isEmpty()) {
            List<String> near = txt.texts().stream().filter(t -> t.toLowerCase(Locale.ROOT).contains("v=tlsrptv1")).toList();
            if (!near.isEmpty()) {
                out.add(Finding.of(Rule.TLSRPT_SYNTAX, name).summary("TLS-RPT record does not begin with v=TLSRPTv1")
                        .detail(MtaStsChecks.clip(near.get(0))).why("Senders ignore it.").record(example).evidence(tEv).build());
            } else {
                out.add(Finding.of(Rule.TLSRPT_NO_RECORD, name).summary("No TLS-RPT record at " + name)
                        .why("Nobody tells you when senders fail to establish TLS to your MX.").record(example).evidence(tEv).build());
            }
            return out;
        }
        if (candidates.size() > 1) {
            out.add(Finding.of(Rule.TLSRPT_MULTIPLE_RECORDS, name).summary(candidates.size() + " TLS-RPT records at " + name)
                    .why("RFC 8460 3: senders then assume there is no TLS-RPT.").evidence(tEv).build());
            return out;
        }
        TlsRptRecord r = TlsRptRecord.parse(candidates.get(0));
        if (!r.errors().isEmpty()) {
            out.add(Finding.of(Rule.TLSRPT_SYNTAX, name).summary("TLS-RPT record is malformed")
                    .detail(String.join("; ", r.errors())).why("Senders ignore a malformed record.").record(example).evidence(tEv).build());
        }
        for (String e : r.uriErrors()) {
            out.add(Finding.of(Rule.TLSRPT_RUA_INVALID, name).summary("TLS-RPT rua destination unusable: " + e)
                    .why("Reports for that destination are lost.").evidence(tEv).build());
        }
        Set<String> seen = new HashSet<>();
        List<String> dups = r.rua().stream().filter(u -> !seen.add(u.toLowerCase(Locale.ROOT))).toList();
        if (!dups.isEmpty()) {
            out.add(Finding.of(Rule.TLSRPT_RUA_COUNT, name).severity(Severity.WARN).summary("Duplicate TLS-RPT rua URIs: " + dups)
                    .why("Duplicates waste senders' effort.").evidence(tEv).build());
        } else if (r.rua().size() > 1) {
            out.add(Finding.of(Rule.TLSRPT_RUA_COUNT, name).severity(Severity.INFO).summary(r.rua().size() + " TLS-RPT rua URIs")
                    .why("Only the first is guaranteed to be used by some senders.").evidence(tEv).build());
        }
        for (String uri : r.rua().stream().distinct().limit(5).toList()) {
            if (r.uriErrors().stream().anyMatch(e -> e.contains(MtaStsChecks.clip(uri)))) {
                continue;
            }
            Optional<String> host = TlsRptRecord.destinationHost(uri);
            if (host.isEmpty()) {
                continue;
            }
            undeliverable(ev, uri, host.get()).ifPresent(reason -> out.add(Finding.of(Rule.TLSRPT_RUA_UNDELIVERABLE, name)
                    .summary("TLS-RPT destination " + uri + " cannot receive reports").detail(reason)
                    .why("Reports sent there are lost.").build()));
        }
        return out;
    }

    /** Why reports to this destination cannot be delivered, or empty (also empty when a lookup failed). */
    static Optional<String> undeliverable(DomainEvidence ev, String uri, String host) {
        if (uri.toLowerCase(Locale.ROOT).startsWith("mailto:")) {
            DnsAnswer mx = ev.query(host, RecordType.MX);
            if (mx.status().isError()) {
                return Optional.empty();
            }
            if (mx.recordsOf(DnsRecord.Mx.class).stream().anyMatch(m -> m.exchange().isEmpty())) {
                return Optional.of(host + " publishes a null MX");
            }
            if (mx.hasRecords()) {
                return Optional.empty();
            }
        }
        DnsAnswer a = ev.query(host, RecordType.A);
        DnsAnswer aaaa = ev.query(host, RecordType.AAAA);
        if (a.status().isError() || aaaa.status().isError() || a.hasRecords() || aaaa.hasRecords()) {
            return Optional.empty();
        }
        return Optional.of(host + " has no MX, A or AAAA record");
    }
}
