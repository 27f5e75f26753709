package org.mailward.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.delivery.DeliveryTlsOutcome.FailureType;
import org.mailward.gateway.delivery.DeliveryTlsOutcome.PolicyType;

/** Precedence in the Secure Delivery chain, without sockets. */
class DeliveryTlsPolicyTest {

    static final String ZONE = """
            _mta-sts.testing.gsi.gov.uk. 300 IN TXT "v=STSv1; id=1"
            _mta-sts.enforce.example. 300 IN TXT "v=STSv1; id=1"
            _25._tcp.mx.pkix.example. 300 IN TLSA 1 1 1 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
            """;

    DeliveryTlsPolicy policy(boolean authenticated) {
        ZoneFileResolver z = ZoneFileResolver.fromText(ZONE);
        Resolver r = (name, type) -> {
            if (name.startsWith("_25._tcp.mx.broken.")) {
                return DnsAnswer.servfail(name, type, "test");
            }
            DnsAnswer a = z.query(name, type);
            return authenticated ? a.withAuthenticated(true) : a;
        };
        MtaStsPolicies sts = new MtaStsPolicies(r, java.time.Clock.systemUTC(), d -> new MtaStsFetcher.Body(
                "version: STSv1\nmode: " + (d.startsWith("testing") ? "testing" : "enforce") + "\nmx: *.enforce.example\nmax_age: 600\n"));
        return new DeliveryTlsPolicy(r, SecureDeliveryPolicy.patterns(List.of(
                new GatewayConfig.SecureDeliveryRule("*.gsi.gov.uk", "enforced-strict"),
                new GatewayConfig.SecureDeliveryRule("enforce.example", "opportunistic"))), Optional.of(sts), true);
    }

    @Test
    void aTestingPolicyNeverWeakensAConfiguredEnforcedRule() {
        DeliveryTlsPolicy p = policy(false);
        DeliveryTlsPolicy.HostPlan plan = p.plan(p.destination("testing.gsi.gov.uk", false), "mx.gsi.gov.uk", 25);
        assertThat(plan.type()).isEqualTo(PolicyType.CONFIGURED);
        assertThat(plan.requireTls()).isTrue();
        assertThat(plan.holdOnFailure()).isTrue();
        assertThat(plan.verification()).isEqualTo(DeliveryTlsPolicy.Verification.WEBPKI);
    }

    @Test
    void anEnforcePolicyBeatsAConfiguredOpportunisticRule() {
        DeliveryTlsPolicy p = policy(false);
        DeliveryTlsPolicy.HostPlan plan = p.plan(p.destination("enforce.example", false), "mx.enforce.example", 25);
        assertThat(plan.type()).isEqualTo(PolicyType.STS);
        assertThat(plan.requireTls()).isTrue();
        assertThat(plan.holdOnFailure()).isFalse();
        assertThat(plan.skip()).isEmpty();
        // RFC 8461 4.1: "*.enforce.example" covers one label only
        assertThat(p.plan(p.destination("enforce.example", false), "a.mx.enforce.example", 25).skip()).contains(FailureType.VALIDATION_FAILURE);
    }

    @Test
    void unusableTlsaMakesTlsMandatoryAndAFailedTlsaLookupSkipsTheHost() {
        DeliveryTlsPolicy p = policy(true);
        DeliveryTlsPolicy.Destination d = p.destination("pkix.example", true);
        DeliveryTlsPolicy.HostPlan plan = p.plan(d, "mx.pkix.example", 25);
        assertThat(plan.type()).isEqualTo(PolicyType.TLSA);
        assertThat(plan.requireTls()).isTrue();
        assertThat(plan.verification()).isEqualTo(DeliveryTlsPolicy.Verification.NONE);
        assertThat(plan.reported()).contains(FailureType.TLSA_INVALID);
        assertThat(p.plan(d, "mx.broken.example", 25).skip()).contains(FailureType.DNSSEC_INVALID);
        // an insecure MX RRset: no DANE at all, even with the same TLSA answer
        assertThat(p.plan(p.destination("pkix.example", false), "mx.pkix.example", 25).type()).isEqualTo(PolicyType.NO_POLICY);
        assertThat(policy(false).plan(policy(false).destination("x.example", true), "mx.pkix.example", 25).type())
                .as("TLSA answer not authenticated").isEqualTo(PolicyType.NO_POLICY);
    }
}
