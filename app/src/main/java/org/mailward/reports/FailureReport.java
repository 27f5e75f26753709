package org.mailward.reports;

import java.util.List;

/**
 * A DMARC failure report: an ARF message (RFC 5965, RFC 6591 authentication failure reporting) with the DMARC
 * fields of RFC 7489 7.3. {@link #reportId()} is the report message's Message-ID (or a digest when it has none).
 */
public record FailureReport(String orgName, String reportId, String feedbackType, String userAgent,
                            long arrival, String sourceIp, String domain, String originalMailFrom,
                            String originalRcptTo, String authFailure, String deliveryResult, String dkimDomain,
                            String dkimSelector, String spfDns, String identityAlignment, long incidents,
                            String headerFrom, String subject, String messageId, List<String> warnings) {

    public FailureReport {
        warnings = List.copyOf(warnings);
    }

    public String key() {
        return "fail:" + orgName.trim().toLowerCase(java.util.Locale.ROOT) + "\n" + reportId.trim();
    }
}
