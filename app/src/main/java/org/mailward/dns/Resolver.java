package org.mailward.dns;

import java.net.InetAddress;

/**
 * Answers DNS questions. Every layer that needs DNS takes one of these in its constructor, so the same code runs
 * against the network, a zone file or a test double.
 *
 * <p>Contract: {@link #query} never throws for a DNS outcome; failures are {@link DnsStatus#SERVFAIL} or
 * {@link DnsStatus#TIMEOUT} answers with a detail text. CNAMEs are followed (at most {@link #MAX_CNAME_CHAIN}
 * links; a loop or a longer chain is SERVFAIL) and the chain is recorded in the answer. Names are compared
 * case-insensitively; a trailing dot is ignored. Implementations are safe for concurrent use.
 */
public interface Resolver {

    /** The longest CNAME chain followed before giving up (CHECKS.md 0.3: max chain 8). */
    int MAX_CNAME_CHAIN = 8;

    DnsAnswer query(String name, RecordType type);

    /** The reverse-lookup name of an address: {@code 4.3.2.1.in-addr.arpa} or the nibble form under ip6.arpa. */
    static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
            sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    /** Lower case, no trailing dot, surrounding white space removed. Does not validate. */
    static String normalise(String name) {
        String n = name.trim();
        if (n.endsWith(".") && n.length() > 1) {
            n = n.substring(0, n.length() - 1);
        }
        return n.toLowerCase(java.util.Locale.ROOT);
    }
}
