package org.mailward.reports.fetch;

/**
 * Totals of one pass over a mailbox: unseen messages found, stored (raw bytes in the database), errors (left
 * unseen for the next run), and the reports inside the stored messages by ingest status.
 */
public record FetchSummary(int found, int stored, int errors, int reportsStored, int reportsDuplicate, int reportsFailed) {
}
