package org.mailward.check;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.Resolver;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;

/**
 * CHECKS.md section 1 (GEN). {@link #domainMissing} runs first: a domain that does not exist skips every other
 * rule. {@link #inconclusive} runs last and turns every failed lookup of the check into GEN-DNS-INCONCLUSIVE.
 * {@link #nameServers} (GEN-NS-INCONSISTENT) asks each authoritative nameserver address directly.
 */
public final class GeneralChecks {

    private GeneralChecks() {
    }

    /** GEN-DOMAIN-NXDOMAIN: the domain's SOA question answers NXDOMAIN (the name does not exist at all). */
    public static List<Finding> domainMissing(DomainEvidence ev) {
        DnsAnswer soa = ev.query(ev.domain(), RecordType.SOA);
        if (soa.status() != org.mailward.dns.DnsStatus.NXDOMAIN) {
            return List.of();
        }
        return List.of(Finding.of(Rule.GEN_DOMAIN_NXDOMAIN, ev.domain())
                .summary("The domain " + ev.domain() + " does not exist (NXDOMAIN)")
                .detail("SOA query for " + ev.domain() + " answered NXDOMAIN; every other rule is skipped.")
                .why("Mail to or from a name that does not exist cannot be delivered or authenticated.")
                .evidence(List.of(ev.evidence(ev.domain(), RecordType.SOA))).build());
    }

    /** GEN-DNS-INCONCLUSIVE: one finding per lookup that failed (SERVFAIL, timeout), naming the question. */
    public static List<Finding> inconclusive(DomainEvidence ev) {
        List<Finding> out = new ArrayList<>();
        for (DnsAnswer a : ev.dns().failures()) {
            out.add(Finding.of(Rule.GEN_DNS_INCONCLUSIVE, a.name() + "/" + a.type())
                    .summary("DNS lookup " + a.name() + "/" + a.type() + " failed (" + a.status() + "): rules needing it are inconclusive")
                    .detail(a.detail().isEmpty() ? a.status().name() : a.detail())
                    .why("A failed lookup says nothing about the record; it is never reported as a failure.")
                    .evidence(List.of(ev.evidence(a.name(), a.type()))).build());
        }
        return out;
    }

    /** At most this many nameserver addresses are asked, and this many DKIM selectors compared. */
    static final int MAX_SERVERS = 8;
    static final int MAX_SELECTORS = 10;

    /** One question asked of every nameserver. */
    private record Question(String name, RecordType type) {
        @Override
        public String toString() {
            return name + "/" + type;
        }
    }

    /** What one server said: per question, the sorted RRset data; or why it could not be asked. */
    private record ServerAnswers(InetAddress address, String host, Map<Question, List<String>> rrsets, String failure) {
    }

