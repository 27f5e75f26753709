package org.mailward.gateway.queue;

import java.util.Locale;

/** Queue states, each a directory under the spool (Postfix names). */
public enum QueueState {
    INCOMING, ACTIVE, DEFERRED, HOLD, CORRUPT;

    public String dirName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
