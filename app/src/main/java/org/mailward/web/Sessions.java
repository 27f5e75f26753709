package org.mailward.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login sessions, in memory: a restart logs everyone out, which is acceptable for an admin dashboard and keeps
 * session secrets out of the database. Each session has its own CSRF token (synchronizer-token pattern) and
 * expires after {@link #IDLE_SECONDS} without use.
 */
public final class Sessions {

    public static final long IDLE_SECONDS = 8 * 3600;

    public record Session(String id, String user, String csrf, long lastSeen) {
    }

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;

    public Sessions(SecureRandom random, Clock clock) {
        this.random = random;
        this.clock = clock;
    }

    public Session create(String user) {
        Session s = new Session(token(), user, token(), clock.instant().getEpochSecond());
        sessions.put(s.id(), s);
        return s;
    }

    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        long now = clock.instant().getEpochSecond();
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (now - s.lastSeen() > IDLE_SECONDS) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(s.id(), s.user(), s.csrf(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    public void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
