package org.mailward.gateway.queue;

import java.io.IOException;

/**
 * A test seam: the spool calls {@link #reached} at each step of a write so tests can simulate a crash (an
 * exception that abandons the operation half way) at every step and check what recovery finds.
 */
@FunctionalInterface
public interface CrashPoint {
    CrashPoint NONE = step -> { };

    void reached(String step) throws IOException;
}
