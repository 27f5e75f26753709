package org.mailward.gateway.inbound;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * Forward-confirmed reverse DNS of an SMTP client (the "iprev" method, RFC 8601 3 and 2.7.3): the PTR names of the
 * address, then the A/AAAA records of those names; pass when one of them leads back to the address.
 *
 * @param result pass, fail, temperror or permerror (RFC 8601 2.7.3)
 * @param name   the PTR name confirmed by its forward lookup; empty unless pass
 * @param detail a one-line explanation for logs
 */
public record Fcrdns(String result, String name, String detail) {

    /** At most this many PTR names are followed (RFC 7208 4.6.4 uses 10 for the similar SPF "ptr" mechanism). */
    static final int MAX_NAMES = 10;

    public static Fcrdns check(Resolver resolver, InetAddress ip) {
        DnsAnswer ptr = resolver.query(Resolver.reverseName(ip), RecordType.PTR);
        if (ptr.status().isError()) {
            return new Fcrdns("temperror", "", "PTR lookup " + ptr.status());
        }
        List<String> names = ptr.recordsOf(DnsRecord.Ptr.class).stream().map(p -> Resolver.normalise(p.target())).toList();
        if (names.isEmpty()) {
            // RFC 8601 2.7.3 permerror: a permanent DNS error, here no PTR record at all
            return new Fcrdns("permerror", "", "no PTR record for " + ip.getHostAddress());
        }
        RecordType type = ip.getAddress().length == 4 ? RecordType.A : RecordType.AAAA;
        boolean temp = false;
        for (String n : names.subList(0, Math.min(MAX_NAMES, names.size()))) {
            DnsAnswer fwd = resolver.query(n, type);
            if (fwd.status().isError()) {
                temp = true;
                continue;
            }
            List<InetAddress> addrs = type == RecordType.A
                    ? fwd.recordsOf(DnsRecord.A.class).stream().map(DnsRecord.A::address).toList()
                    : fwd.recordsOf(DnsRecord.Aaaa.class).stream().map(DnsRecord.Aaaa::address).toList();
            if (addrs.contains(ip)) {
                return new Fcrdns("pass", n, n + " resolves back to " + ip.getHostAddress());
            }
        }
        if (temp) {
            return new Fcrdns("temperror", "", "forward lookup of " + String.join(", ", names) + " failed");
        }
        return new Fcrdns("fail", "", "no PTR name of " + ip.getHostAddress() + " (" + String.join(", ", names).toLowerCase(Locale.ROOT)
                + ") resolves back to it");
    }
}
