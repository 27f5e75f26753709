package org.mailward.reports.generate;

import org.mailward.reports.AggregateReport;

/**
 * One outgoing DMARC aggregate report: the value, its XML, the gzip attachment and its RFC 7489 7.2.1.1 file name.
 *
 * @param policyDomain the domain the report is about (policy_published/domain)
 * @param eventRows    how many auth_event rows went into it (the sum of the records' counts)
 */
public record GeneratedAggregate(String policyDomain, AggregateReport report, byte[] xml, byte[] gzip, String fileName,
                                 long eventRows) {
}
