package org.mailward.bench;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.mailward.auth.spf.SpfEvaluator;
import org.mailward.auth.spf.SpfRequest;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.spf.SpfVerdict;
import org.mailward.dns.CachingResolver;
import org.mailward.dns.CountingResolver;
import org.mailward.dns.ZoneFileResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SPF evaluation (RFC 7208 check_host) of a realistic record with a warm cache: three includes (one nesting a
 * fourth, two with an a: term), ip4/ip6 lists, a and mx: 8 DNS-querying terms for the worst-placed client, which matches only at the
 * last mechanism (mx). One thread, so the score is evaluations per second per core.
 *
 * <p>Stack: SpfEvaluator -> CachingResolver (warm) -> CountingResolver -> ZoneFileResolver. {@link #setup} checks
 * the verdicts and that the warm runs ask the zone nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class SpfEvaluationBenchmark {

    static final String ZONE = """
            example.com.            TXT "v=spf1 ip4:192.0.2.0/26 ip4:192.0.2.128/27 ip4:198.51.100.0/25 ip6:2001:db8:10::/48 ip6:2001:db8:11::/48" " include:_spf.mailhost.example.net include:_spf.crm.example.org include:_spf.bulk.example.io a mx ~all"
            example.com.            A   192.0.2.200
            example.com.            MX  10 mx1.example.com.
            example.com.            MX  20 mx2.example.com.
            mx1.example.com.        A   203.0.113.25
            mx2.example.com.        A   203.0.113.26
            _spf.mailhost.example.net. TXT "v=spf1 a:out.mailhost.example.net ip4:198.51.100.128/25 ip4:203.0.113.128/26 ip6:2001:db8:25::/48 ip6:2001:db8:26::/48 ~all"
            out.mailhost.example.net. A 198.51.100.250
            _spf.crm.example.org.   TXT "v=spf1 include:_netblocks.crm.example.org ip4:192.0.2.64/27 -all"
            _netblocks.crm.example.org. TXT "v=spf1 ip4:198.18.0.0/24 ip4:198.18.1.0/24 ip4:198.18.2.0/24 ip6:2001:db8:c0::/44 -all"
            _spf.bulk.example.io.   TXT "v=spf1 a:relay.bulk.example.io ip4:198.19.0.0/20 ?all"
            relay.bulk.example.io.  A   198.19.200.1
            """;

    SpfEvaluator evaluator;
    SpfRequest lastMechanism;
    SpfRequest firstMechanism;
    CountingResolver zoneQueries;

    @Setup
    public void setup() {
        zoneQueries = new CountingResolver(ZoneFileResolver.fromText(ZONE));
        CachingResolver cache = new CachingResolver(zoneQueries, Clock.systemUTC());
        evaluator = new SpfEvaluator(cache, Clock.systemUTC(), "mx.receiver.example");
        lastMechanism = SpfRequest.of("203.0.113.26", "alice@example.com", "mail.example.com").orElseThrow();
        firstMechanism = SpfRequest.of("192.0.2.10", "alice@example.com", "mail.example.com").orElseThrow();
        SpfResult r = evaluator.evaluate(lastMechanism);
        if (r.result() != SpfVerdict.PASS || r.dnsLookups() != 8 || !r.mechanism().orElse("").equals("mx")) {
            throw new IllegalStateException("benchmark world is wrong: " + r);
        }
        long cold = zoneQueries.count();
        evaluator.evaluate(lastMechanism);
        if (zoneQueries.count() != cold) {
            throw new IllegalStateException("cache is not warm: " + (zoneQueries.count() - cold) + " more queries");
        }
        System.out.println("\ncold cache: " + cold + " DNS queries, " + r.dnsLookups() + " DNS-querying terms");
    }

    /** The worst-placed client: every term is evaluated (8 DNS-querying terms, 12 cached questions). */
    @Benchmark
    public SpfResult passAtLastMechanism() {
        return evaluator.evaluate(lastMechanism);
    }

    /** The best case: the first ip4 term matches after one cached TXT question. */
    @Benchmark
    public SpfResult passAtFirstMechanism() {
        return evaluator.evaluate(firstMechanism);
    }
}
