package org.mailward.reports.fetch;

import java.util.List;
import org.mailward.reports.IngestResult;

/**
 * The outcome for one report mail of a mailbox: {@code status} stored (its raw bytes are in the database; the
 * reports inside may still have failed to parse, see {@link #reports()}) or error (not stored: the mail is left
 * unseen for the next run, {@link #error()} says why); {@code action} is what was done to it afterwards (seen,
 * moved, deleted) or "none", with {@code actionError} when that step failed after a successful store.
 */
public record FetchedMessage(String mailbox, long uidValidity, long uid, String messageId, long size, Status status,
                             String action, List<IngestResult> reports, String error, String actionError) {

    public enum Status {
        STORED, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public FetchedMessage {
        reports = List.copyOf(reports);
    }

    /** The same outcome with the after-fetch action recorded. */
    FetchedMessage withAction(String action, String actionError) {
        return new FetchedMessage(mailbox, uidValidity, uid, messageId, size, status, action, reports, error, actionError);
    }
}
