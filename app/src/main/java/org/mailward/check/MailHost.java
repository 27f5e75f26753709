package org.mailward.check;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;

/**
 * One MX exchange of the domain with its address answers.
 *
 * @param name       the exchange, lower case, no trailing dot
 * @param preference the lowest preference it is listed with
 * @param listed     how many MX records name it
 * @param a          the A answer
 * @param aaaa       the AAAA answer
 */
public record MailHost(String name, int preference, int listed, DnsAnswer a, DnsAnswer aaaa) {

    /** IPv4 then IPv6 addresses, in answer order. */
    public List<InetAddress> addresses() {
        List<InetAddress> out = new ArrayList<>();
        a.recordsOf(DnsRecord.A.class).forEach(r -> out.add(r.address()));
        aaaa.recordsOf(DnsRecord.Aaaa.class).forEach(r -> out.add(r.address()));
        return out.stream().distinct().toList();
    }

    /** The exchange is written as an IP address (RFC 5321 5.1 forbids it). */
    public boolean isIpLiteral() {
        return name.matches("\\[?[0-9]{1,3}(\\.[0-9]{1,3}){3}]?") || name.contains(":");
    }
}
