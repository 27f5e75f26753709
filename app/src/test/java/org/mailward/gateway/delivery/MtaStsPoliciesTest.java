package org.mailward.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/** RFC 8461 5.1 policy discovery and caching: id changes, max_age, lost records and failed fetches. */
class MtaStsPoliciesTest {

    final QueueManagerTest.MutableClock clock = new QueueManagerTest.MutableClock();
    final AtomicReference<String> txt = new AtomicReference<>("v=STSv1; id=one");
    final Map<String, String> bodies = new ConcurrentHashMap<>();
    final AtomicInteger fetches = new AtomicInteger();
    final Resolver resolver = (name, type) -> {
        String t = txt.get();
        if (t == null || type != RecordType.TXT || !name.equals("_mta-sts.example.org")) {
            return DnsAnswer.nxdomain(name, type);
        }
        if (t.equals("SERVFAIL")) {
            return DnsAnswer.servfail(name, type, "test");
        }
        return DnsAnswer.of(name, type, List.of(new DnsRecord.Txt(RecordType.TXT, List.of(t), 300)));
    };
    final MtaStsPolicies policies = new MtaStsPolicies(resolver, clock, d -> {
        fetches.incrementAndGet();
        String b = bodies.get(d);
        return b == null ? new MtaStsFetcher.Failed("connection refused", false) : new MtaStsFetcher.Body(b);
    });

    static String body(String mode, long maxAge) {
        return "version: STSv1\nmode: " + mode + "\nmx: mx.example.org\nmax_age: " + maxAge + "\n";
    }

    @Test
    void cachedUntilTheIdChangesOrMaxAgeRunsOut() {
        bodies.put("example.org", body("enforce", 3600));
        assertThat(policies.lookup("example.org").policy()).hasValueSatisfying(p -> assertThat(p.enforce()).isTrue());
        assertThat(policies.lookup("example.org").policy()).isPresent();
        assertThat(fetches.get()).as("same id: served from the cache").isEqualTo(1);

        bodies.put("example.org", body("testing", 3600));
        txt.set("v=STSv1; id=two");
        assertThat(policies.lookup("example.org").policy()).hasValueSatisfying(p -> assertThat(p.mode()).isEqualTo("testing"));
        assertThat(fetches.get()).as("new id: fetched again").isEqualTo(2);

        clock.advance(Duration.ofSeconds(3599));
        policies.lookup("example.org");
        assertThat(fetches.get()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        policies.lookup("example.org");
        assertThat(fetches.get()).as("max_age passed: fetched again").isEqualTo(3);
    }

    @Test
    void anUnexpiredPolicySurvivesALostRecordAndAFailedFetch() {
        bodies.put("example.org", body("enforce", 3600));
        assertThat(policies.lookup("example.org").policy()).isPresent();
        txt.set(null); // the record disappears (or is blocked by an attacker)
        assertThat(policies.lookup("example.org").policy()).isPresent();
        txt.set("SERVFAIL");
        assertThat(policies.lookup("example.org").policy()).isPresent();
        txt.set("v=STSv1; id=three");
        bodies.remove("example.org"); // new id, but the fetch fails: the cached policy still applies, the failure is reported
        MtaStsPolicies.Lookup l = policies.lookup("example.org");
        assertThat(l.policy()).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo("one"));
        assertThat(l.problem()).contains(DeliveryTlsOutcome.FailureType.STS_POLICY_FETCH_ERROR);
        clock.advance(Duration.ofHours(2));
        txt.set(null);
        assertThat(policies.lookup("example.org").policy()).as("expired").isEmpty();
    }

    @Test
    void modeNoneWithdrawsAPolicyAndInvalidInputIsReported() {
        bodies.put("example.org", body("enforce", 3600));
        assertThat(policies.lookup("example.org").policy()).isPresent();
        bodies.put("example.org", body("none", 3600));
        txt.set("v=STSv1; id=two");
        assertThat(policies.lookup("example.org").policy()).isEmpty();
        txt.set(null);
        assertThat(policies.lookup("example.org").policy()).as("the none policy replaced the cached enforce one").isEmpty();

        txt.set("v=STSv1; id=bad-id!");
        assertThat(policies.lookup("example.org").problem()).contains(DeliveryTlsOutcome.FailureType.STS_POLICY_INVALID);
        txt.set("v=STSv1; id=four");
        bodies.put("example.org", "version: STSv1\nmode: enforce\n");
        MtaStsPolicies.Lookup l = policies.lookup("example.org");
        assertThat(l.policy()).isEmpty();
        assertThat(l.problem()).contains(DeliveryTlsOutcome.FailureType.STS_POLICY_INVALID);
        assertThat(l.detail()).contains("max_age missing");
    }
}
