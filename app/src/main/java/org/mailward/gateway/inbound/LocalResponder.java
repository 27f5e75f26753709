package org.mailward.gateway.inbound;

import java.io.IOException;
import java.util.List;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.Transaction;

/**
 * Recipients the gateway answers itself instead of relaying them (the emailsecurity@ reflector). At the end of DATA,
 * once the hooks accepted the message, {@link InboundHandler} takes these recipients out of the envelope and gives the
 * message to {@link #respond}; the transaction's other recipients are spooled and relayed as usual.
 */
public interface LocalResponder {

    /** True when {@code recipient} (an accepted RCPT TO address) is answered by the gateway itself. */
    boolean answers(String recipient);

    /**
     * Handles one message for {@code recipients} (those {@link #answers} accepted, at least one). Decides whether to
     * reply and queues the reply; returns only once that is on disk. An {@link IOException} (the reply could not be
     * queued) makes the handler answer 451, so the sender retries.
     */
    void respond(SessionInfo session, Transaction transaction, byte[] message, List<String> recipients) throws IOException;
}
