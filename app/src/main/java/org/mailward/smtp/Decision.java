package org.mailward.smtp;

import java.util.Optional;

/**
 * What the {@link SessionHandler} says about a command: accept (with the default or a given positive reply) or
 * refuse with a 4xx/5xx reply; {@code disconnect} closes the connection after the reply (421 style).
 */
public record Decision(boolean accepted, Optional<SmtpReply> reply, boolean disconnect) {

    public Decision {
        if (!accepted && reply.isEmpty()) {
            throw new IllegalArgumentException("a refusal needs a reply");
        }
        if (accepted && reply.isPresent() && !reply.get().positive()) {
            throw new IllegalArgumentException("an acceptance needs a positive reply: " + reply.get());
        }
        if (!accepted && reply.get().positive()) {
            throw new IllegalArgumentException("a refusal needs a 4xx/5xx reply: " + reply.get());
        }
    }

    public static Decision accept() {
        return new Decision(true, Optional.empty(), false);
    }

    public static Decision accept(SmtpReply reply) {
        return new Decision(true, Optional.of(reply), false);
    }

    public static Decision refuse(SmtpReply reply) {
        return new Decision(false, Optional.of(reply), false);
    }

    public static Decision refuse(int code, String enhanced, String text) {
        return refuse(SmtpReply.of(code, enhanced, text));
    }

    public static Decision disconnect(SmtpReply reply) {
        return new Decision(false, Optional.of(reply), true);
    }
}
