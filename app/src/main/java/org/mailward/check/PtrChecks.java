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
 * CHECKS.md section 9 (PTR, forward-confirmed reverse DNS) for every address of every MX host. The outbound hosts
 * taken from the domain's SPF {@code ip4}/{@code ip6} terms wait for the SPF parser (auth.spf); the UK-profile
 * upgrade to ERROR applies to outbound hosts only, so MX addresses stay WARN.
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
                out.addAll(checkAddress(ev, h, a));
            }
        }
        return out;
    }

    private List<Finding> checkAddress(DomainEvidence ev, MailHost h, InetAddress a) {
        List<Finding> out = new ArrayList<>();
        String ip = a.getHostAddress();
        String subject = h.name() + " " + ip;
        String rev = Resolver.reverseName(a);
        DnsAnswer ptr = ev.query(rev, RecordType.PTR);
        List<Evidence> pEv = List.of(ev.evidence(rev, RecordType.PTR));
        if (ptr.status().isError()) {
            return out;
        }
        if (!ptr.hasRecords()) {
            out.add(Finding.of(Rule.PTR_MISSING, subject).summary("MX address " + ip + " has no PTR record")
                    .detail(rev + " answered " + ptr.status())
                    .why("Many receivers distrust or reject mail from addresses without reverse DNS; the guidance requires matching A and PTR.")
                    .fix("Ask the owner of " + ip + " to set its PTR to " + h.name() + ".")
                    .record(rev + ". IN PTR " + h.name() + ".").evidence(pEv).build());
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
            out.add(Finding.of(Rule.PTR_NOT_CONFIRMED, subject)
                    .summary("PTR of " + ip + " (" + String.join(", ", names) + ") does not resolve back to " + ip)
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
