package org.mailward.check;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
    private final Map<Key, CompletableFuture<DnsAnswer>> answers = new ConcurrentHashMap<>();
    private final Map<Key, Evidence> evidence = new ConcurrentHashMap<>();
    /** The questions a rule asked (prefetched answers nobody used are not evidence and never inconclusive). */
    private final Set<Key> used = ConcurrentHashMap.newKeySet();

    public DnsLookups(Resolver resolver, String source, Clock clock) {
        this.resolver = resolver;
        this.source = source;
        this.clock = clock;
    }

    public DnsAnswer query(String name, RecordType type) {
        Key key = new Key(Resolver.normalise(name), type);
        used.add(key);
        CompletableFuture<DnsAnswer> f = answers.get(key);
        if (f == null) {
            CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
            f = answers.putIfAbsent(key, mine);
            if (f == null) {
                ask(key, mine);
                f = mine;
            }
        }
        return f.join();
    }

    /**
     * Starts the given questions in parallel (one virtual thread each) so that later {@link #query} calls find them
     * answered: a domain's independent questions then cost one round trip instead of one each. Only questions the
     * check is about to ask should be prefetched; one that no rule asks is still sent, but is neither evidence nor
     * inconclusive.
     */
    public void prefetch(List<Question> questions) {
        for (Question q : questions) {
            Key key = new Key(Resolver.normalise(q.name()), q.type());
            CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
            if (answers.putIfAbsent(key, mine) == null) {
                Thread.ofVirtual().name("dns-prefetch").start(() -> ask(key, mine));
            }
        }
    }

    /** A question to prefetch. */
    public record Question(String name, RecordType type) {
    }

    private void ask(Key k, CompletableFuture<DnsAnswer> into) {
        DnsAnswer a;
        try {
            a = resolver.query(k.name(), k.type());
        } catch (RuntimeException e) {
            // The Resolver contract says it never throws for DNS outcomes; a bug below must not kill the check.
            a = DnsAnswer.servfail(k.name(), k.type(), "resolver error: " + e);
        }
        evidence.put(k, toEvidence(a));
        into.complete(a);
    }

    /** The evidence of one answer already asked (or asks it). */
    public Evidence evidence(String name, RecordType type) {
        query(name, type);
        return evidence.get(new Key(Resolver.normalise(name), type));
    }

    /** Every answer whose status is SERVFAIL or TIMEOUT among the questions asked, in no particular order. */
    public List<DnsAnswer> failures() {
        List<DnsAnswer> out = new ArrayList<>();
        for (Key k : used) {
            DnsAnswer a = answers.get(k).join();
            if (a.status().isError()) {
                out.add(a);
            }
        }
        out.sort((x, y) -> (x.name() + x.type()).compareTo(y.name() + y.type()));
        return out;
    }

    /** The number of distinct questions the check asked. */
    public int questions() {
        return used.size();
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
