package org.mailward.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachingResolverTest {

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        public Clock withZone(java.time.ZoneId zone) { return this; }
        public Instant instant() { return now.get(); }
        void advance(Duration d) { now.set(now.get().plus(d)); }
    }

    private final ZoneFileResolver zone = ZoneFileResolver.fromText("""
            a.test. 100 IN A 192.0.2.1
            a.test. 50 IN A 192.0.2.2
            """);

    @Test
    void positiveAnswersLiveForTheSmallestTtl() {
        MutableClock clock = new MutableClock();
        CountingResolver upstream = new CountingResolver(zone);
        CachingResolver cache = new CachingResolver(upstream, clock);
        cache.query("a.test", RecordType.A);
        cache.query("A.TEST.", RecordType.A);
        assertThat(upstream.count()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(49));
        cache.query("a.test", RecordType.A);
        assertThat(upstream.count()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        cache.query("a.test", RecordType.A);
        assertThat(upstream.count()).isEqualTo(2);
    }

    @Test
    void negativeAnswersUseTheirNegativeTtl() {
        MutableClock clock = new MutableClock();
        Resolver withSoaMinimum = (name, type) -> DnsAnswer.nxdomain(name, type).withNegativeTtl(30);
        CountingResolver upstream = new CountingResolver(withSoaMinimum);
        CachingResolver cache = new CachingResolver(upstream, clock);
        cache.query("x.test", RecordType.TXT);
        clock.advance(Duration.ofSeconds(29));
        cache.query("x.test", RecordType.TXT);
        assertThat(upstream.count()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        cache.query("x.test", RecordType.TXT);
        assertThat(upstream.count()).isEqualTo(2);
    }

    @Test
    void theCacheIsBounded() {
        MutableClock clock = new MutableClock();
        Resolver any = (name, type) -> DnsAnswer.nodata(name, type).withNegativeTtl(600);
        CachingResolver cache = new CachingResolver(any, clock, 10, Duration.ofDays(1), Duration.ofHours(1),
                Duration.ofMinutes(5), Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            cache.query("n" + i + ".test", RecordType.A);
        }
        assertThat(cache.size()).isEqualTo(10);
    }

    @Test
    void concurrentAskersShareOneLookup() throws Exception {
        MutableClock clock = new MutableClock();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        CountingResolver upstream = new CountingResolver((name, type) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return zone.query(name, type);
        });
        CachingResolver cache = new CachingResolver(upstream, clock);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<DnsAnswer>>();
            for (int i = 0; i < 20; i++) {
                futures.add(pool.submit(() -> cache.query("a.test", RecordType.A)));
            }
            Thread.sleep(100);
            release.countDown();
            for (var f : futures) {
                assertThat(f.get().status()).isEqualTo(DnsStatus.RECORDS);
            }
        }
        assertThat(upstream.count()).isEqualTo(1);
    }

    /**
     * A caller that missed the cache just as another caller finished the same lookup must take the cached answer,
     * not ask again (the window between the cache miss and claiming the in-flight slot). Stress: many platform
     * threads ask the same fresh questions in the same order against an instant upstream; every question must reach
     * the upstream exactly once.
     */
    @Test
    void aLookupFinishingBetweenMissAndClaimIsNotRepeated() throws Exception {
        MutableClock clock = new MutableClock();
        Resolver instant = (name, type) -> DnsAnswer.nodata(name, type).withNegativeTtl(600);
        QueryStats stats = new QueryStats(clock, a -> Duration.ofSeconds(600));
        CountingResolver upstream = new CountingResolver(instant).observe(stats);
        CachingResolver cache = new CachingResolver(upstream, clock);
        int questions = 20_000;
        int threads = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < questions; i++) {
                        cache.query("q" + i + ".test", RecordType.TXT);
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get();
            }
        }
        assertThat(stats.snapshot().repeatedWithinTtl()).isZero();
        assertThat(upstream.count()).isEqualTo(questions);
        assertThat(stats.snapshot().distinct()).isEqualTo(questions);
    }
}
