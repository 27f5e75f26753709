package org.mailward.dns;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * A TTL-honouring cache in front of another resolver.
 *
 * <ul>
 *   <li>Positive answers live for the smallest TTL of their records, capped at {@code maxTtl}.</li>
 *   <li>NXDOMAIN and NODATA live for the negative TTL of the answer (RFC 2308 5: the SOA minimum, capped by the SOA
 *       TTL), or {@code defaultNegativeTtl} when the answer carried none, capped at {@code maxNegativeTtl}.</li>
 *   <li>SERVFAIL and timeouts live for {@code errorTtl} (RFC 2308 7.1 allows up to five minutes; default 30 s) so a
 *       broken name is not hammered.</li>
 *   <li>Bounded: at most {@code maxEntries}; the least recently used entry goes first.</li>
 *   <li>Concurrent callers asking the same question while it is in flight share one upstream lookup, so no question
 *       is asked twice within its TTL.</li>
 * </ul>
 */
public final class CachingResolver implements Resolver {

    private record Key(String name, RecordType type) {
    }

    private record Entry(DnsAnswer answer, long expiresAtMillis) {
    }

    private final Resolver delegate;
    private final Clock clock;
    private final int maxEntries;
    private final Duration maxTtl;
    private final Duration maxNegativeTtl;
    private final Duration defaultNegativeTtl;
    private final Duration errorTtl;
    private final Map<Key, Entry> entries;
    private final ConcurrentHashMap<Key, CompletableFuture<DnsAnswer>> inFlight = new ConcurrentHashMap<>();

    public CachingResolver(Resolver delegate, Clock clock) {
        this(delegate, clock, 100_000, Duration.ofDays(1), Duration.ofHours(3), Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    public CachingResolver(Resolver delegate, Clock clock, int maxEntries, Duration maxTtl, Duration maxNegativeTtl,
                           Duration defaultNegativeTtl, Duration errorTtl) {
        this.delegate = Objects.requireNonNull(delegate);
        this.clock = Objects.requireNonNull(clock);
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
        this.maxTtl = maxTtl;
        this.maxNegativeTtl = maxNegativeTtl;
        this.defaultNegativeTtl = defaultNegativeTtl;
        this.errorTtl = errorTtl;
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CachingResolver.Entry> eldest) {
                return size() > CachingResolver.this.maxEntries;
            }
        };
    }

    @Override
    public DnsAnswer query(String name, RecordType type) {
        Key key = new Key(Resolver.normalise(name), type);
        DnsAnswer hit = cached(key);
        if (hit != null) {
            return hit;
        }
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return existing.join();
        }
        try {
            // Another caller may have finished the same lookup between the miss above and claiming the slot: its
            // answer is in the cache now, and asking again would repeat a question within its TTL.
            hit = cached(key);
            if (hit != null) {
                mine.complete(hit);
                return hit;
            }
            DnsAnswer answer = delegate.query(name, type);
            long ttlMillis = lifetime(answer).toMillis();
            if (ttlMillis > 0) {
                synchronized (entries) {
                    entries.put(key, new Entry(answer, clock.millis() + ttlMillis));
                }
            }
            mine.complete(answer);
            return answer;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** The unexpired cached answer, or null. */
    private DnsAnswer cached(Key key) {
        long now = clock.millis();
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e != null) {
                if (e.expiresAtMillis > now) {
                    return e.answer;
                }
                entries.remove(key);
            }
        }
        return null;
    }

    /** How long this cache keeps {@code answer} (its TTL, negative TTL or the error lifetime, capped). */
    public Duration lifetime(DnsAnswer answer) {
        return switch (answer.status()) {
            case RECORDS -> min(Duration.ofSeconds(answer.minTtl()), maxTtl);
            case NXDOMAIN, NODATA -> min(answer.negativeTtl() > 0 ? Duration.ofSeconds(answer.negativeTtl()) : defaultNegativeTtl, maxNegativeTtl);
            case SERVFAIL, TIMEOUT -> errorTtl;
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
