/**
 * The daily outgoing reports inside {@code mailward serve} (issue 7, generation): once a UTC day the previous
 * day's DMARC aggregate (RFC 7489 7.2) and TLS-RPT (RFC 8460) reports are built by
 * {@link org.mailward.reports.generate.ReportGeneration} from the gateway's recorded events and sent: mail through
 * the gateway's own queue ({@link org.mailward.gateway.outbound.LocalSubmission}: DKIM-signed with our own
 * definition, spooled, delivered under Secure Delivery), TLS-RPT https: destinations by POST (RFC 8460 5.2).
 *
 * <pre>
 *   DailyReports (ScheduledExecutorService, injected Clock; due days = last catchUpDays, not in report_day)
 *     +-- ReportGeneration.plan(day) --> skip reports in report_sent
 *     +-- ReportGeneration.deliver(p, QueuedReportSender -> LocalSubmission, HttpsPoster)
 *     +-- SentReports: report_sent row per report handed on, report_day row per finished day
 * </pre>
 */
package org.mailward.gateway.reporting;
