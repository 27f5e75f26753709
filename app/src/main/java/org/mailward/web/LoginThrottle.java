package org.mailward.web;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits password guessing: after {@link #MAX_FAILURES} failed logins from one client address within
 * {@link #WINDOW_SECONDS}, further attempts from it are refused (429) until the window has passed. In memory,
 * per server; the PBKDF2 cost already makes each guess slow.
 */
final class LoginThrottle {

    static final int MAX_FAILURES = 10;
    static final long WINDOW_SECONDS = 900;
    private static final int MAX_TRACKED = 100_000;

    private record Failures(long first, int count) {
    }

    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    boolean allowed(String address) {
        Failures f = failures.get(address);
        if (f == null) {
            return true;
        }
        if (clock.instant().getEpochSecond() - f.first() >= WINDOW_SECONDS) {
            failures.remove(address, f);
            return true;
        }
        return f.count() < MAX_FAILURES;
    }

    void failed(String address) {
        long now = clock.instant().getEpochSecond();
        if (failures.size() >= MAX_TRACKED) {
            failures.entrySet().removeIf(e -> now - e.getValue().first() >= WINDOW_SECONDS);
        }
        failures.merge(address, new Failures(now, 1), (old, one) -> now - old.first() >= WINDOW_SECONDS
                ? one : new Failures(old.first(), old.count() + 1));
    }

    void succeeded(String address) {
        failures.remove(address);
    }
}
