package org.mailward.reports;

/** The kinds of report Mailward ingests, with their CLI.md names. */
public enum ReportKind {
    DMARC_AGGREGATE("dmarc-aggregate"),
    DMARC_FAILURE("dmarc-failure"),
    TLSRPT("tlsrpt"),
    /** Input that could not be classified (a broken archive, unrecognised bytes). */
    UNKNOWN("unknown");

    private final String label;

    ReportKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
