package org.mailward.reports.generate;

/**
 * One outgoing SMTP TLS report (RFC 8460 4.4) about a recipient domain.
 *
 * @param domain     the policy domain (the recipient domain we delivered to)
 * @param json       the report, RFC 8460 4.4 JSON
 * @param gzip       the gzip of {@code json} (application/tlsrpt+gzip, RFC 8460 5.3)
 * @param fileName   RFC 8460 5.1 file name
 * @param successful total-successful-session-count over all policies
 * @param failed     total-failure-session-count over all policies
 * @param policies   entries in {@code policies[]}
 */
public record GeneratedTlsReport(String domain, String reportId, byte[] json, byte[] gzip, String fileName,
                                 long successful, long failed, int policies) {

    /** Sessions in the report: one per delivery_tls_event row. */
    public long sessions() {
        return successful + failed;
    }
}
