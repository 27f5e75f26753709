package org.mailward.gateway.queue;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Queue administration as Postfix admins know it from postqueue/postsuper. Works on the spool directly, so it
 * also works while the gateway runs: the queue manager rescans every second. A message being delivered at the
 * very moment it is held or deleted may still be delivered (at-least-once, as with Postfix).
 */
public final class QueueAdmin {

    private final Spool spool;
    private final Clock clock;

    public QueueAdmin(Spool spool, Clock clock) {
        this.spool = spool;
        this.clock = clock;
    }

    public List<QueuedMessage> list() throws IOException {
        List<QueuedMessage> all = new ArrayList<>();
        for (QueueState s : List.of(QueueState.ACTIVE, QueueState.DEFERRED, QueueState.HOLD, QueueState.CORRUPT)) {
            all.addAll(spool.list(s));
        }
        return all;
    }

    /**
     * One line of the deferred-mail summary: pending recipients of deferred messages to one destination domain with
     * one last reply (like Postfix's qshape/mailq grouping, for "why is mail to X stuck").
     */
    public record DeferredGroup(String domain, String reason, int recipients, int messages, long oldestReceivedAt) {
    }

    /** Pending recipients of deferred messages grouped by destination domain and last reply, most recipients first. */
    public List<DeferredGroup> deferredSummary() throws IOException {
        record Key(String domain, String reason) {
        }
        java.util.Map<Key, int[]> counts = new java.util.LinkedHashMap<>();
        java.util.Map<Key, java.util.Set<String>> messages = new java.util.HashMap<>();
        java.util.Map<Key, Long> oldest = new java.util.HashMap<>();
        for (QueuedMessage m : spool.list(QueueState.DEFERRED)) {
            Envelope e = m.envelope();
            for (Envelope.Recipient r : e.recipients()) {
                if (r.status() != Envelope.Status.PENDING) {
                    continue;
                }
                int at = r.address().lastIndexOf('@');
                String domain = at < 0 ? "" : r.address().substring(at + 1).toLowerCase(java.util.Locale.ROOT);
                String reason = !r.reply().isEmpty() ? r.reply() : e.lastError();
                Key k = new Key(domain, reason);
                counts.computeIfAbsent(k, x -> new int[1])[0]++;
                messages.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(e.queueId());
                oldest.merge(k, e.receivedAt(), Math::min);
            }
        }
        List<DeferredGroup> out = new ArrayList<>();
        counts.forEach((k, c) -> out.add(new DeferredGroup(k.domain(), k.reason(), c[0], messages.get(k).size(), oldest.get(k))));
        out.sort(java.util.Comparator.comparingInt(DeferredGroup::recipients).reversed().thenComparing(DeferredGroup::domain));
        return out;
    }

    /** Makes deferred messages due now (postqueue -f). Returns how many. */
    public int flush() throws IOException {
        int n = 0;
        for (QueuedMessage m : spool.list(QueueState.DEFERRED)) {
            spool.update(QueueState.DEFERRED, m.envelope().withAttempt(m.envelope().attempts(), clock.instant(), m.envelope().lastError()));
            n++;
        }
        return n;
    }

    /** postsuper -h: puts a message on hold. */
    public Optional<QueueState> hold(String id, String reason) throws IOException {
        Optional<QueuedMessage> m = spool.find(id);
        if (m.isEmpty() || m.get().state() == QueueState.HOLD || m.get().state() == QueueState.CORRUPT) {
            return m.map(QueuedMessage::state);
        }
        spool.update(m.get().state(), m.get().envelope().withHoldReason(reason));
        spool.move(id, m.get().state(), QueueState.HOLD);
        return Optional.of(QueueState.HOLD);
    }

    /** postsuper -H: releases a held message; it is due at once. */
    public Optional<QueueState> release(String id) throws IOException {
        Optional<QueuedMessage> m = spool.find(id);
        if (m.isEmpty() || m.get().state() != QueueState.HOLD) {
            return m.map(QueuedMessage::state);
        }
        Envelope e = m.get().envelope();
        spool.update(QueueState.HOLD, e.withHoldReason("").withAttempt(e.attempts(), clock.instant(), e.lastError()));
        spool.move(id, QueueState.HOLD, QueueState.DEFERRED);
        return Optional.of(QueueState.DEFERRED);
    }

    /** postsuper -r: back to the queue, due now (also from corrupt once an administrator repaired it). */
    public Optional<QueueState> requeue(String id) throws IOException {
        Optional<QueuedMessage> m = spool.find(id);
        if (m.isEmpty() || m.get().state() == QueueState.ACTIVE) {
            return m.map(QueuedMessage::state);
        }
        Envelope e = m.get().envelope();
        spool.update(m.get().state(), e.withHoldReason("").withAttempt(e.attempts(), clock.instant(), e.lastError()));
        spool.move(id, m.get().state(), QueueState.DEFERRED);
        return Optional.of(QueueState.DEFERRED);
    }

    /** postsuper -d: deliberate removal. True when something was removed. */
    public boolean delete(String id) throws IOException {
        Optional<QueuedMessage> m = spool.find(id);
        if (m.isEmpty()) {
            return false;
        }
        spool.remove(id, m.get().state());
        return true;
    }

    /** Messages an inbound policy quarantined (on hold with a {@code quarantine: } reason), oldest first. */
    public List<QueuedMessage> quarantined() throws IOException {
        return spool.list(QueueState.HOLD).stream().filter(m -> m.envelope().quarantined())
                .sorted(java.util.Comparator.comparingLong(m -> m.envelope().receivedAt())).toList();
    }

    /** The quarantined message {@code id}, or empty when there is none (or it is held for another reason). */
    public Optional<QueuedMessage> findQuarantined(String id) throws IOException {
        return spool.find(id).filter(m -> m.state() == QueueState.HOLD && m.envelope().quarantined());
    }

    /** Releases a quarantined message for delivery (due at once). Empty when {@code id} is not in quarantine. */
    public Optional<QueueState> releaseQuarantined(String id) throws IOException {
        return findQuarantined(id).isPresent() ? release(id) : Optional.empty();
    }

    /** Deletes a quarantined message. False when {@code id} is not in quarantine (other messages are left alone). */
    public boolean deleteQuarantined(String id) throws IOException {
        return findQuarantined(id).isPresent() && delete(id);
    }
}
