package org.mailward.check.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailward.check.world.FakeSmtpServer;
import org.mailward.check.world.TestCerts;

/** The client-initiated renegotiation test of {@link SmtpTlsProber} against servers that accept and refuse it. */
class ClientRenegotiationProbeTest {

    private static TestCerts.Identity id;
    private final SmtpTlsProber prober = new SmtpTlsProber(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10), "probe.test");

    @BeforeAll
    static void certs() throws Exception {
        Instant now = Instant.now();
        TestCerts.Identity ca = TestCerts.ca("Reneg CA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        id = TestCerts.leaf(ca, List.of("mx.reneg.test"), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), TestCerts.ec(), "SHA256withECDSA");
    }

    private SmtpProbeResult probe(FakeSmtpServer.TlsExtras extras) throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        try (FakeSmtpServer server = new FakeSmtpServer(ip, 0, FakeSmtpServer.Setup.good("mx.reneg.test", id), extras)) {
            return prober.probe(ip, server.port(), "mx.reneg.test");
        }
    }

    @Test
    void theJdkServerCompletesASecondHandshake() throws Exception {
        SmtpProbeResult r = probe(FakeSmtpServer.TlsExtras.jdk());
        assertThat(r.renegotiation()).isPresent();
        assertThat(r.renegotiation().get().outcome()).isEqualTo(ClientRenegotiation.Outcome.ACCEPTED);
        assertThat(r.renegotiation().get().detail()).contains("client-initiated renegotiation completed");
    }

    @Test
    void bouncyCastleRefuses() throws Exception {
        SmtpProbeResult r = probe(FakeSmtpServer.TlsExtras.NONE);
        assertThat(r.renegotiation()).isPresent();
        assertThat(r.renegotiation().get().outcome()).isEqualTo(ClientRenegotiation.Outcome.REFUSED);
    }

    @Test
    void noTls12MeansNoTest() throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.0.1");
        try (FakeSmtpServer server = new FakeSmtpServer(ip, 0, FakeSmtpServer.Setup.good("mx.reneg.test", id).protocols("TLSv1.3"))) {
            SmtpProbeResult r = prober.probe(ip, server.port(), "mx.reneg.test");
            assertThat(r.handshake("TLSv1.2").map(Handshake::completed)).contains(false);
            assertThat(r.renegotiation()).isEmpty();
        }
    }
}
