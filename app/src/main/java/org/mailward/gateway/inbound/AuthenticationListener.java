package org.mailward.gateway.inbound;

import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.Transaction;

/**
 * Told what {@link AuthenticationHook} concluded about each inbound message, in the data phase, before the gateway
 * answers. Must be quick and thread-safe (it runs inside the hook's time limit) and must not throw.
 */
@FunctionalInterface
public interface AuthenticationListener {

    /** {@code message} is the message as received (the same array the data hooks and the handler see). */
    void authenticated(SessionInfo session, Transaction transaction, byte[] message, InboundAuthentication result);

    AuthenticationListener NONE = (s, t, m, r) -> {
    };
}
