package org.mailward.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
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

/** Retry schedule and give-up with an injected clock (no waiting). */
class QueueManagerTest {

    static final class MutableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T12:00:00Z"));

        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.set(now.get().plus(d));
        }
    }

    @TempDir
    Path dir;

    @Test
    void retriesWithBackoffThenGivesUpAfterTheQueueLifetimeAndBounces() throws Exception {
        int closedPort = PostfixInstance.freePort(); // nothing listens there
        GatewayConfig c = ConfigReader.read("""
                hostname: mx.example.gov.uk
                listeners: [{name: in, port: 0}]
                localDomains: [{ domain: example.gov.uk, route: "127.0.0.1:%d" }]
                """.formatted(closedPort), dir).config().orElseThrow();
        MutableClock clock = new MutableClock();
        Spool spool = new Spool(dir.resolve("spool"), clock);
        QueueManager qm = new QueueManager(spool, c, ZoneFileResolver.fromText(""), clock, SSLContext.getDefault());
        assertThat(qm.backoff(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(qm.backoff(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(qm.backoff(4)).isEqualTo(Duration.ofMinutes(40));
        assertThat(qm.backoff(5)).isEqualTo(Duration.ofSeconds(4000));
        assertThat(qm.backoff(50)).isEqualTo(Duration.ofSeconds(4000));
        Envelope e = spool.enqueue(new Envelope("", "sender@example.gov.uk",
                List.of(new Envelope.Recipient("rcpt@example.gov.uk", "rfc822;rcpt@example.gov.uk", List.of(), Envelope.Status.PENDING, "")),
                "ENV1", "HDRS", false, clock.millis(), "127.0.0.1", 0, clock.millis(), "", ""), "Subject: s\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII));

        qm.scan();
        assertThat(qm.awaitIdle(Duration.ofSeconds(10))).isTrue();
        QueuedMessage d = spool.find(e.queueId()).orElseThrow();
        assertThat(d.state()).isEqualTo(QueueState.DEFERRED);
        assertThat(d.envelope().attempts()).isEqualTo(1);
        assertThat(d.envelope().nextAttempt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)).toEpochMilli());

        clock.advance(Duration.ofMinutes(4));
        qm.scan(); // not yet due
        assertThat(qm.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(spool.find(e.queueId()).orElseThrow().envelope().attempts()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        qm.scan();
        assertThat(qm.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(spool.find(e.queueId()).orElseThrow().envelope().attempts()).isEqualTo(2);

        clock.advance(Duration.ofDays(5));
        qm.scan();
        assertThat(qm.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(spool.find(e.queueId())).isEmpty();
        List<QueuedMessage> left = new java.util.ArrayList<>(spool.list(QueueState.ACTIVE));
        left.addAll(spool.list(QueueState.DEFERRED));
        assertThat(left).hasSize(1);
        QueuedMessage bounce = left.get(0);
        assertThat(bounce.envelope().sender()).isEmpty();
        assertThat(bounce.envelope().recipients()).extracting(Envelope.Recipient::address).containsExactly("sender@example.gov.uk");
        String dsn = new String(spool.content(bounce), StandardCharsets.UTF_8);
        assertThat(dsn).contains("Original-Envelope-Id: ENV1", "Original-Recipient: rfc822;rcpt@example.gov.uk",
                "Final-Recipient: rfc822; rcpt@example.gov.uk", "Action: failed", "gave up after PT120H", "Connection refused");
        qm.close();
    }
}
