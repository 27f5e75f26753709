package org.mailward.gateway.inbound;

import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;
import org.mailward.smtp.Transaction;

/**
 * A policy for the inbound pipeline. Implement only the phases you need; the defaults continue. Hooks never touch
 * sockets, must be thread-safe, and run under a time limit ({@link HookRunner}): a hook that overruns gets a
 * TempFail on its behalf. SPF (mail phase), FCrDNS (connect/helo), DKIM/ARC/DMARC (data phase) are hooks.
 */
public interface InboundHook {

    /** Short name for logs. */
    String name();

    default HookVerdict onConnect(SessionInfo session) {
        return HookVerdict.proceed();
    }

    default HookVerdict onHelo(SessionInfo session) {
        return HookVerdict.proceed();
    }

    default HookVerdict onMailFrom(SessionInfo session, SmtpCommand.Mail mail) {
        return HookVerdict.proceed();
    }

    default HookVerdict onRcptTo(SessionInfo session, Transaction transaction, Mailbox recipient) {
        return HookVerdict.proceed();
    }

    /** The complete message as received (before our Received header). */
    default HookVerdict onData(SessionInfo session, Transaction transaction, byte[] message) {
        return HookVerdict.proceed();
    }
}
