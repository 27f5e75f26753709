package org.mailward.gateway.delivery;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS outcome of one delivery attempt to one MX host, in the terms of a TLS-RPT report (RFC 8460 4.3, 4.4):
 * which policy applied ({@code tlsa}, {@code sts} or {@code no-policy-found}), the policy text, and either success
 * (with the negotiated version and cipher) or a failure result type. A value only: the store records it, metrics
 * count it, the queue manager never reads it back.
 *
 * @param domain        the recipient (policy) domain
 * @param mxHost        the MX host name connected to (or skipped)
 * @param address       the IP address connected to; empty when the host was skipped before connecting
 * @param policyType    the policy that governed the attempt
 * @param policyStrings the policy as RFC 8460 4.4 wants it: the MTA-STS policy lines, or the TLSA records in
 *                      presentation form; empty for no-policy-found
 * @param mode          MTA-STS mode ({@code enforce}, {@code testing}), the configured rule ({@code enforced-strict},
 *                      ...), {@code dane}, or {@code opportunistic}
 * @param tlsVersion    the negotiated protocol when TLS was established
 * @param cipher        the negotiated cipher suite when TLS was established
 * @param failure       empty on success; the RFC 8460 result type otherwise
 * @param detail        a human-readable explanation of a failure (empty on success)
 * @param enforced      true when the failure stopped delivery to this host (enforce mode, DANE, configured rule);
 *                      false for a failure only reported (MTA-STS testing mode, opportunistic fallback)
 */
public record DeliveryTlsOutcome(String domain, String mxHost, String address, PolicyType policyType, List<String> policyStrings,
                                 String mode, Optional<String> tlsVersion, Optional<String> cipher,
                                 Optional<FailureType> failure, String detail, boolean enforced) {

    public DeliveryTlsOutcome {
        Objects.requireNonNull(domain);
        Objects.requireNonNull(mxHost);
        address = address == null ? "" : address;
        policyStrings = List.copyOf(policyStrings);
        detail = detail == null ? "" : detail;
    }

    public boolean success() {
        return failure.isEmpty();
    }

    /** RFC 8460 4.4 policy-type; a configured (local) rule is reported as no-policy-found. */
    public enum PolicyType {
        TLSA("tlsa"), STS("sts"), CONFIGURED("no-policy-found"), NO_POLICY("no-policy-found");

        private final String rfcName;

        PolicyType(String rfcName) {
            this.rfcName = rfcName;
        }

        public String rfcName() {
            return rfcName;
        }
    }

    /** RFC 8460 4.3 result types (negotiation, policy and general failures). */
    public enum FailureType {
        STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
        CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
        CERTIFICATE_EXPIRED("certificate-expired"),
        CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
        VALIDATION_FAILURE("validation-failure"),
        TLSA_INVALID("tlsa-invalid"),
        DNSSEC_INVALID("dnssec-invalid"),
        DANE_REQUIRED("dane-required"),
        STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
        STS_POLICY_INVALID("sts-policy-invalid"),
        STS_WEBPKI_INVALID("sts-webpki-invalid");

        private final String rfcName;

        FailureType(String rfcName) {
            this.rfcName = rfcName;
        }

        public String rfcName() {
            return rfcName;
        }
    }
}
