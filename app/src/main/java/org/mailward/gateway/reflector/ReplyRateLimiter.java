package org.mailward.gateway.reflector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * At most {@code max} replies per envelope sender address within a sliding window (one hour for the reflector):
 * in memory, per gateway node. The time comes from the injected {@link Clock}.
 *
 * <p>The table holds at most {@code maxSenders} addresses (least recently used ones are forgotten first), so a flood
 * of distinct senders cannot exhaust memory; forgetting a sender only restores its allowance, and every reply still
 * needs an authenticated sender (see {@link ReplyRules}).
 */
public final class ReplyRateLimiter {

    private final int max;
    private final Duration window;
    private final Clock clock;
    private final Map<String, ArrayDeque<Instant>> sent;

    public ReplyRateLimiter(int max, Duration window, Clock clock, int maxSenders) {
        if (max < 1 || maxSenders < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("max, maxSenders and window must be positive");
        }
        this.max = max;
        this.window = window;
        this.clock = clock;
        this.sent = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Instant>> eldest) {
                return size() > maxSenders;
            }
        };
    }

    /** {@code max} per hour, remembering up to 100,000 senders. */
    public static ReplyRateLimiter perHour(int max, Clock clock) {
        return new ReplyRateLimiter(max, Duration.ofHours(1), clock, 100_000);
    }

    /** Takes one reply from {@code sender}'s allowance; false (nothing taken) when it is used up in the window. */
    public synchronized boolean tryAcquire(String sender) {
        String key = sender.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        ArrayDeque<Instant> times = sent.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant oldestKept = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldestKept)) {
            times.pollFirst();
        }
        if (times.size() >= max) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    /** The allowance per window. */
    public int max() {
        return max;
    }

    /** Replies still allowed to {@code sender} now (for logs and tests). */
    public synchronized int remaining(String sender) {
        ArrayDeque<Instant> times = sent.get(sender.toLowerCase(Locale.ROOT));
        if (times == null) {
            return max;
        }
        Instant oldestKept = clock.instant().minus(window);
        return max - (int) times.stream().filter(x -> x.isAfter(oldestKept)).count();
    }
}
