package org.mailward.gateway.delivery;

import java.util.List;
import java.util.Optional;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.gateway.delivery.DeliveryTlsOutcome.FailureType;
import org.mailward.gateway.delivery.DeliveryTlsOutcome.PolicyType;

/**
 * The Secure Delivery chain for one destination: which TLS to demand from each MX host. Precedence, strongest
 * evidence first:
 * <ol>
 * <li>DANE (RFC 7672): the MX RRset and the host's TLSA RRset are DNSSEC-authenticated. Usable TLSA records
 * (usage 2/3): TLS is mandatory and the certificate must match them. TLSA records none of which is usable: TLS
 * mandatory, any certificate (RFC 7672 2.2). A failed TLSA lookup for a secure MX: the host is not used.</li>
 * <li>MTA-STS (RFC 8461) in mode enforce: only MX hosts matching the policy's mx patterns are used, TLS is mandatory
 * and the certificate must be WebPKI-valid for the MX name (RFC 8461 4.2); a failure defers, never clear text.</li>
 * <li>The configured per-domain rule (enforced-strict / enforced-relaxed / opportunistic); a failure holds the
 * message (the gateway's "fallback" option).</li>
 * <li>MTA-STS in mode testing: delivered as without a policy, but the validation failure is reported
 * (RFC 8461 5). A testing policy never weakens a configured enforced rule.</li>
 * <li>Otherwise opportunistic TLS (RFC 7435).</li>
 * </ol>
 */
public final class DeliveryTlsPolicy {

    /** How the server certificate is checked. */
    public enum Verification {
        /** Any certificate (opportunistic, enforced-relaxed, unusable TLSA). */
        NONE,
        /** WebPKI chain and MX host name; failure stops delivery to the host. */
        WEBPKI,
        /** WebPKI chain and MX host name checked, failure only reported (MTA-STS testing). */
        WEBPKI_REPORT_ONLY,
        /** The TLSA records. */
        DANE
    }

    /**
     * The plan for one MX host.
     *
     * @param requireTls   never deliver in clear to this host
     * @param holdOnFailure when TLS cannot be had, hold the message (configured rule) instead of deferring it
     * @param skip         the host must not be used at all (MX outside the MTA-STS policy, TLSA lookup failed)
     * @param reported     a policy problem to report even when delivery goes ahead (e.g. sts-policy-fetch-error)
     */
    public record HostPlan(PolicyType type, String mode, List<String> policyStrings, boolean requireTls, boolean holdOnFailure,
                           Verification verification, List<DnsRecord.Tlsa> tlsa, Optional<FailureType> skip,
                           Optional<FailureType> reported, String detail) {
        public HostPlan {
            policyStrings = List.copyOf(policyStrings);
            tlsa = List.copyOf(tlsa);
        }

        static HostPlan opportunistic() {
            return new HostPlan(PolicyType.NO_POLICY, "opportunistic", List.of(), false, false, Verification.NONE, List.of(),
                    Optional.empty(), Optional.empty(), "");
        }

        /** A short label for connection-cache keys: never reuse a connection opened under a weaker plan. */
        String cacheKey() {
            return type + "/" + mode + "/" + verification + "/" + requireTls;
        }
    }

    /** Per-domain facts gathered once per attempt. */
    public record Destination(String domain, boolean mxAuthenticated, MtaStsPolicies.Lookup sts, Optional<TlsRequirement> configured) {
    }

    private final Resolver resolver;
    private final SecureDeliveryPolicy configured;
    private final Optional<MtaStsPolicies> mtaSts;
    private final boolean dane;

    public DeliveryTlsPolicy(Resolver resolver, SecureDeliveryPolicy configured, Optional<MtaStsPolicies> mtaSts, boolean dane) {
        this.resolver = resolver;
        this.configured = configured;
        this.mtaSts = mtaSts;
        this.dane = dane;
    }

