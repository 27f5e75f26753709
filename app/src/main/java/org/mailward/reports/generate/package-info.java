/**
 * Report generation as a receiver and sender of mail: our DMARC aggregate reports (RFC 7489 7.2 and Appendix C,
 * RFC 9990) from the gateway's {@code auth_event} rows and our SMTP TLS reports (RFC 8460) from its
 * {@code delivery_tls_event} rows, sent to the destinations the domains publish.
 *
 * <pre>
 *   auth_event, delivery_tls_event  (written by the gateway; read here by SQL, grouped: GatewayEventReader)
 *     |
 *     +-- AggregateReportGenerator: one AggregateReport per policy domain and day
 *     |     --> AggregateReportWriter (XML) --> gzip, receiver!domain!begin!end.xml.gz    (RFC 7489 7.2.1.1)
 *     +-- TlsReportGenerator: one report per recipient domain and day
 *           --> RFC 8460 4.4 JSON --> gzip, sender!domain!begin!end.json.gz              (RFC 8460 5.1)
 *     |
 *   ReportDestinations: rua of _dmarc.D (RFC 7489 7.1 external check: D._report._dmarc.HOST) or _smtp._tls.D
 *     |                 each Destination accepted or refused with its reason; !size limits (RFC 7489 6.4)
 *   ReportMail: the report e-mail (RFC 7489 7.2.1.1 / RFC 8460 5.3)
 *     |
 *   ReportGeneration.plan (dry run) / deliver --> ReportSender (SMTP to the gateway: queue + DKIM signing)
 *                                             --> HttpsPoster (TLS-RPT https: rua, RFC 8460 5.2)
 * </pre>
 *
 * DMARC failure reports (RFC 7489 7.3, RFC 6591, RFC 9991) are made one message at a time by the gateway, which
 * owns the trigger (gateway.inbound.DmarcFailureReporter) and uses the pieces here:
 *
 * <pre>
 *   FailureOptions (fo: 0/1/d/s, RFC 7489 6.3) --&gt; FailureReportLimiter (per domain and hour)
 *     --&gt; FailureIncident --&gt; ReportDestinations.dmarcFailure (ruf, RFC 7489 7.1 check, !size)
 *     --&gt; FailureReportBuilder (ARF multipart/report, Redaction: headers only, local parts) --&gt; gateway LocalSubmission
 * </pre>
 *
 * Aggregate reports over a destination's {@code !size} limit become RFC 7489 7.2.2 error reports
 * ({@link org.mailward.reports.generate.ReportMail#sizeError}) for that destination.
 *
 * The reports layer does not use the gateway's classes (layer rule): the event tables' columns are its contract
 * with the gateway, documented in V3__gateway_events.sql.
 */
package org.mailward.reports.generate;
