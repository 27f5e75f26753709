package org.mailward.gateway.outbound;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail the gateway writes itself (reflector replies, DMARC/TLS-RPT reports, notices) enters the normal outbound
 * path here: the sender domain's footer and DKIM signatures ({@link OutboundProcessor}, the last change), then the
 * spool (fsynced) and the queue manager, which delivers it under the Secure Delivery policy like any relayed mail.
 */
public final class LocalSubmission {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSubmission.class);

    private final Spool spool;
    private final Optional<OutboundProcessor> outbound;
    private final Clock clock;
    private final Consumer<Envelope> queued;
    private final String hostname;

    /**
     * @param queued called with each stored envelope (the queue manager's wake-up); {@code hostname} names the
     *               gateway in the envelope's client field
     */
    public LocalSubmission(Spool spool, Optional<OutboundProcessor> outbound, Clock clock, Consumer<Envelope> queued, String hostname) {
        this.spool = spool;
        this.outbound = outbound;
        this.clock = clock;
        this.queued = queued;
        this.hostname = hostname;
    }

    /** What was stored: the envelope (with its queue id) and the outbound processing applied. */
    public record Submitted(Envelope envelope, OutboundProcessor.Outcome outcome) {
    }

    /**
     * Signs (when a definition for the From domain is enabled) and queues {@code message} (CRLF line ends, header
     * and body) from {@code sender} ({@code ""} for the null sender) to {@code recipients}. Returns after the spool
     * write is on disk.
     */
    public Submitted submit(String sender, List<String> recipients, byte[] message) throws IOException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        String id = spool.newId();
        OutboundProcessor.Outcome o = outbound.map(p -> p.process(id, message))
                .orElse(new OutboundProcessor.Outcome(message, false, List.of(), List.of("no outbound processing configured")));
        List<Envelope.Recipient> rcpts = recipients.stream()
                .map(r -> new Envelope.Recipient(r, "", List.of(), Envelope.Status.PENDING, "")).toList();
        long now = clock.millis();
        Envelope env = new Envelope(id, sender, rcpts, "", "", false, now, "local " + hostname, 0, now, "", "");
        Envelope stored = spool.enqueue(env, o.message());
        LOG.info("queued {} (local) from=<{}> rcpts={} size={} signed={}", id, sender, rcpts.size(), o.message().length, o.signedWith());
        queued.accept(stored);
        return new Submitted(stored, o);
    }
}
