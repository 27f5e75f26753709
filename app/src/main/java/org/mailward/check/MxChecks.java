package org.mailward.check;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailward.check.probe.SmtpProbeResult;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;

/**
 * CHECKS.md section 6 (MX). MX-NULL-BUT-SENDING uses the DMARC record that applies ({@link DmarcState}) and the
 * selected SPF record's text (exactly {@code v=spf1 -all} or not; no SPF evaluation is needed for that).
 */
public final class MxChecks implements AreaCheck {

    @Override
    public Area area() {
        return Area.MX;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        String d = ev.domain();
        DnsAnswer mx = ev.mx();
        List<Evidence> mxEv = List.of(ev.evidence(d, RecordType.MX));
        if (mx.status().isError()) {
            return out;
        }
        if (!mx.hasRecords()) {
            out.add(Finding.of(Rule.MX_NONE, d).summary("No MX records: senders fall back to the address of " + d)
                    .detail("MX query answered " + mx.status())
                    .why("Without MX, mail goes to the domain's A/AAAA (implicit MX): fragile if the domain receives mail, wrong if it does not.")
                    .record(d + ". IN MX 0 .  ; if the domain receives no mail").evidence(mxEv).build());
            return out;
        }
        List<DnsRecord.Mx> records = mx.recordsOf(DnsRecord.Mx.class);
        List<DnsRecord.Mx> nulls = records.stream().filter(r -> r.exchange().isEmpty()).toList();
        if (!nulls.isEmpty()) {
            boolean valid = records.size() == 1 && nulls.get(0).preference() == 0;
            if (valid) {
                out.add(Finding.of(Rule.MX_NULL, d).summary(d + " publishes a null MX: it accepts no mail")
                        .detail("MX 0 .").why("RFC 7505: receive-side rules (SMTP, TLS, MTA-STS) are skipped.").fix("Nothing to do if the domain receives no mail.").evidence(mxEv).build());
                nullButSending(ev).ifPresent(out::add);
                return out;
            }
            out.add(Finding.of(Rule.MX_NULL_INVALID, d)
                    .summary(records.size() > 1 ? "Null MX published together with other MX records" : "Null MX with a preference other than 0")
                    .detail(records.stream().map(DnsRecord.Mx::data).toList().toString())
                    .why("RFC 7505 3: a null MX must be the only MX, with preference 0; senders may treat the domain inconsistently.")
                    .evidence(mxEv).build());
        }
        List<MailHost> hosts = ev.hosts();
        boolean anyAaaa = false;
        boolean anyAddress = false;
        for (MailHost h : hosts) {
            if (h.isIpLiteral()) {
                out.add(Finding.of(Rule.MX_HOST_ALIAS_OR_LITERAL, h.name()).severity(Severity.ERROR)
                        .summary("MX exchange " + h.name() + " is an IP address written as a host name")
                        .why("RFC 5321 5.1: the exchange must be a host name; senders look it up as a name and find nothing.")
                        .evidence(mxEv).build());
                continue;
            }
            if (h.name().endsWith(".msv1.invalid") || h.name().equals("msv1.invalid")) {
                out.add(Finding.of(Rule.MX_HOST_ALIAS_OR_LITERAL, h.name()).severity(Severity.ERROR)
                        .summary("MX exchange " + h.name() + " is a Microsoft verification placeholder")
                        .why(".invalid names never resolve: mail to this MX is lost.").evidence(mxEv).build());
                continue;
            }
            List<Evidence> hEv = List.of(ev.evidence(h.name(), RecordType.A), ev.evidence(h.name(), RecordType.AAAA));
            if (!h.a().cnameChain().isEmpty() || !h.aaaa().cnameChain().isEmpty()) {
                List<String> chain = !h.a().cnameChain().isEmpty() ? h.a().cnameChain() : h.aaaa().cnameChain();
                out.add(Finding.of(Rule.MX_HOST_ALIAS_OR_LITERAL, h.name()).severity(Severity.WARN)
                        .summary("MX exchange " + h.name() + " is a CNAME (to " + chain.get(chain.size() - 1) + ")")
                        .detail("CNAME chain " + chain)
                        .why("RFC 2181 10.3: an MX must point at a canonical name; many MTAs tolerate it, some do not.")
                        .fix("Point the MX at " + chain.get(chain.size() - 1) + " directly.")
                        .record(d + ". IN MX " + h.preference() + " " + chain.get(chain.size() - 1) + ".").evidence(hEv).build());
            }
            if (h.a().status().isError() || h.aaaa().status().isError()) {
                continue;
            }
            List<InetAddress> addrs = h.addresses();
            if (addrs.isEmpty()) {
                out.add(Finding.of(Rule.MX_HOST_NO_ADDRESS, h.name())
                        .summary("MX host " + h.name() + " has no A or AAAA record")
                        .detail("A: " + h.a().status() + ", AAAA: " + h.aaaa().status())
                        .why("Senders cannot connect to an MX without an address; mail for it is deferred then bounced.")
                        .evidence(hEv).build());
                continue;
            }
            anyAddress = true;
            anyAaaa |= h.aaaa().hasRecords();
            List<InetAddress> publicOnes = addrs.stream().filter(a -> !nonRoutable(a, ev.config().treatAsPublic())).toList();
            if (publicOnes.isEmpty()) {
                out.add(Finding.of(Rule.MX_HOST_PRIVATE_IP, h.name())
                        .summary("Every address of MX host " + h.name() + " is non-routable")
                        .detail(addrs.stream().map(InetAddress::getHostAddress).toList().toString())
                        .why("Private, loopback, link-local or documentation addresses cannot be reached from the internet.")
                        .evidence(hEv).build());
            }
            if (h.listed() > 1) {
                out.add(Finding.of(Rule.MX_DUPLICATE_OR_UNAPPROVED, h.name())
                        .summary("MX host " + h.name() + " is listed in " + h.listed() + " MX records")
                        .why("Duplicates add nothing and usually hide a typo for another host.").evidence(mxEv).build());
            }
            if (!ev.config().approvedMx().isEmpty() && !ev.config().approvedMx().contains(h.name())) {
                out.add(Finding.of(Rule.MX_DUPLICATE_OR_UNAPPROVED, h.name())
                        .summary("MX host " + h.name() + " is not in the approved list")
                        .detail("approved: " + ev.config().approvedMx())
                        .why("An MX outside the estate's approved gateways may bypass filtering.").evidence(mxEv).build());
            }
        }
        if (anyAddress && !anyAaaa) {
            out.add(Finding.of(Rule.MX_IPV6, d).severity(Severity.INFO)
                    .summary("No MX host of " + d + " has an IPv6 address")
                    .why("IPv6-only senders cannot reach the domain.").fix("Add AAAA records to the MX hosts.").build());
        }
        out.addAll(reachability(ev));
        return out;
    }

