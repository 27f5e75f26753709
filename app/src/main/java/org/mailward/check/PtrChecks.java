package org.mailward.check;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * CHECKS.md section 9 (PTR, forward-confirmed reverse DNS) for every address of every MX host and every outbound
 * host: the single-address {@code ip4:x/32} / {@code ip6:x/128} terms of the domain's own SPF record (parsed with
 * auth.spf; not inside third-party includes). Under the UK profile PTR-MISSING and PTR-NOT-CONFIRMED are ERROR for
 * outbound hosts (GOV.UK: matching A and PTR for the sending host name); MX addresses stay WARN.
 */
public final class PtrChecks implements AreaCheck {

    private static final Pattern GENERIC = Pattern.compile("(?i)(^|[.-])(dynamic|dyn|dsl|adsl|pool|dhcp|ppp|cable|broadband|dialup|client)([.-]|\\d|$)");

    @Override
    public Area area() {
        return Area.PTR;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        Set<InetAddress> done = new LinkedHashSet<>();
        for (MailHost h : ev.hosts()) {
            for (InetAddress a : h.addresses()) {
                if (!done.add(a)) {
                    continue;
                }
                out.addAll(checkAddress(ev, h, a, false));
            }
        }
        for (InetAddress a : outboundHosts(ev)) {
            if (done.add(a)) {
                out.addAll(checkAddress(ev, null, a, true));
            }
        }
        return out;
    }

    /** The single-address ip4/ip6 terms of the domain's own SPF record (CHECKS.md 9: outbound hosts). */
    static List<InetAddress> outboundHosts(DomainEvidence ev) {
        List<String> spf = ev.spfRecords();
        if (spf.size() != 1 || !(org.mailward.auth.spf.SpfParser.parse(spf.get(0))
                instanceof org.mailward.auth.spf.ParseResult.Ok<org.mailward.auth.spf.SpfRecord> ok)) {
            return List.of();
        }
        List<InetAddress> out = new ArrayList<>();
        for (org.mailward.auth.spf.SpfTerm.Directive d : ok.value().directives()) {
            if (d.mechanism() instanceof org.mailward.auth.spf.Mechanism.Ip4 v4 && v4.prefix() == 32) {
                out.add(v4.network());
            } else if (d.mechanism() instanceof org.mailward.auth.spf.Mechanism.Ip6 v6 && v6.prefix() == 128) {
                out.add(v6.network());
            }
        }
        return out.stream().limit(10).toList();
    }

    private List<Finding> checkAddress(DomainEvidence ev, MailHost h, InetAddress a, boolean outbound) {
        List<Finding> out = new ArrayList<>();
        String ip = a.getHostAddress();
        String subject = outbound ? "outbound " + ip : h.name() + " " + ip;
        String role = outbound ? "Outbound host " : "MX address ";
        Severity sev = outbound && ev.profile() == CheckConfig.Profile.UK ? Severity.ERROR : Severity.WARN;
        String rev = Resolver.reverseName(a);
        DnsAnswer ptr = ev.query(rev, RecordType.PTR);
        List<Evidence> pEv = List.of(ev.evidence(rev, RecordType.PTR));
        if (ptr.status().isError()) {
            return out;
        }
        if (!ptr.hasRecords()) {
            Finding.Builder b = Finding.of(Rule.PTR_MISSING, subject).severity(sev).summary(role + ip + " has no PTR record")
                    .detail(rev + " answered " + ptr.status() + (outbound ? " (address from the domain's SPF record)" : ""))
                    .why("Many receivers distrust or reject mail from addresses without reverse DNS; the guidance requires matching A and PTR.")
                    .fix("Ask the owner of " + ip + " to set its PTR to " + (outbound ? "the sending host's name (with a matching A/AAAA)" : h.name()) + ".")
                    .evidence(pEv);
            if (!outbound) {
                b.record(rev + ". IN PTR " + h.name() + ".");
            }
            out.add(b.build());
            return out;
        }
        List<String> names = ptr.recordsOf(DnsRecord.Ptr.class).stream().map(DnsRecord.Ptr::target).toList();
        RecordType fwd = a instanceof Inet4Address ? RecordType.A : RecordType.AAAA;
        boolean confirmed = false;
        boolean inconclusive = false;
        List<Evidence> fEv = new ArrayList<>(pEv);
        for (String n : names.stream().limit(10).toList()) {
            DnsAnswer f = ev.query(n, fwd);
            fEv.add(ev.evidence(n, fwd));
            if (f.status().isError()) {
                inconclusive = true;
            }
            for (DnsRecord r : f.records()) {
                InetAddress back = r instanceof DnsRecord.A x ? x.address() : r instanceof DnsRecord.Aaaa y ? y.address() : null;
                if (a.equals(back)) {
                    confirmed = true;
                }
            }
        }
        if (!confirmed && !inconclusive) {
            out.add(Finding.of(Rule.PTR_NOT_CONFIRMED, subject).severity(sev)
                    .summary((outbound ? "Outbound host: PTR of " : "PTR of ") + ip + " (" + String.join(", ", names) + ") does not resolve back to " + ip)
                    .detail(fwd + " of " + names + " does not contain " + ip)
                    .why("Forward-confirmed reverse DNS fails: receivers that check FCrDNS score or reject the mail.")
                    .fix("Add " + fwd + " " + ip + " to " + names.get(0) + " or correct the PTR.")
                    .record(names.get(0) + ". IN " + fwd + " " + ip).evidence(fEv).build());
        }
        String digitsDash = ip.replace('.', '-');
        List<String> generic = names.stream().filter(n -> GENERIC.matcher(n).find() || n.contains(digitsDash)
                || (a instanceof Inet4Address && n.contains(reverseDotted(ip)))).toList();
        if (names.size() > 1 || !generic.isEmpty()) {
            out.add(Finding.of(Rule.PTR_GENERIC, subject)
                    .summary(names.size() > 1 ? ip + " has " + names.size() + " PTR records" : "PTR of " + ip + " looks generic: " + generic.get(0))
                    .detail("PTR: " + names).why("Generic or multiple PTR names look like consumer or dynamic addresses to receivers' heuristics.")
                    .evidence(pEv).build());
        }
        ProbedAddress probe = ev.probes().stream().filter(p -> p.address().equals(a)).findFirst().orElse(null);
        if (probe != null && probe.result().greetingHost().isPresent()) {
            String banner = probe.result().greetingHost().get().replaceAll("\\.$", "");
            boolean same = names.stream().anyMatch(n -> n.equalsIgnoreCase(banner));
            DnsAnswer bf = ev.query(banner, fwd);
            boolean resolves = bf.records().stream().anyMatch(r -> r instanceof DnsRecord.A x ? x.address().equals(a)
                    : r instanceof DnsRecord.Aaaa y && y.address().equals(a));
            if (!bf.status().isError() && (!same || !resolves)) {
                out.add(Finding.of(Rule.PTR_HELO_MISMATCH, subject)
                        .summary("SMTP greeting name " + banner + " " + (!same ? "differs from the PTR name " + names : "does not resolve to " + ip))
                        .detail("greeting: " + probe.result().greeting().lines().findFirst().orElse(""))
                        .why("RFC 5321 4.1.4: not a reason to reject, but many receivers score it.")
                        .fix("Make the banner name, the PTR name and the A record agree.").build());
            }
        }
        return out;
    }

    private static String reverseDotted(String ip) {
        String[] o = ip.split("\\.");
        return o[3] + "." + o[2] + "." + o[1] + "." + o[0];
    }
}
