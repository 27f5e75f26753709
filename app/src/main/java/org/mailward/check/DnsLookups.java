package org.mailward.check;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * The DNS evidence of one domain check: every question is asked at most once per check (answers are memoised
 * here; the shared {@link Resolver} underneath is usually a {@code CachingResolver} shared by all domains of a
 * batch), and every answer is kept with its time so findings can cite it and {@code GEN-DNS-INCONCLUSIVE} can list
 * every lookup that failed.
 */
public final class DnsLookups {

    private record Key(String name, RecordType type) {
    }

    private final Resolver resolver;
    private final String source;
    private final Clock clock;
    private final Map<Key, DnsAnswer> answers = new ConcurrentHashMap<>();
    private final Map<Key, Evidence> evidence = new ConcurrentHashMap<>();

    public DnsLookups(Resolver resolver, String source, Clock clock) {
        this.resolver = resolver;
        this.source = source;
        this.clock = clock;
    }

    public DnsAnswer query(String name, RecordType type) {
        Key key = new Key(Resolver.normalise(name), type);
        return answers.computeIfAbsent(key, k -> {
            DnsAnswer a;
            try {
                a = resolver.query(k.name(), k.type());
            } catch (RuntimeException e) {
                // The Resolver contract says it never throws for DNS outcomes; a bug below must not kill the check.
                a = DnsAnswer.servfail(k.name(), k.type(), "resolver error: " + e);
            }
            evidence.put(k, toEvidence(a));
            return a;
        });
    }

    /** The evidence of one answer already asked (or asks it). */
    public Evidence evidence(String name, RecordType type) {
        query(name, type);
        return evidence.get(new Key(Resolver.normalise(name), type));
    }

    /** Every answer whose status is SERVFAIL or TIMEOUT, in no particular order. */
    public List<DnsAnswer> failures() {
        List<DnsAnswer> out = new ArrayList<>();
        for (DnsAnswer a : answers.values()) {
            if (a.status().isError()) {
                out.add(a);
            }
        }
        out.sort((x, y) -> (x.name() + x.type()).compareTo(y.name() + y.type()));
        return out;
    }

    public int questions() {
        return answers.size();
    }

    private Evidence toEvidence(DnsAnswer a) {
        List<String> lines = new ArrayList<>();
        for (String c : a.cnameChain()) {
            lines.add("CNAME -> " + c);
        }
        int n = 0;
        for (DnsRecord r : a.records()) {
            if (n++ == 20) {
                lines.add("... " + (a.records().size() - 20) + " more");
                break;
            }
            String d = r.data();
            lines.add(r.type() + " " + (d.length() > 300 ? d.substring(0, 300) + "...(" + d.length() + " chars)" : d));
        }
        if (!a.detail().isEmpty()) {
            lines.add(a.detail());
        }
        String status = a.status().name() + (a.authenticated() ? " AD" : "");
        return new Evidence(a.name() + "/" + a.type(), status, lines, source, clock.instant());
    }
}
