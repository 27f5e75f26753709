package org.mailward.dns;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the questions it passes to its delegate, in total and per type, and tells observers. Put it below a
 * {@link CachingResolver} to count real lookups (benchmarks, "no question asked twice within its TTL"), or above one
 * to count what a caller asked.
 */
public final class CountingResolver implements Resolver {

    private final Resolver delegate;
    private final LongAdder total = new LongAdder();
    private final Map<RecordType, LongAdder> perType = new ConcurrentHashMap<>();
    private final List<QueryObserver> observers = new CopyOnWriteArrayList<>();

    public CountingResolver(Resolver delegate) {
        this.delegate = delegate;
    }

    public CountingResolver observe(QueryObserver observer) {
        observers.add(observer);
        return this;
    }

    @Override
    public DnsAnswer query(String name, RecordType type) {
        DnsAnswer answer = delegate.query(name, type);
        total.increment();
        perType.computeIfAbsent(type, t -> new LongAdder()).increment();
        for (QueryObserver o : observers) {
            o.onQuery(name, type, answer);
        }
        return answer;
    }

    public long count() {
        return total.sum();
    }

    public long count(RecordType type) {
        LongAdder a = perType.get(type);
        return a == null ? 0 : a.sum();
    }

    public void reset() {
        total.reset();
        perType.clear();
    }
}
