package org.mailward.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;

/** check_host() semantics beyond the public suite: limits, errors, redirect/include/exp, HELO, Received-SPF. */
class SpfEvaluatorTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    private static SpfResult eval(String zone, String ip, String sender, String helo) {
        return new SpfEvaluator(ZoneFileResolver.fromText(zone), CLOCK, "mx.receiver.example")
                .evaluate(SpfRequest.of(ip, sender, helo).orElseThrow());
    }

    @Test
    void passWithEvidenceAndReceivedSpf() {
        SpfResult r = eval("""
                example.com. TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all"
                _spf.example.net. TXT "v=spf1 a:mail.example.net -all"
                mail.example.net. A 198.51.100.7
                """, "198.51.100.7", "alice@example.com", "mail.example.net");
        assertThat(r.result()).isEqualTo(SpfVerdict.PASS);
        assertThat(r.mechanism()).contains("include:_spf.example.net");
        assertThat(r.record()).contains("v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all");
        assertThat(r.dnsLookups()).isEqualTo(2);
        assertThat(r.voidLookups()).isZero();
        assertThat(r.receivedSpf()).isEqualTo("Received-SPF: pass (mx.receiver.example: domain of alice@example.com"
                + " designates 198.51.100.7 as permitted sender) client-ip=198.51.100.7;"
                + " envelope-from=\"alice@example.com\"; helo=mail.example.net; receiver=mx.receiver.example;"
                + " identity=mailfrom; mechanism=\"include:_spf.example.net\"");
    }

    @Test
    void elevenDnsTermsIsPermerrorTenIsNot() {
        StringBuilder zone = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            zone.append("h").append(i).append(".example.com. A 203.0.113.1\n");
        }
        String ten = "v=spf1 " + "a:h0.example.com ".repeat(1) + java.util.stream.IntStream.range(1, 10)
                .mapToObj(i -> "a:h" + i + ".example.com").reduce((a, b) -> a + " " + b).orElseThrow() + " -all";
        SpfResult ok = eval(zone + "example.com. TXT \"" + ten + "\"\n", "192.0.2.1", "a@example.com", "h");
        assertThat(ok.result()).isEqualTo(SpfVerdict.FAIL);
        assertThat(ok.dnsLookups()).isEqualTo(10);
        String eleven = ten.replace(" -all", " a:h10.example.com -all");
        SpfResult bad = eval(zone + "example.com. TXT \"" + eleven + "\"\n", "192.0.2.1", "a@example.com", "h");
        assertThat(bad.result()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(bad.problem().orElseThrow()).contains("more than 10 DNS-querying terms");
    }

    @Test
    void thirdVoidLookupIsPermerror() {
        SpfResult two = eval("example.com. TXT \"v=spf1 a:x1.example.com a:x2.example.com -all\"\n",
                "192.0.2.1", "a@example.com", "h");
        assertThat(two.result()).isEqualTo(SpfVerdict.FAIL);
        assertThat(two.voidLookups()).isEqualTo(2);
        SpfResult three = eval("example.com. TXT \"v=spf1 a:x1.example.com a:x2.example.com mx:x3.example.com -all\"\n",
                "192.0.2.1", "a@example.com", "h");
        assertThat(three.result()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(three.problem().orElseThrow()).contains("void lookups");
    }

    @Test
    void moreThanTenMxNamesIsPermerror() {
        StringBuilder zone = new StringBuilder("example.com. TXT \"v=spf1 mx -all\"\n");
        for (int i = 0; i < 11; i++) {
            zone.append("example.com. MX ").append(i).append(" mx").append(i).append(".example.com.\n");
            zone.append("mx").append(i).append(".example.com. A 192.0.2.").append(i + 1).append('\n');
        }
        SpfResult r = eval(zone.toString(), "192.0.2.1", "a@example.com", "h");
        assertThat(r.result()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(r.problem().orElseThrow()).contains("11 MX records");
    }

    @Test
    void dnsFailuresAreTemperrorAndIncludeRules() {
        Resolver zone = ZoneFileResolver.fromText("""
                example.com. TXT "v=spf1 include:broken.example.net -all"
                none.example.com. TXT "v=spf1 include:nothing.example.net -all"
                perm.example.com. TXT "v=spf1 include:bad.example.net -all"
                bad.example.net. TXT "v=spf1 frobnicate"
                """);
        Resolver r = (name, type) -> name.startsWith("broken.") ? DnsAnswer.servfail(name, type, "test SERVFAIL") : zone.query(name, type);
        SpfEvaluator ev = new SpfEvaluator(r, CLOCK, "rx");
        SpfResult temp = ev.evaluate(SpfRequest.of("192.0.2.1", "a@example.com", "h").orElseThrow());
        assertThat(temp.result()).isEqualTo(SpfVerdict.TEMPERROR);
        assertThat(temp.problem().orElseThrow()).contains("servfail").contains("broken.example.net");
        SpfResult none = ev.evaluate(SpfRequest.of("192.0.2.1", "a@none.example.com", "h").orElseThrow());
        assertThat(none.result()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(none.problem().orElseThrow()).contains("include:nothing.example.net");
        SpfResult perm = ev.evaluate(SpfRequest.of("192.0.2.1", "a@perm.example.com", "h").orElseThrow());
        assertThat(perm.result()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(perm.problem().orElseThrow()).contains("frobnicate");
    }

    @Test
    void redirectUsesTheTargetsExplanationAndExpNeverChangesTheResult() {
        String zone = """
                example.com. TXT "v=spf1 ip4:203.0.113.0/24 redirect=_spf.example.com exp=top.example.com"
                top.example.com. TXT "top explanation"
                _spf.example.com. TXT "v=spf1 -all exp=why.example.com"
                why.example.com. TXT "%{i} is not one of %{d}'s senders (%{c}, %{r}, %{t})"
                other.example.com. TXT "v=spf1 -all exp=broken.example.com"
                broken.example.com. TXT "bad %{z} macro"
                """;
        SpfResult r = eval(zone, "192.0.2.1", "a@example.com", "h");
        assertThat(r.result()).isEqualTo(SpfVerdict.FAIL);
        assertThat(r.explanationFromDomain()).isTrue();
        assertThat(r.explanation()).contains("192.0.2.1 is not one of _spf.example.com's senders (192.0.2.1, mx.receiver.example, "
                + CLOCK.instant().getEpochSecond() + ")");
        assertThat(r.mechanismDomain()).contains("_spf.example.com");
        SpfResult broken = eval(zone, "192.0.2.1", "a@other.example.com", "h");
        assertThat(broken.result()).isEqualTo(SpfVerdict.FAIL);
        assertThat(broken.explanationFromDomain()).isFalse();
        assertThat(broken.explanation().orElseThrow()).contains("other.example.com does not designate 192.0.2.1");
    }

    @Test
    void heloIdentityAndNullSender() {
        String zone = "mail.example.org. TXT \"v=spf1 a -all\"\nmail.example.org. A 192.0.2.9\n";
        SpfEvaluator ev = new SpfEvaluator(ZoneFileResolver.fromText(zone), CLOCK, "rx");
        SpfResult helo = ev.checkHelo(IpLiterals.parseClient("192.0.2.9").orElseThrow(), "mail.example.org");
        assertThat(helo.result()).isEqualTo(SpfVerdict.PASS);
        assertThat(helo.identity()).isEqualTo(SpfResult.Identity.HELO);
        assertThat(helo.receivedSpf()).contains("identity=helo");
        SpfResult nullSender = ev.evaluate(SpfRequest.of("192.0.2.10", "", "mail.example.org").orElseThrow());
        assertThat(nullSender.result()).isEqualTo(SpfVerdict.FAIL);
        assertThat(nullSender.sender()).isEqualTo("postmaster@mail.example.org");
        assertThat(nullSender.domain()).isEqualTo("mail.example.org");
    }

    @Test
    void ipv6AndDualCidr() {
        String zone = """
                example.com. TXT "v=spf1 a/24//64 -all"
                example.com. A 192.0.2.1
                example.com. AAAA 2001:db8:1:2::1
                """;
        assertThat(eval(zone, "192.0.2.200", "a@example.com", "h").result()).isEqualTo(SpfVerdict.PASS);
        assertThat(eval(zone, "2001:db8:1:2:ffff::9", "a@example.com", "h").result()).isEqualTo(SpfVerdict.PASS);
        assertThat(eval(zone, "2001:db8:1:3::1", "a@example.com", "h").result()).isEqualTo(SpfVerdict.FAIL);
        assertThat(eval(zone, "::ffff:192.0.2.7", "a@example.com", "h").result()).isEqualTo(SpfVerdict.PASS);
    }

    @Test
    void timeBudgetTurnsSlowDnsIntoTemperror() {
        AtomicInteger calls = new AtomicInteger();
        Resolver slow = (name, type) -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (type == RecordType.TXT) {
                return DnsAnswer.of(name, type, List.of(new org.mailward.dns.DnsRecord.Txt(
                        List.of("v=spf1 include:a.%{d} -all"), 60)));
            }
            return DnsAnswer.nxdomain(name, type);
        };
        SpfEvaluator ev = new SpfEvaluator(slow, CLOCK, "rx", SpfEvaluator.Limits.RFC7208.withTimeBudget(Duration.ofMillis(150)));
        long start = System.nanoTime();
        SpfResult r = ev.evaluate(SpfRequest.of("192.0.2.1", "a@example.com", "h").orElseThrow());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.result()).isEqualTo(SpfVerdict.TEMPERROR);
        assertThat(r.problem().orElseThrow()).contains("time budget");
        assertThat(ms).isLessThan(1000);
    }

    @Test
    void cnameLoopIsATemperror() {
        SpfResult r = eval("""
                example.com. TXT "v=spf1 a:loop1.example.com -all"
                loop1.example.com. CNAME loop2.example.com.
                loop2.example.com. CNAME loop1.example.com.
                """, "192.0.2.1", "a@example.com", "h");
        assertThat(r.result()).isEqualTo(SpfVerdict.TEMPERROR);
        assertThat(r.problem().orElseThrow()).contains("loop1.example.com");
    }

    @Test
    void aBrokenResolverIsADnsErrorNotACrash() {
        Resolver throwing = (name, type) -> {
            throw new IllegalStateException("boom");
        };
        SpfResult r = new SpfEvaluator(throwing, CLOCK, "rx").evaluate(SpfRequest.of("192.0.2.1", "a@example.com", "h").orElseThrow());
        assertThat(r.result()).isEqualTo(SpfVerdict.TEMPERROR);
    }

    @Test
    void malformedDomainsAreNone() {
        for (String sender : List.of("a@nodot", "a@[192.0.2.1]", "a@x..example.com", "a@" + "x".repeat(64) + ".example.com", "")) {
            SpfResult r = new SpfEvaluator(ZoneFileResolver.fromText(""), CLOCK, "rx")
                    .evaluate(new SpfRequest(InetAddress.getLoopbackAddress(), sender, sender.isEmpty() ? "nodot" : "h.example"));
            assertThat(r.result()).as(sender).isEqualTo(SpfVerdict.NONE);
            assertThat(r.dnsQueries()).as(sender).isZero();
        }
    }
}
