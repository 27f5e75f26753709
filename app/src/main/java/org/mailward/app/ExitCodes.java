package org.mailward.app;

/** The exit codes of shared CLI.md. Verdicts are output, never exit codes (except {@code --fail-on}). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    /** {@code --fail-on SEVERITY}: a finding at or above that severity exists. */
    public static final int FAIL_ON = 3;

    private ExitCodes() {
    }
}
