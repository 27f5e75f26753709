package org.mailward.reports.generate;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message that a Domain Owner asked to hear about (its DMARC record's {@code ruf} and {@code fo}): the facts a
 * failure report carries (RFC 6591 3.1, RFC 7489 7.3, RFC 9991 3.1). Filled in by the gateway from its
 * authentication verdict; the reports layer does not read the gateway's types.
 *
 * @param reportedDomain        the RFC5322.From domain (Reported-Domain)
 * @param policyDomain          where the DMARC record was found (its {@code ruf} is the destination)
 * @param arrival               when we received the message (Arrival-Date)
 * @param sourceIp              the SMTP client (Source-IP)
 * @param originalMailFrom      MAIL FROM ("" for the null sender)
 * @param originalRcptTo        RCPT TO addresses
 * @param authenticationResults our Authentication-Results field value for the message, on one line
 * @param authFailure           Auth-Failure: {@code dmarc}, {@code spf}, {@code bodyhash}, {@code revoked}, {@code signature}
 * @param identityAlignment     Identity-Alignment: {@code none}, {@code dkim}, {@code spf} or {@code dkim, spf}
 * @param deliveryResult        Delivery-Result: {@code delivered}, {@code spam}, {@code policy}, {@code reject}, {@code other}
 * @param dkim                  the signature the report is about (DKIM-Domain, -Identity, -Selector), if signed
 * @param spfDns                the SPF record that was evaluated (SPF-DNS), if one was found
 * @param originalMessage       the message as received (header and body, CRLF)
 */
public record FailureIncident(String reportedDomain, String policyDomain, Instant arrival, String sourceIp,
                              String originalMailFrom, List<String> originalRcptTo, String authenticationResults,
                              String authFailure, String identityAlignment, String deliveryResult, Optional<Signature> dkim,
                              Optional<SpfDns> spfDns, byte[] originalMessage) {

    public FailureIncident {
        Objects.requireNonNull(reportedDomain);
        Objects.requireNonNull(policyDomain);
        Objects.requireNonNull(arrival);
        Objects.requireNonNull(sourceIp);
        Objects.requireNonNull(originalMailFrom);
        originalRcptTo = List.copyOf(originalRcptTo);
        Objects.requireNonNull(authenticationResults);
        Objects.requireNonNull(authFailure);
        Objects.requireNonNull(identityAlignment);
        Objects.requireNonNull(deliveryResult);
        Objects.requireNonNull(dkim);
        Objects.requireNonNull(spfDns);
        Objects.requireNonNull(originalMessage);
    }

    /** DKIM-Domain (d=), DKIM-Identity (i=) and DKIM-Selector (s=) of one signature. */
    public record Signature(String domain, String identity, String selector) {
    }

    /** The SPF record text found at {@code domain}. */
    public record SpfDns(String domain, String record) {
    }
}
