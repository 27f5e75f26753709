package org.mailward.smtp;

/**
 * The seam between the protocol and the gateway: the session calls one method per SMTP phase and sends the reply
 * the decision carries. Implementations must be safe for concurrent use (one call per session at a time, many
 * sessions at once) and must not block beyond their own time limits.
 */
public interface SessionHandler {

    default Decision connect(SessionInfo session) {
        return Decision.accept();
    }

    default Decision helo(SessionInfo session) {
        return Decision.accept();
    }

    default Decision mail(SessionInfo session, SmtpCommand.Mail mail) {
        return Decision.accept();
    }

    default Decision rcpt(SessionInfo session, Transaction transaction, SmtpCommand.Rcpt rcpt) {
        return Decision.accept();
    }

    /**
     * The complete message (CRLF line ends, dot-unstuffed) of a transaction with at least one recipient. An
     * acceptance promises the message is safely stored (fsynced): the client is told 250 only after this returns.
     */
    Decision data(SessionInfo session, Transaction transaction, byte[] message);

    default void disconnected(SessionInfo session) {
    }
}
