package org.mailward.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.reports.FailureReport;
import org.mailward.reports.FailureReportParser;
import org.mailward.reports.MimeReader;
import org.mailward.reports.ParseOutcome;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.SmtpClient;

/** The whole gateway: a message rejected by DMARC leaves a signed failure report in the queue, when configured. */
class FailureReportGatewayTest {

    static final KeyPair KEY = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);

    @TempDir
    Path dir;
    Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
    }

    final ZoneFileResolver zone = ZoneFileResolver.fromText("""
            strict.example.         IN TXT "v=spf1 ip4:192.0.2.1 -all"
            _dmarc.strict.example.  IN TXT "v=DMARC1; p=reject; ruf=mailto:ruf@strict.example"
            strict.example.         IN A   127.0.0.1
            """ + DkimKeys.zoneLine("r1._domainkey.example.org", DkimKeys.recordValue(KEY.getPublic())) + "\n");

    Gateway start(String failureReports) throws Exception {
        Files.writeString(dir.resolve("ed.pem"), DkimKeys.toPem(KEY.getPrivate()));
        String yaml = """
                hostname: mx.example.org
                listeners:
                  - { name: in, address: 127.0.0.1, port: 0, kind: inbound, tls: opportunistic }
                localDomains:
                  - { domain: example.org, route: "127.0.0.1:9" }
                delivery:
                  firstRetry: 1h
                  mxPort: 9
                dkim:
                  - { domain: example.org, selector: r1, keyFile: ed.pem, algorithm: ed25519-sha256 }
                """ + failureReports;
        ConfigReader.Result r = ConfigReader.read(yaml, dir);
        assertThat(r.errors()).isEmpty();
        gateway = Gateway.start(r.config().orElseThrow(), dir.resolve("data"), zone, Clock.systemUTC(), SSLContext.getDefault(), List.of());
        return gateway;
    }

    void sendSpoof() throws Exception {
        try (SmtpClient c = SmtpClient.connect(gateway.servers().get(0).address(), "client.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            c.ehlo();
            SmtpClient.SendResult r = c.send(Optional.of(AddressParser.parseMailbox("ceo@strict.example", true).value()),
                    List.of(AddressParser.parseMailbox("alice@example.org", true).value()),
                    "From: ceo@strict.example\r\nSubject: pay now\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(r.accepted()).isFalse();
            assertThat(r.data()).hasValueSatisfying(d -> assertThat(d.toString()).startsWith("550 5.7.1"));
        }
    }

    /** Messages from {@code sender} in the active or deferred queue (nothing listens on port 9: they stay). */
    Optional<byte[]> awaitQueuedFrom(String sender, Duration wait) throws Exception {
        long end = System.nanoTime() + wait.toNanos();
        do {
            for (QueueState s : List.of(QueueState.ACTIVE, QueueState.DEFERRED)) {
                for (QueuedMessage q : gateway.spool().list(s)) {
                    if (q.envelope().sender().equals(sender)) {
                        try {
                            return Optional.of(gateway.spool().content(q));
                        } catch (java.io.IOException moved) {
                            // the queue manager moved it between list and read: look again
                        }
                    }
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        return Optional.empty();
    }

    @Test
    void aRejectedSpoofLeavesASignedFailureReportInTheQueue() throws Exception {
        start("""
                failureReports:
                  enabled: true
                  reporter: { email: dmarc-reports@example.org }
                """);
        sendSpoof();
        byte[] report = awaitQueuedFrom("dmarc-reports@example.org", Duration.ofSeconds(10)).orElseThrow(
                () -> new AssertionError("no failure report queued"));
        assertThat(new DkimVerifier(zone, Clock.systemUTC()).verify(report)).singleElement()
                .satisfies(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        MimeReader.Part msg = ((ParseOutcome.Ok<MimeReader.Part>) MimeReader.parse(report, 100, 10)).value();
        FailureReport r = ((ParseOutcome.Ok<FailureReport>) new FailureReportParser().parse(msg, report)).value();
        assertThat(r.domain()).isEqualTo("strict.example");
        assertThat(r.sourceIp()).isEqualTo("127.0.0.1");
        assertThat(r.deliveryResult()).isEqualTo("reject");
        assertThat(r.subject()).isEqualTo("pay now");
    }

    @Test
    void withoutConfigurationNoReportIsMade() throws Exception {
        start("");
        sendSpoof();
        assertThat(awaitQueuedFrom("postmaster@mx.example.org", Duration.ofMillis(1500))).isEmpty();
        assertThat(gateway.spool().list(QueueState.ACTIVE)).isEmpty();
        assertThat(gateway.spool().list(QueueState.DEFERRED)).isEmpty();
    }
}
