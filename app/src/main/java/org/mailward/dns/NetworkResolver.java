package org.mailward.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks recursive resolvers over the network (dnsjava's {@link SimpleResolver}): configurable servers, a timeout
 * per try, retries across servers, TCP when a UDP answer is truncated, EDNS(0) with the DO bit and the AD bit set in
 * the query (RFC 6840 5.7) so a validating resolver says whether the answer was authenticated.
 *
 * <p>Only the AD bit is trusted: run Mailward against a validating resolver on a trusted path (loopback) when DANE
 * matters.
 */
public final class NetworkResolver implements Resolver {

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final int attempts;

    /**
     * @param servers  recursive resolvers to ask, in order
     * @param timeout  time allowed for one try
     * @param retries  extra rounds over all servers after the first (CHECKS.md 0.1 default: 2)
     */
    public NetworkResolver(List<InetSocketAddress> servers, Duration timeout, int retries) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers given");
        }
        this.servers = List.copyOf(servers);
        this.timeout = Objects.requireNonNull(timeout);
        this.attempts = Math.max(1, retries + 1);
    }

    /** The servers of the system configuration (/etc/resolv.conf), 5 s per try, 2 retries. */
    public static NetworkResolver system() {
        List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
        return new NetworkResolver(servers.isEmpty() ? List.of(new InetSocketAddress("127.0.0.1", 53)) : servers,
                Duration.ofSeconds(5), 2);
    }

    /** Parses {@code HOST:PORT}, {@code HOST} (port 53) or {@code [V6]:PORT}. */
    public static InetSocketAddress parseServer(String spec) {
        String s = spec.trim();
        String host;
        int port = 53;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("bad resolver address: " + spec);
            }
            host = s.substring(1, end);
            if (s.length() > end + 1) {
                if (s.charAt(end + 1) != ':') {
                    throw new IllegalArgumentException("bad resolver address: " + spec);
                }
                port = parsePort(s.substring(end + 2), spec);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(s.substring(s.indexOf(':') + 1), spec);
        } else {
            host = s;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("bad resolver address: " + spec);
        }
        return new InetSocketAddress(host, port);
    }

    private static int parsePort(String p, String spec) {
        try {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in resolver address: " + spec, e);
        }
    }

    @Override
    public DnsAnswer query(String name, RecordType type) {
        String qname = Resolver.normalise(name);
        List<String> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        seen.add(qname);
        String current = qname;
        boolean allAuthenticated = true;
        for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
            Message response;
            try {
                response = ask(current, type);
            } catch (IOException | RuntimeException e) {
                if (isTimeout(e)) {
                    return DnsAnswer.timeout(qname, type, "no answer from " + servers + " for " + current + "/" + type);
                }
                return DnsAnswer.servfail(qname, type, "query " + current + "/" + type + " failed: " + e);
            }
            int rcode = response.getRcode();
            boolean ad = response.getHeader().getFlag(Flags.AD);
            allAuthenticated &= ad;
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return DnsAnswer.servfail(qname, type, Rcode.string(rcode) + " for " + current + "/" + type);
            }
            // Follow the CNAME chain inside the answer section.
            List<Record> answers = response.getSection(Section.ANSWER);
            String target = current;
            boolean moved = true;
            while (moved) {
                moved = false;
                for (Record r : answers) {
                    if (r.getType() == Type.CNAME && type != RecordType.CNAME && DnsjavaRecords.name(r.getName()).equals(target)) {
                        target = DnsjavaRecords.name(((org.xbill.DNS.CNAMERecord) r).getTarget());
                        chain.add(target);
                        if (!seen.add(target) || chain.size() > MAX_CNAME_CHAIN) {
                            return DnsAnswer.servfail(qname, type, "CNAME loop or chain longer than " + MAX_CNAME_CHAIN + ": " + chain);
                        }
                        moved = true;
                        break;
                    }
                }
            }
            List<DnsRecord> records = new ArrayList<>();
            for (Record r : answers) {
                if (r.getType() == type.code() && DnsjavaRecords.name(r.getName()).equals(target)) {
                    DnsjavaRecords.convert(r).ifPresent(records::add);
                }
            }
            if (!records.isEmpty()) {
                return DnsAnswer.of(qname, type, records).withCnameChain(chain).withAuthenticated(allAuthenticated);
            }
            if (!target.equals(current) && rcode == Rcode.NOERROR && !hasNegativeProof(response)) {
                // The chain left the answer section unfinished: ask for its end.
                current = target;
                continue;
            }
            long negTtl = negativeTtl(response).orElse(0L);
            DnsAnswer neg = rcode == Rcode.NXDOMAIN ? DnsAnswer.nxdomain(qname, type) : DnsAnswer.nodata(qname, type);
            return neg.withCnameChain(chain).withAuthenticated(allAuthenticated).withNegativeTtl(negTtl);
        }
        return DnsAnswer.servfail(qname, type, "CNAME chain longer than " + MAX_CNAME_CHAIN + ": " + chain);
    }

    /** dnsjava reports a timeout as an IOException caused by a TimeoutException (or a SocketTimeoutException). */
    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || (t.getMessage() != null && t.getMessage().startsWith("Timed out"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasNegativeProof(Message response) {
        return response.getSection(Section.AUTHORITY).stream().anyMatch(r -> r.getType() == Type.SOA);
    }

    /** RFC 2308 5: the negative TTL is the smaller of the SOA's TTL and its MINIMUM field. */
    private static Optional<Long> negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Optional.of(Math.min(soa.getTTL(), soa.getMinimum()));
            }
        }
        return Optional.empty();
    }

    private Message ask(String name, RecordType type) throws IOException {
        Name qn;
        try {
            qn = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IOException("bad name " + name + ": " + e.getMessage(), e);
        }
        Message query = Message.newQuery(Record.newRecord(qn, type.code(), DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        IOException last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            for (InetSocketAddress server : servers) {
                SimpleResolver r = new SimpleResolver(server);
                r.setTimeout(timeout);
                r.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
                try {
                    Message response = r.send(query);
                    int rcode = response.getRcode();
                    if (rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED) {
                        // Another server may do better; keep the answer in case none does.
                        last = new IOException(Rcode.string(rcode) + " from " + server);
                        if (attempt == attempts - 1 && server.equals(servers.get(servers.size() - 1))) {
                            return response;
                        }
                        continue;
                    }
                    return response;
                } catch (IOException e) {
                    last = e;
                }
            }
        }
        throw last == null ? new SocketTimeoutException("no servers") : last;
    }
}