    /** MX-UNREACHABLE and the IPv6-reachability part of MX-IPV6, from the SMTP probes. */
    private static List<Finding> reachability(DomainEvidence ev) {
        List<ProbedAddress> probes = ev.probes();
        if (probes.isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        List<ProbedAddress> greeted = probes.stream().filter(p -> p.result().reach() == SmtpProbeResult.Reach.GREETED).toList();
        List<ProbedAddress> failed = probes.stream().filter(p -> p.result().reach() != SmtpProbeResult.Reach.GREETED).toList();
        List<Evidence> evs = failed.stream().map(p -> new Evidence("smtp " + p.result().address(), p.result().reach().name(),
                p.result().greeting().isEmpty() ? List.of(p.result().problem()) : List.of(p.result().greeting(), p.result().problem()),
                p.result().address(), ev.config().clock().instant())).toList();
        String list = failed.stream().map(p -> p.subject() + " (" + p.result().problem() + ")").toList().toString();
        if (greeted.isEmpty()) {
            boolean busy = failed.stream().anyMatch(p -> p.result().reach() == SmtpProbeResult.Reach.TEMPORARILY_REFUSED);
            Severity s = busy || !ev.config().egressVerified() ? Severity.INCONCLUSIVE : Severity.ERROR;
            out.add(Finding.of(Rule.MX_UNREACHABLE, ev.domain()).severity(s)
                    .summary(s == Severity.ERROR ? "No MX address of " + ev.domain() + " gives an SMTP greeting"
                            : "No MX address answered with a 220 greeting (inconclusive: " + (busy ? "the server said 421/busy" : "outbound port 25 from this checker is not verified") + ")")
                    .detail(list).why("Senders cannot deliver mail to the domain.").evidence(evs).build());
        } else if (!failed.isEmpty()) {
            out.add(Finding.of(Rule.MX_UNREACHABLE, ev.domain()).severity(Severity.WARN)
                    .summary(failed.size() + " of " + probes.size() + " MX addresses give no SMTP greeting")
                    .detail(list).why("Senders waste time on dead addresses before falling back.").evidence(evs).build());
            boolean v4ok = greeted.stream().anyMatch(p -> p.address() instanceof Inet4Address);
            List<ProbedAddress> deadV6 = failed.stream().filter(p -> p.address() instanceof Inet6Address
                    && p.result().reach() == SmtpProbeResult.Reach.UNREACHABLE).toList();
            if (v4ok && !deadV6.isEmpty()) {
                out.add(Finding.of(Rule.MX_IPV6, ev.domain()).severity(Severity.WARN)
                        .summary("MX reachable over IPv4 but not over IPv6 at " + deadV6.stream().map(ProbedAddress::subject).toList())
                        .why("IPv6-preferring senders suffer delays.").fix("Fix IPv6 reachability or remove the broken AAAA.").build());
            }
        }
        return out;
    }

    /** RFC 1918, RFC 6598, loopback, link-local, ULA, unspecified and documentation ranges, unless listed in {@code allowed}. */
    static boolean nonRoutable(InetAddress a, List<String> allowed) {
        for (String cidr : allowed) {
            if (inCidr(a, cidr)) {
                return false;
            }
        }
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        for (String cidr : List.of("100.64.0.0/10", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "fc00::/7", "2001:db8::/32", "0.0.0.0/8")) {
            if (inCidr(a, cidr)) {
                return true;
            }
        }
        return false;
    }

    static boolean inCidr(InetAddress a, String cidr) {
        try {
            String[] p = cidr.split("/");
            byte[] net = InetAddress.getByName(p[0]).getAddress();
            byte[] ip = a.getAddress();
            if (net.length != ip.length) {
                return false;
            }
            int bits = p.length > 1 ? Integer.parseInt(p[1]) : net.length * 8;
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((net[i / 8] & mask) != (ip[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static boolean isEmpty(DnsAnswer a) {
        return a.status() == DnsStatus.NXDOMAIN || a.status() == DnsStatus.NODATA;
    }

    /**
     * MX-NULL-BUT-SENDING (RFC 7505 4.2): a null MX, but SPF authorises senders (any SPF record other than exactly
     * {@code v=spf1 -all}) or DMARC is not p=reject.
     */
    static java.util.Optional<Finding> nullButSending(DomainEvidence ev) {
        String d = ev.domain();
        DnsAnswer txt = ev.query(d, RecordType.TXT);
        DmarcState st = ev.dmarc();
        if (txt.status().isError() || st.answer().status().isError()) {
            return java.util.Optional.empty();
        }
        List<String> why = new ArrayList<>();
        List<String> spf = ev.spfRecords();
        if (!spf.isEmpty() && !(spf.size() == 1 && spf.get(0).trim().replaceAll(" +", " ").equalsIgnoreCase("v=spf1 -all"))) {
            why.add("SPF authorises senders: " + MtaStsChecks.clip(spf.get(0)));
        }
        java.util.Optional<DmarcState.Applied> a = st.applied();
        if (a.isEmpty() || DmarcState.effectivePolicy(a.get()) != org.mailward.auth.dmarc.Policy.REJECT) {
            why.add("DMARC is " + a.map(x -> "p=" + DmarcState.effectivePolicy(x).keyword()).orElse("absent") + ", not p=reject");
        }
        if (why.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Finding.of(Rule.MX_NULL_BUT_SENDING, d).summary(d + " has a null MX but looks like a sending domain")
                .detail(String.join("; ", why))
                .why("Receivers may reject mail whose envelope domain has a null MX: either the domain sends no mail (publish v=spf1 -all and p=reject) or the null MX is wrong.")
                .record(d + ". IN TXT \"v=spf1 -all\"\n" + DmarcChecks.line("_dmarc." + d, org.mailward.records.DmarcRecordText.of(org.mailward.auth.dmarc.Policy.REJECT)
                        .withSubdomain(java.util.Optional.of(org.mailward.auth.dmarc.Policy.REJECT)).withAlignment(org.mailward.auth.dmarc.Alignment.STRICT,
                                org.mailward.auth.dmarc.Alignment.STRICT)))
                .evidence(List.of(ev.evidence(d, RecordType.MX), ev.evidence(d, RecordType.TXT))).build());
    }
}
