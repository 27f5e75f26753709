package org.mailward.gateway.inbound;

import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.gateway.config.GatewayConfig.AuthAction;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.Transaction;

/**
 * Told by {@link AuthenticationHook} about every inbound message it evaluated, after the verdict is recorded and
 * before the SMTP reply: the verdict, the action taken and the message as received. It runs inside the hook's
 * time limit, so an implementation that does I/O (DNS, mail) hands the work to another thread and returns.
 * It must not throw; the hook logs and ignores it if it does.
 */
@FunctionalInterface
public interface AuthenticationListener {

    /** Does nothing. */
    AuthenticationListener NONE = (session, transaction, result, action, message) -> { };

    void authenticated(SessionInfo session, Transaction transaction, MessageAuthentication result, AuthAction action, byte[] message);
}