    /**
     * GEN-NS-INCONSISTENT: asks every address of every NS host of the domain (the domain's own NS RRset, so the
     * domain must be a zone apex; a name below a zone cut is skipped) for the apex TXT, {@code _dmarc}, MX,
     * {@code _mta-sts}, {@code _smtp._tls} and the DKIM selectors that answered, and compares the RRsets (data only,
     * TTLs ignored; NXDOMAIN and NODATA are both "empty"). Different RRsets: WARN. A server that does not answer
     * (timeout, SERVFAIL, REFUSED) is left out of the comparison and reported INCONCLUSIVE, never as a difference.
     * Bounded: at most {@value #MAX_SERVERS} addresses, asked in parallel; a server that fails its first question is
     * not asked the rest.
     */
    public static List<Finding> nameServers(DomainEvidence ev) {
        CheckConfig c = ev.config();
        String d = ev.domain();
        if (!c.nsConsistency()) {
            return List.of();
        }
        Map<InetAddress, String> servers = nameServerAddresses(ev);
        if (servers.size() < 2) {
            return List.of(); // one server cannot disagree with itself
        }
        List<Question> questions = new ArrayList<>(List.of(new Question(d, RecordType.TXT), new Question("_dmarc." + d, RecordType.TXT),
                new Question(d, RecordType.MX), new Question("_mta-sts." + d, RecordType.TXT), new Question("_smtp._tls." + d, RecordType.TXT)));
        DkimChecks.selectors(ev).stream().filter(s -> !s.texts().isEmpty()).limit(MAX_SELECTORS)
                .forEach(s -> questions.add(new Question(s.name() + "._domainkey." + d, RecordType.TXT)));
        List<ServerAnswers> answers = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ServerAnswers>> futures = new ArrayList<>();
            servers.forEach((ip, host) -> futures.add(ex.submit(() -> ask(c.directResolvers().forServer(ip), ip, host, questions))));
            for (Future<ServerAnswers> f : futures) {
                try {
                    answers.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("nameserver query failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        List<ServerAnswers> ok = answers.stream().filter(a -> a.failure().isEmpty()).toList();
        List<String> differences = new ArrayList<>();
        for (Question q : questions) {
            Map<List<String>, List<String>> byRrset = new LinkedHashMap<>();
            for (ServerAnswers a : ok) {
                if (a.rrsets().containsKey(q)) {
                    byRrset.computeIfAbsent(a.rrsets().get(q), k -> new ArrayList<>()).add(a.host() + " (" + a.address().getHostAddress() + ")");
                }
            }
            if (byRrset.size() > 1) {
                StringBuilder sb = new StringBuilder(q.toString()).append(":");
                byRrset.forEach((rr, who) -> sb.append(" ").append(who).append(" answer ").append(rr.isEmpty() ? "nothing" : MtaStsChecks.clip(String.join(" | ", rr))).append(";"));
                differences.add(sb.toString());
            }
        }
        if (!differences.isEmpty()) {
            out.add(Finding.of(Rule.GEN_NS_INCONSISTENT, d).summary("The nameservers of " + d + " give different answers for "
                            + differences.size() + " name" + (differences.size() == 1 ? "" : "s"))
                    .detail(String.join("\n", differences))
                    .why("Receivers see one record or the other depending on which nameserver their resolver asks: results flap.")
                    .evidence(List.of(ev.evidence(d, RecordType.NS))).build());
        }
        List<ServerAnswers> failed = answers.stream().filter(a -> !a.failure().isEmpty()).toList();
        if (!failed.isEmpty()) {
            out.add(Finding.of(Rule.GEN_NS_INCONSISTENT, d).severity(Severity.INCONCLUSIVE)
                    .summary(failed.size() + " of " + answers.size() + " nameserver addresses of " + d + " could not be compared")
                    .detail(String.join("; ", failed.stream().map(a -> a.host() + " (" + a.address().getHostAddress() + "): " + a.failure()).toList()))
                    .why("A nameserver that does not answer cannot be compared; this is not reported as an inconsistency.")
                    .evidence(List.of(ev.evidence(d, RecordType.NS))).build());
        }
        return out;
    }

    /** The addresses of the domain's own NS hosts (at most {@value #MAX_SERVERS}), each with its host name. */
    static Map<InetAddress, String> nameServerAddresses(DomainEvidence ev) {
        DnsAnswer ns = ev.query(ev.domain(), RecordType.NS);
        Map<InetAddress, String> servers = new LinkedHashMap<>();
        for (DnsRecord.Ns r : ns.recordsOf(DnsRecord.Ns.class)) {
            for (RecordType t : new RecordType[] {RecordType.A, RecordType.AAAA}) {
                for (DnsRecord a : ev.query(r.target(), t).records()) {
                    InetAddress ip = a instanceof DnsRecord.A x ? x.address() : a instanceof DnsRecord.Aaaa x ? x.address() : null;
                    if (ip != null && servers.size() < MAX_SERVERS) {
                        servers.putIfAbsent(ip, r.target());
                    }
                }
            }
        }
        return servers;
    }

    private static ServerAnswers ask(Resolver r, InetAddress ip, String host, List<Question> questions) {
        Map<Question, List<String>> rrsets = new LinkedHashMap<>();
        for (Question q : questions) {
            DnsAnswer a = r.query(q.name(), q.type());
            if (a.status().isError()) {
                if (rrsets.isEmpty()) {
                    return new ServerAnswers(ip, host, Map.of(), q + " answered " + a.status() + (a.detail().isEmpty() ? "" : " (" + MtaStsChecks.clip(a.detail()) + ")"));
                }
                continue; // one failed question later on: leave it out of the comparison
            }
            rrsets.put(q, List.copyOf(new TreeSet<>(a.records().stream().map(DnsRecord::data).toList())));
        }
        return new ServerAnswers(ip, host, rrsets, "");
    }
}
