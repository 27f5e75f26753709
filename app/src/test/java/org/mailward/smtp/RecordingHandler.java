package org.mailward.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A handler that accepts everything and records the messages it was given. */
class RecordingHandler implements SessionHandler {
    record Received(SessionInfo session, Transaction transaction, String message) {
    }

    final List<Received> messages = new CopyOnWriteArrayList<>();

    @Override
    public Decision data(SessionInfo session, Transaction transaction, byte[] message) {
        messages.add(new Received(session, transaction, new String(message, StandardCharsets.UTF_8)));
        return Decision.accept(SmtpReply.of(250, "2.0.0", "Ok: queued as Q" + messages.size()));
    }
}
