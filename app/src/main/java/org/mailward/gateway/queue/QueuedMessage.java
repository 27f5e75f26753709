package org.mailward.gateway.queue;

import java.nio.file.Path;

/** A message in the spool: where it is, its envelope and its content file. */
public record QueuedMessage(QueueState state, Envelope envelope, Path contentFile, long size) {

    public String id() {
        return envelope.queueId();
    }
}