    public Destination destination(String domain, boolean mxAuthenticated) {
        MtaStsPolicies.Lookup sts = mtaSts.map(m -> m.lookup(domain)).orElse(new MtaStsPolicies.Lookup(Optional.empty(), Optional.empty(), ""));
        return new Destination(domain, mxAuthenticated, sts, configured.lookup(domain));
    }

    public HostPlan plan(Destination d, String mxHost, int port) {
        if (dane && d.mxAuthenticated()) {
            // RFC 7672 2.2.2: TLSA base domain _port._tcp.<MX host>; only a secure answer counts
            DnsAnswer t = resolver.query("_" + port + "._tcp." + mxHost, RecordType.TLSA);
            if (t.status() == DnsStatus.SERVFAIL || t.status() == DnsStatus.TIMEOUT) {
                // RFC 7672 2.2: a secure MX whose TLSA lookup fails must not be used (it may be a downgrade attack)
                return new HostPlan(PolicyType.TLSA, "dane", List.of(), true, false, Verification.DANE, List.of(),
                        Optional.of(FailureType.DNSSEC_INVALID), Optional.empty(), "TLSA lookup for " + mxHost + " failed: " + t.status());
            }
            if (t.hasRecords() && t.authenticated()) {
                List<DnsRecord.Tlsa> rs = t.recordsOf(DnsRecord.Tlsa.class);
                List<String> strings = rs.stream().map(r -> t.name() + " IN TLSA " + r.data()).toList();
                boolean anyUsable = rs.stream().anyMatch(DaneVerifier::usable);
                // RFC 7672 2.2: an RRset with no usable record still makes TLS mandatory (reported as tlsa-invalid, RFC 8460 4.3.2)
                return new HostPlan(PolicyType.TLSA, "dane", strings, true, false, anyUsable ? Verification.DANE : Verification.NONE,
                        rs, Optional.empty(), anyUsable ? Optional.empty() : Optional.of(FailureType.TLSA_INVALID),
                        anyUsable ? "" : "no usable TLSA record for " + mxHost + ": TLS required, certificate not checked");
            }
        }
        Optional<MtaStsPolicies.Active> sts = d.sts().policy();
        if (sts.isPresent() && sts.get().enforce()) {
            MtaStsPolicies.Active p = sts.get();
            if (!p.allows(mxHost)) {
                // RFC 8461 4.1, 5: in enforce mode a non-matching MX is never used
                return new HostPlan(PolicyType.STS, "enforce", p.policyStrings(), true, false, Verification.WEBPKI, List.of(),
                        Optional.of(FailureType.VALIDATION_FAILURE), Optional.empty(), "MX host " + mxHost + " does not match the MTA-STS policy of " + d.domain());
            }
            return new HostPlan(PolicyType.STS, "enforce", p.policyStrings(), true, false, Verification.WEBPKI, List.of(),
                    Optional.empty(), Optional.empty(), "");
        }
        if (d.configured().isPresent() && d.configured().get().enforced()) {
            TlsRequirement r = d.configured().get();
            return new HostPlan(PolicyType.CONFIGURED, r.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), List.of(), true, true,
                    r == TlsRequirement.ENFORCED_STRICT ? Verification.WEBPKI : Verification.NONE, List.of(), Optional.empty(), d.sts().problem(),
                    d.sts().detail());
        }
        if (sts.isPresent()) {
            MtaStsPolicies.Active p = sts.get();
            Optional<FailureType> reported = p.allows(mxHost) ? Optional.empty() : Optional.of(FailureType.VALIDATION_FAILURE);
            return new HostPlan(PolicyType.STS, "testing", p.policyStrings(), false, false, Verification.WEBPKI_REPORT_ONLY, List.of(),
                    Optional.empty(), reported, reported.isEmpty() ? "" : "MX host " + mxHost + " does not match the MTA-STS policy (testing mode)");
        }
        return new HostPlan(d.configured().isPresent() ? PolicyType.CONFIGURED : PolicyType.NO_POLICY, "opportunistic", List.of(), false, false,
                Verification.NONE, List.of(), Optional.empty(), d.sts().problem(), d.sts().detail());
    }
}
