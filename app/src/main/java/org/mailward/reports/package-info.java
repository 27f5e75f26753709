/**
 * Report ingest: DMARC aggregate reports (RFC 7489 Appendix C and RFC 9990, DMARCbis, detected per report), DMARC
 * failure reports (RFC 6591 ARF, RFC 7489 section 7.3 / RFC 9991) and SMTP TLS reports (RFC 8460), from XML,
 * JSON, gzip, zip, e-mail (.eml) and mbox.
 *
 * <pre>
 *   bytes (file, mail, upload)
 *     |  ReportIngest: 1. store the raw bytes (raw_report, status pending)   -- never lose a report
 *     v
 *   Unpacker (gzip, zip, MimeReader for .eml/mbox; size, entry and nesting limits against bombs)
 *     |  payloads: aggregate XML | TLS-RPT JSON | ARF message | unreadable(reason)
 *     v
 *   AggregateReportParser (StAX, DTDs refused)   TlsReportParser (Jackson)   FailureReportParser (ARF)
 *     |  values with warnings for every deviation, or Rejected(reason)
 *     v
 *   ReportRepository: 2. store parsed reports (duplicates by org + report id are not stored twice),
 *                     3. mark the raw report parsed, or failed with its reasons (re-parseable later)
 * </pre>
 *
 * Generating our own reports from the gateway's events (the other direction) is in
 * {@link org.mailward.reports.generate}.
 *
 * <p>Every parser here takes untrusted bytes and returns a value ({@link org.mailward.reports.ParseOutcome}); none
 * throws to its caller on bad input.
 */
package org.mailward.reports;
