package org.mailward.gateway.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One delivery attempt's TLS outcome with one MX host (RFC 8460 4.4 policy and result). {@code policyType} is
 * {@code sts}, {@code tlsa} or {@code no-policy-found}; {@code result} is {@code success} or an RFC 8460 4.3
 * result-type such as {@code starttls-not-supported} or {@code certificate-not-trusted}.
 */
public record DeliveryTlsEvent(Instant time, String queueId, String recipientDomain, String mxHost, String receivingIp,
                               String policyType, String policyString, String result, String failureDetail,
                               String tlsVersion, String cipher) {

    public DeliveryTlsEvent {
        Objects.requireNonNull(time);
        Objects.requireNonNull(queueId);
        Objects.requireNonNull(recipientDomain);
        Objects.requireNonNull(mxHost);
        Objects.requireNonNull(receivingIp);
        Objects.requireNonNull(policyType);
        Objects.requireNonNull(policyString);
        Objects.requireNonNull(result);
        Objects.requireNonNull(failureDetail);
        Objects.requireNonNull(tlsVersion);
        Objects.requireNonNull(cipher);
    }

    public static final String SUCCESS = "success";
    public static final String NO_POLICY_FOUND = "no-policy-found";
}
