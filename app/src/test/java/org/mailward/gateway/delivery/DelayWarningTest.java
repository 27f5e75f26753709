package org.mailward.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;
import org.mailward.testing.PostfixInstance;

/** Delay warnings (RFC 3464 Action: delayed) once after delivery.delayWarning, never to the null sender. */
class DelayWarningTest {

    @TempDir
    Path dir;

    final QueueManagerTest.MutableClock clock = new QueueManagerTest.MutableClock();

    QueueManager queue(Spool spool, String extra) throws Exception {
        int closedPort = PostfixInstance.freePort(); // nothing listens there: every attempt is a temporary failure
        GatewayConfig c = ConfigReader.read("""
                hostname: mx.example.gov.uk
                listeners: [{name: in, port: 0}]
                localDomains: [{ domain: example.gov.uk, route: "127.0.0.1:%d" }]
                delivery:
                  firstRetry: 5m
                %s""".formatted(closedPort, extra), dir).config().orElseThrow();
        return new QueueManager(spool, c, ZoneFileResolver.fromText(""), clock, javax.net.ssl.SSLContext.getDefault());
    }

    Envelope enqueue(Spool spool, String sender, List<String> notify) throws Exception {
        return spool.enqueue(new Envelope("", sender,
                List.of(new Envelope.Recipient("rcpt@example.gov.uk", "rfc822;rcpt@example.gov.uk", notify, Envelope.Status.PENDING, "")),
                "ENV9", "HDRS", false, clock.millis(), "127.0.0.1", 0, clock.millis(), "", ""),
                "Subject: late\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    List<QueuedMessage> warnings(Spool spool) throws Exception {
        List<QueuedMessage> all = new ArrayList<>(spool.list(QueueState.ACTIVE));
        all.addAll(spool.list(QueueState.DEFERRED));
        return all.stream().filter(m -> m.envelope().client().startsWith("delay warning for")).toList();
    }

    void pass(QueueManager qm, Duration advance) throws Exception {
        clock.advance(advance);
        qm.scan();
        assertThat(qm.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void oneWarningAfterTheConfiguredDelayThenNoMore() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), clock);
        QueueManager qm = queue(spool, "  delayWarning: 30m\n");
        Envelope e = enqueue(spool, "sender@example.gov.uk", List.of());
        Envelope nullSender = enqueue(spool, "", List.of());
        Envelope failureOnly = enqueue(spool, "other@example.gov.uk", List.of("FAILURE"));
        pass(qm, Duration.ZERO);
        assertThat(warnings(spool)).isEmpty();
        pass(qm, Duration.ofMinutes(6));
        pass(qm, Duration.ofMinutes(11));
        assertThat(warnings(spool)).as("29 minutes: not yet").isEmpty();
        pass(qm, Duration.ofMinutes(21));
        List<QueuedMessage> w = warnings(spool);
        assertThat(w).singleElement().satisfies(m -> {
            assertThat(m.envelope().sender()).isEmpty();
            assertThat(m.envelope().client()).endsWith(e.queueId());
            assertThat(m.envelope().recipients()).extracting(Envelope.Recipient::address).containsExactly("sender@example.gov.uk");
            String dsn = new String(spool.content(m), StandardCharsets.UTF_8);
            assertThat(dsn).contains("Action: delayed", "Status: 4.4.1", "Original-Envelope-Id: ENV9", "Final-Recipient: rfc822; rcpt@example.gov.uk",
                    "Will-Retry-Until: ", "after 30 minutes", "Subject: late").doesNotContain("Action: failed");
        });
        assertThat(spool.find(e.queueId()).orElseThrow().envelope().delayWarned()).isTrue();
        assertThat(spool.find(nullSender.queueId()).orElseThrow().state()).isEqualTo(QueueState.DEFERRED);
        assertThat(spool.find(failureOnly.queueId()).orElseThrow().envelope().delayWarned()).isTrue();
        pass(qm, Duration.ofHours(2));
        pass(qm, Duration.ofHours(2));
        assertThat(warnings(spool)).as("still one warning after more retries").hasSize(1);
        qm.close();
    }

    @Test
    void theDefaultIsFourHoursAndZeroSwitchesWarningsOff() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), clock);
        QueueManager qm = queue(spool, "");
        enqueue(spool, "sender@example.gov.uk", List.of());
        pass(qm, Duration.ZERO);
        pass(qm, Duration.ofMinutes(3 * 60 + 59));
        assertThat(warnings(spool)).isEmpty();
        pass(qm, Duration.ofMinutes(2));
        assertThat(warnings(spool)).as("the warning goes out at the next attempt, not between attempts").isEmpty();
        pass(qm, Duration.ofMinutes(9)); // the retry due 10 minutes after the last attempt
        assertThat(warnings(spool)).hasSize(1);
        qm.close();

        Spool other = new Spool(dir.resolve("spool2"), clock);
        QueueManager off = queue(other, "  delayWarning: 0s\n");
        enqueue(other, "sender@example.gov.uk", List.of());
        pass(off, Duration.ZERO);
        pass(off, Duration.ofDays(1));
        assertThat(warnings(other)).isEmpty();
        off.close();
    }
}
