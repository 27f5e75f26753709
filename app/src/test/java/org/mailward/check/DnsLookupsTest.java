package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;

/** Per-check DNS memo: one question once, prefetching in parallel, failures only of questions a rule asked. */
class DnsLookupsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    private final Resolver zone = ZoneFileResolver.fromText("""
            a.test. 300 IN TXT "v=spf1 -all"
            _dmarc.a.test. 300 IN TXT "v=DMARC1; p=reject"
            a.test. 300 IN MX 10 mx.a.test.
            """);

    @Test
    void prefetchedQuestionsAreAskedTogetherAndOnce() throws Exception {
        int n = 5;
        CountDownLatch allArrived = new CountDownLatch(n);
        AtomicInteger calls = new AtomicInteger();
        Resolver waitsForTheOthers = (name, type) -> {
            calls.incrementAndGet();
            allArrived.countDown();
            try {
                // only answers once every prefetched question is in flight at the same time
                if (!allArrived.await(10, TimeUnit.SECONDS)) {
                    return DnsAnswer.timeout(name, type, "the questions were not asked in parallel");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return zone.query(name, type);
        };
        DnsLookups dns = new DnsLookups(waitsForTheOthers, "test", CLOCK);
        dns.prefetch(List.of(new DnsLookups.Question("a.test", RecordType.TXT), new DnsLookups.Question("_dmarc.a.test", RecordType.TXT),
                new DnsLookups.Question("a.test", RecordType.MX), new DnsLookups.Question("s1._domainkey.a.test", RecordType.TXT),
                new DnsLookups.Question("A.TEST.", RecordType.SOA)));
        assertThat(dns.query("a.test", RecordType.TXT).texts()).containsExactly("v=spf1 -all");
        assertThat(dns.query("_dmarc.a.test.", RecordType.TXT).texts()).containsExactly("v=DMARC1; p=reject");
        assertThat(dns.query("a.test", RecordType.MX).status()).isEqualTo(DnsStatus.RECORDS);
        assertThat(dns.query("s1._domainkey.a.test", RecordType.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(dns.query("a.test", RecordType.SOA).status()).isNotEqualTo(DnsStatus.TIMEOUT);
        // prefetching again and asking again costs nothing more
        dns.prefetch(List.of(new DnsLookups.Question("a.test", RecordType.TXT)));
        dns.query("a.test", RecordType.TXT);
        assertThat(calls.get()).isEqualTo(n);
        assertThat(dns.questions()).isEqualTo(n);
    }

    @Test
    void aPrefetchedFailureNoRuleAskedIsNotInconclusive() {
        Resolver failsForMx = (name, type) -> type == RecordType.MX ? DnsAnswer.timeout(name, type, "no answer") : zone.query(name, type);
        DnsLookups dns = new DnsLookups(failsForMx, "test", CLOCK);
        dns.prefetch(List.of(new DnsLookups.Question("a.test", RecordType.MX), new DnsLookups.Question("a.test", RecordType.TXT)));
        dns.query("a.test", RecordType.TXT);
        assertThat(dns.failures()).isEmpty();
        assertThat(dns.questions()).isEqualTo(1);
        dns.query("a.test", RecordType.MX);
        assertThat(dns.failures()).extracting(DnsAnswer::type).containsExactly(RecordType.MX);
        assertThat(dns.evidence("a.test", RecordType.MX).status()).isEqualTo("TIMEOUT");
        assertThat(dns.questions()).isEqualTo(2);
    }
}
