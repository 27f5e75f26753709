/**
 * Report sources that are mailboxes: fetch the report mails an IMAP server (RFC 9051 / RFC 3501) holds for a
 * {@code rua} address and hand each one, as raw RFC 5322 bytes, to {@link org.mailward.reports.ReportIngest}.
 *
 * <pre>
 *   ImapMailbox (imaps://user@host:port/folder, RFC 5092 style)    AfterFetch (seen | move:FOLDER | delete)
 *     |
 *   ImapReportFetcher: connect (implicit TLS, or STARTTLS; the SSLContext is injected), SELECT the folder,
 *     SEARCH UNSEEN NOT DELETED, and for each message in UID order:
 *       1. BODY.PEEK[] (peek: reading does not set \Seen)
 *       2. ReportIngest.ingest(origin, bytes): raw bytes stored, then parsed   -- never lose a report
 *       3. only then: \Seen, or MOVE (RFC 6851), or \Deleted + EXPUNGE
 *     a message whose ingest threw (database down) is left untouched, so the next run fetches it again
 * </pre>
 */
package org.mailward.reports.fetch;
