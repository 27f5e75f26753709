package org.mailward.dns;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Statistics of the questions that really went out (observe a {@link CountingResolver} placed below the
 * {@link CachingResolver}): total, distinct questions, and how many were asked again while the earlier answer was
 * still within its lifetime (its TTL, negative TTL or error lifetime, as the cache computes it: {@code lifetime}).
 * That last count should be zero: a non-zero value means the cache or its in-flight sharing let a duplicate through.
 */
public final class QueryStats implements QueryObserver {

    private record Key(String name, RecordType type) {
    }

    /** When the last answer to a question came and how long it stays valid. */
    private record Seen(long atMillis, long lifetimeMillis) {
    }

    /** A snapshot. {@code byType} and {@code byStatus} in enum order; types never asked are left out. */
    public record Snapshot(long total, long distinct, long repeatedWithinTtl, Map<RecordType, Long> byType, Map<DnsStatus, Long> byStatus) {
    }

    private final Clock clock;
    private final Function<DnsAnswer, Duration> lifetime;
    private final Map<Key, Seen> seen = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder repeated = new LongAdder();
    private final Map<RecordType, LongAdder> byType = new ConcurrentHashMap<>();
    private final Map<DnsStatus, LongAdder> byStatus = new ConcurrentHashMap<>();

    /**
     * @param clock    the clock of the cache
     * @param lifetime how long the cache keeps an answer ({@link CachingResolver#lifetime})
     */
    public QueryStats(Clock clock, Function<DnsAnswer, Duration> lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    @Override
    public void onQuery(String name, RecordType type, DnsAnswer answer) {
        long now = clock.millis();
        total.increment();
        byType.computeIfAbsent(type, t -> new LongAdder()).increment();
        byStatus.computeIfAbsent(answer.status(), t -> new LongAdder()).increment();
        Seen mine = new Seen(now, lifetime.apply(answer).toMillis());
        seen.merge(new Key(Resolver.normalise(name), type), mine, (old, x) -> {
            if (x.atMillis() < old.atMillis() + old.lifetimeMillis()) {
                repeated.increment();
            }
            return x;
        });
    }

    public Snapshot snapshot() {
        Map<RecordType, Long> types = new EnumMap<>(RecordType.class);
        byType.forEach((t, n) -> types.put(t, n.sum()));
        Map<DnsStatus, Long> statuses = new EnumMap<>(DnsStatus.class);
        byStatus.forEach((s, n) -> statuses.put(s, n.sum()));
        return new Snapshot(total.sum(), seen.size(), repeated.sum(), types, statuses);
    }

    /** One line for a log or stderr: totals, per type and per status. */
    public static String describe(Snapshot s, int domains) {
        Map<String, Long> types = new LinkedHashMap<>();
        s.byType().forEach((t, n) -> types.put(t.name(), n));
        Map<String, Long> statuses = new LinkedHashMap<>();
        s.byStatus().forEach((t, n) -> statuses.put(t.name(), n));
        String perDomain = domains > 0 ? String.format(java.util.Locale.ROOT, "%.1f", (double) s.total() / domains) : "-";
        return "dns: " + s.total() + " queries sent (" + perDomain + " per domain), " + s.distinct() + " distinct questions, "
                + s.repeatedWithinTtl() + " repeated within TTL; by type " + types + "; by answer " + statuses;
    }
}
