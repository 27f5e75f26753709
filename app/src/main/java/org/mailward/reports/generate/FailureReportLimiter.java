package org.mailward.reports.generate;

import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * At most N failure reports per domain per clock hour (RFC 9991 3: "apply rate limiting, such as a maximum number of
 * reports per minute that will be generated (and the remainder discarded)"; 3.3: reporters SHOULD rate limit). A
 * spoofing run against one domain then costs its owner N reports an hour, not one per message. Thread-safe;
 * memory is bounded by the domains seen in the current hour.
 */
public final class FailureReportLimiter {

    private final int perHour;
    private final Clock clock;
    private final Map<String, Integer> counts = new HashMap<>();
    private long hour = Long.MIN_VALUE;

    public FailureReportLimiter(int perHour, Clock clock) {
        if (perHour < 0) {
            throw new IllegalArgumentException("perHour must not be negative");
        }
        this.perHour = perHour;
        this.clock = clock;
    }

    /** True, and counted, when another report for {@code domain} may go out this hour. */
    public synchronized boolean tryAcquire(String domain) {
        long now = Math.floorDiv(clock.millis(), 3_600_000L);
        if (now != hour) {
            counts.clear();
            hour = now;
        }
        String key = domain.toLowerCase(Locale.ROOT);
        int n = counts.getOrDefault(key, 0);
        if (n >= perHour) {
            return false;
        }
        counts.put(key, n + 1);
        return true;
    }
}
