package org.mailward.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailward.testing.KnotServer;

/** The network resolver against a real authoritative server (knot) on 127.0.0.1 with a generated zone. */
@Tag("interop")
class NetworkResolverKnotTest {

    private static KnotServer knot;
    private static NetworkResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder zone = new StringBuilder();
        zone.append("example.test. 300 IN TXT \"v=spf1 \" \"ip4:192.0.2.0/24 -all\"\n");
        zone.append("example.test. 300 IN MX 10 mx.example.test.\n");
        zone.append("mx.example.test. 120 IN A 192.0.2.25\n");
        zone.append("alias.example.test. 300 IN CNAME mx.example.test.\n");
        zone.append("loop1.example.test. 300 IN CNAME loop2.example.test.\n");
        zone.append("loop2.example.test. 300 IN CNAME loop1.example.test.\n");
        // Enough TXT data to exceed 1232 bytes over UDP: the answer is truncated and must be fetched over TCP.
        for (int i = 0; i < 12; i++) {
            zone.append("big.example.test. 300 IN TXT \"").append(String.valueOf((char) ('a' + i)).repeat(200)).append("\"\n");
        }
        knot = KnotServer.start(Map.of("example.test", zone.toString()));
        resolver = new NetworkResolver(List.of(knot.address()), Duration.ofSeconds(2), 1);
    }

    @AfterAll
    static void stop() {
        if (knot != null) {
            knot.close();
        }
    }

    @Test
    void txtAnswersKeepTheirStrings() {
        DnsAnswer a = resolver.query("example.test", RecordType.TXT);
        assertThat(a.status()).isEqualTo(DnsStatus.RECORDS);
        assertThat(a.texts()).containsExactly("v=spf1 ip4:192.0.2.0/24 -all");
        assertThat(a.authenticated()).isFalse();
    }

    @Test
    void nxdomainAndNodataCarryTheNegativeTtl() {
        DnsAnswer nx = resolver.query("nothing.example.test", RecordType.TXT);
        assertThat(nx.status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(nx.negativeTtl()).isEqualTo(60);
        DnsAnswer nodata = resolver.query("mx.example.test", RecordType.TXT);
        assertThat(nodata.status()).isEqualTo(DnsStatus.NODATA);
    }

    @Test
    void refusedForAZoneItDoesNotServeIsServfail() {
        DnsAnswer a = resolver.query("elsewhere.invalid", RecordType.A);
        assertThat(a.status()).isEqualTo(DnsStatus.SERVFAIL);
    }

    @Test
    void cnameIsFollowedFromAnAuthoritativeServer() {
        DnsAnswer a = resolver.query("alias.example.test", RecordType.A);
        assertThat(a.status()).isEqualTo(DnsStatus.RECORDS);
        assertThat(a.cnameChain()).containsExactly("mx.example.test");
        assertThat(a.records()).singleElement().extracting(DnsRecord::data).isEqualTo("192.0.2.25");
    }

    @Test
    void cnameLoopIsServfail() {
        assertThat(resolver.query("loop1.example.test", RecordType.TXT).status()).isEqualTo(DnsStatus.SERVFAIL);
    }

    @Test
    void truncatedAnswersAreRetriedOverTcp() {
        DnsAnswer a = resolver.query("big.example.test", RecordType.TXT);
        assertThat(a.status()).isEqualTo(DnsStatus.RECORDS);
        assertThat(a.records()).hasSize(12);
    }

    @Test
    void aDeadServerIsATimeoutWithinTheConfiguredBound() throws Exception {
        int deadPort;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
            NetworkResolver dead = new NetworkResolver(List.of(new java.net.InetSocketAddress("127.0.0.1", deadPort)),
                    Duration.ofMillis(300), 1);
            long t0 = System.nanoTime();
            DnsAnswer a = dead.query("example.test", RecordType.TXT);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(a.status()).as(a.detail()).isEqualTo(DnsStatus.TIMEOUT);
            assertThat(ms).isLessThan(3000);
        }
    }
}
