package org.mailward.check;

import java.util.Locale;

/**
 * The severities of CHECKS.md section 0. {@link #INCONCLUSIVE} means the check could not be completed: it never
 * counts as a failure.
 */
public enum Severity {
    ERROR, WARN, INFO, INCONCLUSIVE;

    /** The lower-case form the CLI contract uses ({@code error, warn, info, inconclusive}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Rank for "at or above" comparisons: ERROR 3, WARN 2, INFO 1, INCONCLUSIVE 0. */
    public int rank() {
        return switch (this) {
            case ERROR -> 3;
            case WARN -> 2;
            case INFO -> 1;
            case INCONCLUSIVE -> 0;
        };
    }
}
