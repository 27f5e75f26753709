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

    /**
     * Both listeners, {@code this} first (the reflector, then the DMARC failure reporter); one that throws does not
     * keep the other from being told.
     */
    default AuthenticationListener andThen(AuthenticationListener next) {
        if (this == NONE) {
            return next;
        }
        if (next == NONE) {
            return this;
        }
        return (s, t, m, r) -> {
            try {
                authenticated(s, t, m, r);
            } finally {
                next.authenticated(s, t, m, r);
            }
        };
    }
}
