package org.mailward.reports;

import java.util.List;

/** An SMTP TLS report (RFC 8460 section 4), with the deviations the parser tolerated in {@link #warnings()}. */
public record TlsReport(String orgName, String reportId, String contactInfo, long begin, long end,
                        List<Policy> policies, List<String> warnings) {

    public TlsReport {
        policies = List.copyOf(policies);
        warnings = List.copyOf(warnings);
    }

    public String key() {
        return "tls:" + orgName.trim().toLowerCase(java.util.Locale.ROOT) + "\n" + reportId.trim();
    }

    /** The first policy domain: the domain the report is about. */
    public String domain() {
        return policies.isEmpty() ? "" : policies.get(0).policyDomain();
    }

    public long successTotal() {
        return policies.stream().mapToLong(Policy::successCount).sum();
    }

    public long failureTotal() {
        return policies.stream().mapToLong(Policy::failureCount).sum();
    }

    /** RFC 8460 4.3-4.4: a policy with its summary and failure details. */
    public record Policy(String policyType, List<String> policyString, String policyDomain, List<String> mxHosts,
                         long successCount, long failureCount, List<FailureDetail> failures) {
        public Policy {
            policyString = List.copyOf(policyString);
            mxHosts = List.copyOf(mxHosts);
            failures = List.copyOf(failures);
        }
    }

    /** RFC 8460 4.3: one failure-details entry. */
    public record FailureDetail(String resultType, String sendingMtaIp, String receivingMxHostname,
                                String receivingMxHelo, String receivingIp, long failedSessionCount,
                                String additionalInformation, String failureReasonCode) {
    }
}
