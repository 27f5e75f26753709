package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.mailward.check.probe.Handshake;
import org.mailward.check.probe.PolicyFetcher;
import org.mailward.check.probe.ProbeCache;
import org.mailward.check.probe.SmtpProbeResult;
import org.mailward.check.probe.SmtpTlsProber;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.dns.ZoneFileResolver;

/** TLS rules on probe results built by hand (shapes the test world's servers do not produce reliably). */
class TlsChecksTest {

    private static Handshake ok(String offered, String protocol, String suite) {
        return new Handshake(offered, true, protocol, suite, List.of(), true, true, false, OptionalInt.empty(), "");
    }

    private static Handshake failed(String offered, String error) {
        return new Handshake(offered, false, "", "", List.of(), false, false, false, OptionalInt.empty(), error);
    }

    /**
     * Found by bench/check-batch under load: the server prefers a CBC suite although good ones are available, and
     * the weak-first handshake did not complete (it timed out). That is TLS-NO-SERVER-PREFERENCE from the good-first
     * handshake alone, not an internal error.
     */
    @Test
    void preferringWeakWithoutTheWeakFirstHandshakeIsAFindingNotACrash() {
        Clock clock = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
        CheckConfig config = CheckConfig.builder(ZoneFileResolver.fromText("")).clock(clock).probeSmtp(false).build();
        String cbc = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";
        String gcm = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        Map<String, Handshake> hs = Map.of(
                SmtpTlsProber.DEFAULT, ok("default", "TLSv1.2", cbc),
                "TLSv1.2", ok("TLSv1.2 only", "TLSv1.2", cbc),
                SmtpTlsProber.GOOD, ok("good suites", "TLSv1.2", gcm),
                SmtpTlsProber.ORDER_FORWARD, ok("good first", "TLSv1.2", cbc),
                SmtpTlsProber.ORDER_REVERSE, failed("weak first", "read timed out"));
        SmtpProbeResult r = new SmtpProbeResult("127.0.1.6", SmtpProbeResult.Reach.GREETED, "220 mx5.test ESMTP", Optional.of("mx5.test"),
                List.of("250-mx5.test", "250 STARTTLS"), true, true, List.of(), hs, Map.of(), "", false);
        MailHost host = new MailHost("mx5.test", 10, 1, DnsAnswer.nodata("mx5.test", RecordType.A), DnsAnswer.nodata("mx5.test", RecordType.AAAA));
        DomainEvidence ev = new DomainEvidence("a.test", config, new DnsLookups(config.resolver(), "test", clock),
                new ProbeCache(new SmtpTlsProber(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), "x.test"), clock, Duration.ofHours(1)),
                new PolicyFetcher(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1024));
        List<Finding> fs = new TlsChecks().checkAddress(ev, new ProbedAddress(host, InetAddress.getLoopbackAddress(), r));
        Finding pref = fs.stream().filter(f -> f.id().equals("TLS-NO-SERVER-PREFERENCE")).findFirst().orElseThrow();
        assertThat(pref.summary()).contains("prefers " + cbc);
        assertThat(pref.detail()).contains("weak-first offer: not completed");
    }
}
