package org.mailward.reports;

import java.util.List;

/**
 * The outcome for one report found in an input (shared CLI.md {@code reports ingest}): stored, duplicate (same
 * organisation and report id already stored: not counted twice) or failed (kept raw with {@link #error()},
 * re-parseable). {@code part} says where inside the input the report was (archive entry, mbox message).
 */
public record IngestResult(String file, String part, Status status, ReportKind kind, String orgName, String reportId,
                           long begin, long end, String domain, long records, long messages, List<String> warnings,
                           String error, long rawId) {

    public enum Status {
        STORED, DUPLICATE, FAILED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public IngestResult {
        warnings = List.copyOf(warnings);
    }

    static IngestResult failed(String file, String part, ReportKind kind, String error, long rawId) {
        return new IngestResult(file, part, Status.FAILED, kind, "", "", 0, 0, "", 0, 0, List.of(), error, rawId);
    }
}
