package org.mailward.gateway.delivery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.smtp.SmtpClient;

/**
 * Idle SMTP connections kept for the next message to the same destination (after Postfix scache): a connection
 * is reused when it has been idle at most {@code maxIdle}, has carried fewer than {@code maxUses} messages and
 * answers RSET with 250. Keys include the address, port, host name and TLS requirement, so a connection is never
 * reused under a weaker policy than the one it was opened for.
 */
final class ConnectionCache {

    private record Idle(SmtpClient client, long since, int uses) {
    }

    private final Map<String, Deque<Idle>> idle = new ConcurrentHashMap<>();
    private final Map<SmtpClient, Integer> uses = new ConcurrentHashMap<>();
    private final long maxIdleNanos;
    private final int maxUses;

    ConnectionCache(Duration maxIdle, int maxUses) {
        this.maxIdleNanos = maxIdle.toNanos();
        this.maxUses = maxUses;
    }

    /** A live idle connection for {@code key}, or empty. */
    Optional<SmtpClient> take(String key) {
        Deque<Idle> q = idle.get(key);
        while (q != null) {
            Idle i;
            synchronized (q) {
                i = q.pollFirst();
            }
            if (i == null) {
                return Optional.empty();
            }
            if (System.nanoTime() - i.since() > maxIdleNanos) {
                i.client().quit();
                continue;
            }
            try {
                if (i.client().rset().positive()) {
                    uses.put(i.client(), i.uses());
                    return Optional.of(i.client());
                }
            } catch (IOException e) {
                // dead connection: drop it
            }
            i.client().close();
        }
        return Optional.empty();
    }

    /** Returns a connection after a completed transaction; closes it when it has been used enough. */
    void offer(String key, SmtpClient c) {
        int n = uses.getOrDefault(c, 0) + 1;
        uses.remove(c);
        if (n >= maxUses) {
            c.quit();
            return;
        }
        Deque<Idle> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(new Idle(c, System.nanoTime(), n));
        }
    }

    /** Closes connections idle for too long. */
    void expire() {
        for (Deque<Idle> q : idle.values()) {
            synchronized (q) {
                q.removeIf(i -> {
                    if (System.nanoTime() - i.since() > maxIdleNanos) {
                        i.client().quit();
                        return true;
                    }
                    return false;
                });
            }
        }
    }

    void closeAll() {
        for (Deque<Idle> q : idle.values()) {
            synchronized (q) {
                q.forEach(i -> i.client().quit());
                q.clear();
            }
        }
    }
}
