package org.mailward.check.probe;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * SMTP/TLS probe results cached per IP address and port, not per domain (CHECKS.md 0.7): 10,000 domains hosted by
 * one provider cost one probe of each provider address per TTL. Concurrent requests for the same address share one
 * probe (so connections to one IP are serialised); probes of different addresses run in parallel on virtual
 * threads.
 */
public final class ProbeCache {

    private record Entry(CompletableFuture<SmtpProbeResult> result, Instant expires) {
    }

    private final SmtpTlsProber prober;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public ProbeCache(SmtpTlsProber prober, Clock clock, Duration ttl) {
        this.prober = prober;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The (possibly shared) probe of {@code address:port}; {@code hostName} is used for SNI by the first asker. */
    public CompletableFuture<SmtpProbeResult> probe(InetAddress address, int port, String hostName) {
        String key = address.getHostAddress() + "|" + port;
        Instant now = clock.instant();
        return entries.compute(key, (k, old) -> {
            if (old != null && now.isBefore(old.expires())) {
                return old;
            }
            CompletableFuture<SmtpProbeResult> f = CompletableFuture.supplyAsync(() -> prober.probe(address, port, hostName), executor);
            return new Entry(f, now.plus(ttl));
        }).result();
    }

    /** Number of distinct addresses probed (or being probed). */
    public int size() {
        return entries.size();
    }
}
