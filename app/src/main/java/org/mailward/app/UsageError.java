package org.mailward.app;

/** A usage or configuration error found while running a command (bad zone file, unreadable input): exit code 2. */
public final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageError(String message) {
        super(message);
    }

    public UsageError(String message, Throwable cause) {
        super(message, cause);
    }
}
