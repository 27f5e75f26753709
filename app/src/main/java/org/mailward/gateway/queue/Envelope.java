package org.mailward.gateway.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The envelope of a queued message and its delivery progress: everything but the content. Immutable; updates
 * produce a new value that {@link Spool#update} writes atomically.
 *
 * @param queueId     the queue id
 * @param sender      the reverse path; empty string for the null sender {@code <>}
 * @param recipients  recipients with their status
 * @param envid       RFC 3461 ENVID, empty when none
 * @param ret         RFC 3461 RET (FULL, HDRS) or empty
 * @param smtpUtf8    the message needs SMTPUTF8
 * @param receivedAt  when we accepted it (epoch milliseconds)
 * @param client      client address and HELO name, for logs and bounces
 * @param attempts    delivery attempts so far
 * @param nextAttempt when a deferred message is due (epoch milliseconds)
 * @param lastError   the last temporary failure, for queue listings
 * @param holdReason  why the message is on hold, empty otherwise; {@code quarantine: <reason>} for a message an
 *                    inbound policy quarantined (see {@link #quarantined()})
 * @param delayWarned a delay notice (RFC 3464 Action: delayed) has been sent to the sender; sent at most once
 */
public record Envelope(String queueId, String sender, List<Recipient> recipients, String envid, String ret,
                       boolean smtpUtf8, long receivedAt, String client, int attempts, long nextAttempt,
                       String lastError, String holdReason, boolean delayWarned) {

    /** The hold-reason prefix of a quarantined message (InboundHandler writes it for a Quarantine verdict). */
    public static final String QUARANTINE_PREFIX = "quarantine: ";

    /** An envelope whose sender has not been warned of a delay. */
    public Envelope(String queueId, String sender, List<Recipient> recipients, String envid, String ret,
                    boolean smtpUtf8, long receivedAt, String client, int attempts, long nextAttempt,
                    String lastError, String holdReason) {
        this(queueId, sender, recipients, envid, ret, smtpUtf8, receivedAt, client, attempts, nextAttempt, lastError, holdReason, false);
    }

    public Envelope {
        Objects.requireNonNull(queueId);
        Objects.requireNonNull(sender);
        recipients = List.copyOf(recipients);
        envid = envid == null ? "" : envid;
        ret = ret == null ? "" : ret;
        client = client == null ? "" : client;
        lastError = lastError == null ? "" : lastError;
        holdReason = holdReason == null ? "" : holdReason;
    }

    /** Delivery status of one recipient. */
    public enum Status { PENDING, DELIVERED, FAILED }

    /**
     * @param address the recipient mailbox as written in RCPT TO
     * @param orcpt   RFC 3461 ORCPT (addr-type;address), empty when none
     * @param notifyOn RFC 3461 NOTIFY values, empty list when not given (default: FAILURE)
     * @param status  delivery status
     * @param reply   the last reply (or error) for this recipient
     */
    public record Recipient(String address, String orcpt, List<String> notifyOn, Status status, String reply) {
        public Recipient {
            Objects.requireNonNull(address);
            orcpt = orcpt == null ? "" : orcpt;
            notifyOn = notifyOn == null ? List.of() : List.copyOf(notifyOn);
            Objects.requireNonNull(status);
            reply = reply == null ? "" : reply;
        }

        public Recipient with(Status s, String r) {
            return new Recipient(address, orcpt, notifyOn, s, r);
        }

        /** RFC 3461 4.1: without NOTIFY a delay notice is at the MTA's discretion (we send one); NOTIFY must name DELAY otherwise. */
        public boolean wantsDelayReport() {
            return notifyOn.isEmpty() || notifyOn.contains("DELAY");
        }

        /** RFC 3461 5.2: without NOTIFY, failures are reported; NEVER suppresses all reports. */
        public boolean wantsFailureReport() {
            return notifyOn.isEmpty() || notifyOn.contains("FAILURE");
        }
    }

    public List<Recipient> pending() {
        return recipients.stream().filter(r -> r.status() == Status.PENDING).toList();
    }

    public Optional<String> senderAddress() {
        return sender.isEmpty() ? Optional.empty() : Optional.of(sender);
    }

    public Envelope withRecipients(List<Recipient> rs) {
        return new Envelope(queueId, sender, rs, envid, ret, smtpUtf8, receivedAt, client, attempts, nextAttempt, lastError, holdReason, delayWarned);
    }

    public Envelope withAttempt(int attemptCount, Instant next, String error) {
        return new Envelope(queueId, sender, recipients, envid, ret, smtpUtf8, receivedAt, client, attemptCount, next.toEpochMilli(), error, holdReason,
                delayWarned);
    }

    public Envelope withHoldReason(String reason) {
        return new Envelope(queueId, sender, recipients, envid, ret, smtpUtf8, receivedAt, client, attempts, nextAttempt, lastError, reason, delayWarned);
    }

    public Envelope withQueueId(String id) {
        return new Envelope(id, sender, recipients, envid, ret, smtpUtf8, receivedAt, client, attempts, nextAttempt, lastError, holdReason, delayWarned);
    }

    public Envelope withDelayWarned(boolean warned) {
        return new Envelope(queueId, sender, recipients, envid, ret, smtpUtf8, receivedAt, client, attempts, nextAttempt, lastError, holdReason, warned);
    }

    /** True when an inbound policy put the message in quarantine (on hold with a {@code quarantine: } reason). */
    public boolean quarantined() {
        return holdReason.startsWith(QUARANTINE_PREFIX);
    }

    /** The quarantine reason without its prefix; empty when not quarantined. */
    public String quarantineReason() {
        return quarantined() ? holdReason.substring(QUARANTINE_PREFIX.length()) : "";
    }

    /** Replaces the recipient with the same address. */
    public Envelope update(Recipient r) {
        List<Recipient> l = new ArrayList<>();
        for (Recipient x : recipients) {
            l.add(x.address().equals(r.address()) ? r : x);
        }
        return withRecipients(l);
    }
}
