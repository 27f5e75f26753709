package org.mailward.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;

class LocalSubmissionTest {

    @TempDir
    Path dir;

    @Test
    void signsSpoolsAndWakesTheQueue() throws Exception {
        KeyPair k = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
        GatewayConfig.DkimDefinition d = new GatewayConfig.DkimDefinition("example.org", "s", Path.of("k.pem"), DkimAlgorithm.ED25519_SHA256, k.getPrivate());
        ZoneFileResolver zone = ZoneFileResolver.fromText(DkimKeys.zoneLine("s._domainkey.example.org", DkimKeys.recordValue(k.getPublic())) + "\n");
        Clock clock = Clock.systemUTC();
        OutboundProcessor p = new OutboundProcessor(List.of(), DkimDefinitions.check(List.of(d), zone), clock);
        Spool spool = new Spool(dir.resolve("spool"), clock);
        List<Envelope> woken = new ArrayList<>();
        LocalSubmission ls = new LocalSubmission(spool, Optional.of(p), clock, woken::add, "mx.example.org");

        LocalSubmission.Submitted s = ls.submit("", List.of("a@example.net", "b@example.net"),
                "From: emailsecurity@example.org\r\nTo: a@example.net\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(s.outcome().signedWith()).containsExactly("example.org/s");
        assertThat(woken).containsExactly(s.envelope());
        QueuedMessage q = spool.find(s.envelope().queueId()).orElseThrow();
        assertThat(q.state()).isEqualTo(QueueState.ACTIVE);
        assertThat(q.envelope().sender()).isEmpty();
        assertThat(q.envelope().recipients()).extracting(Envelope.Recipient::address).containsExactly("a@example.net", "b@example.net");
        byte[] stored = spool.content(q);
        assertThat(stored).isEqualTo(s.outcome().message());
        assertThat(new DkimVerifier(zone, clock).verify(stored)).singleElement()
                .satisfies(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }

    @Test
    void withoutOutboundProcessingTheMessageIsStoredUnchangedAndEmptyRecipientsAreRefused() throws Exception {
        Clock clock = Clock.systemUTC();
        Spool spool = new Spool(dir.resolve("spool"), clock);
        LocalSubmission ls = new LocalSubmission(spool, Optional.empty(), clock, e -> { }, "mx.example.org");
        byte[] m = "From: a@example.org\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        LocalSubmission.Submitted s = ls.submit("a@example.org", List.of("b@example.net"), m);
        assertThat(spool.content(spool.find(s.envelope().queueId()).orElseThrow())).isEqualTo(m);
        assertThat(s.outcome().signedWith()).isEmpty();
        assertThatThrownBy(() -> ls.submit("a@example.org", List.of(), m)).isInstanceOf(IllegalArgumentException.class);
    }
}
