package org.mailward.smtp;

import java.util.List;
import java.util.Optional;

/**
 * One mail transaction (RFC 5321 3.3): the reverse path and its parameters, and the recipients accepted so far.
 * Immutable; the session builds a new one per accepted RCPT.
 */
public record Transaction(Optional<Mailbox> reversePath, MailParameters mailParameters, List<Recipient> recipients) {

    public Transaction {
        recipients = List.copyOf(recipients);
    }

    /** An accepted recipient and its DSN parameters. */
    public record Recipient(Mailbox mailbox, RcptParameters parameters) {
    }

    public Transaction with(Recipient r) {
        List<Recipient> l = new java.util.ArrayList<>(recipients);
        l.add(r);
        return new Transaction(reversePath, mailParameters, l);
    }
}
