package org.mailward.gateway.reflector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.gateway.reflector.ReflectorFixtures.AUTHENTICATOR;
import static org.mailward.gateway.reflector.ReflectorFixtures.CLOCK;
import static org.mailward.gateway.reflector.ReflectorFixtures.GOOD_IP;
import static org.mailward.gateway.reflector.ReflectorFixtures.PSL;
import static org.mailward.gateway.reflector.ReflectorFixtures.ZONE;
import static org.mailward.gateway.reflector.ReflectorFixtures.message;
import static org.mailward.gateway.reflector.ReflectorFixtures.session;
import static org.mailward.gateway.reflector.ReflectorFixtures.transaction;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.events.GatewayEvents;
import org.mailward.gateway.inbound.AuthenticationHook;
import org.mailward.gateway.inbound.HookVerdict;
import org.mailward.gateway.inbound.RelayControl;
import org.mailward.gateway.outbound.LocalSubmission;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;
import org.mailward.smtp.Transaction;

/**
 * The reflector with a real authentication hook in front (the listener hand-off) and a real spool behind (the reply
 * queued with the null sender to the envelope sender), and its per-sender limit from the configuration.
 */
class ReflectorTest {

    @TempDir
    Path dir;
    Spool spool;
    Reflector reflector;
    AuthenticationHook hook;
    final List<Envelope> queued = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        GatewayConfig config = ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{name: in, port: 25}]
                localDomains:
                  - { domain: example.org, route: "10.0.0.5:25" }
                  - { domain: quiet.example, route: "10.0.0.5:25" }
                reflector:
                  maxRepliesPerSenderPerHour: 2
                  domains: [{ domain: quiet.example, enabled: false }]
                """, dir).config().orElseThrow();
        spool = new Spool(dir.resolve("spool"), CLOCK);
        LocalSubmission submission = new LocalSubmission(spool, Optional.empty(), CLOCK, queued::add, "mx.example.org");
        reflector = Reflector.of(config, submission, PSL, CLOCK).orElseThrow();
        RelayControl relay = new RelayControl(java.util.Set.of("example.org", "quiet.example"), List.of());
        hook = new AuthenticationHook(ZONE, AUTHENTICATOR, config.authentication(), relay, GatewayEvents.NONE, CLOCK, reflector);
    }

    /** MAIL FROM and DATA through the hook, then the handler's call, as InboundHandler makes them. */
    ReplyRules.Decision deliver(String sessionId, byte[] message, byte[] handed) throws Exception {
        SessionInfo s = session(sessionId, GOOD_IP, true);
        Transaction t = transaction("alice@sender.example", "EmailSecurity@Example.org", "bob@example.org");
        assertThat(hook.onMailFrom(s, new SmtpCommand.Mail(t.reversePath(), t.mailParameters()))).isEqualTo(HookVerdict.proceed());
        assertThat(hook.onData(s, t, message)).isInstanceOf(HookVerdict.Continue.class);
        return reflector.handle(s, t, handed, List.of("EmailSecurity@Example.org"));
    }

    @Test
    void answersTheConfiguredAddressesOnly() {
        assertThat(reflector.addresses()).containsExactly("emailsecurity@example.org");
        assertThat(reflector.answers("EMAILSECURITY@example.ORG")).isTrue();
        assertThat(reflector.answers("emailsecurity@quiet.example")).isFalse();
        assertThat(reflector.answers("bob@example.org")).isFalse();
    }

    @Test
    void repliesWithTheHookResultsToTheEnvelopeSenderWithANullReversePath() throws Exception {
        byte[] m = message("").getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("s1", m, m)).isEqualTo(new ReplyRules.Decision.Reply("spf pass for sender.example"));
        assertThat(queued).singleElement().satisfies(e -> {
            assertThat(e.sender()).isEmpty(); // RFC 3834 3.3
            assertThat(e.recipients()).extracting(Envelope.Recipient::address).containsExactly("alice@sender.example");
        });
        QueuedMessage q = spool.list(QueueState.ACTIVE).get(0);
        String reply = new String(spool.content(q), StandardCharsets.US_ASCII);
        assertThat(reply).contains("From: Mailward reflector <emailsecurity@example.org>").contains("Auto-Submitted: auto-replied")
                .contains("iprev=pass").contains("TLSv1.3, cipher TLS_AES_256_GCM_SHA384");
    }

    @Test
    void resultsOfAnotherMessageAreNeverUsed() throws Exception {
        byte[] m = message("").getBytes(StandardCharsets.UTF_8);
        ReplyRules.Decision d = deliver("s2", m, m.clone());
        assertThat(d).isInstanceOf(ReplyRules.Decision.Skip.class);
        assertThat(((ReplyRules.Decision.Skip) d).rule()).isEqualTo(ReplyRules.Rule.NOT_AUTHENTICATED);
        assertThat(queued).isEmpty();
    }

    @Test
    void theConfiguredLimitPerSenderApplies() throws Exception {
        List<ReplyRules.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] m = message("").getBytes(StandardCharsets.UTF_8);
            decisions.add(deliver("s-limit-" + i, m, m));
        }
        assertThat(decisions.subList(0, 2)).allMatch(d -> d instanceof ReplyRules.Decision.Reply);
        assertThat(decisions.get(2)).isInstanceOf(ReplyRules.Decision.Skip.class);
        assertThat(((ReplyRules.Decision.Skip) decisions.get(2)).rule()).isEqualTo(ReplyRules.Rule.RATE_LIMITED);
        assertThat(queued).hasSize(2);
    }

    @Test
    void noReflectorWhenEveryDomainHasItOff() {
        GatewayConfig off = ConfigReader.read("hostname: mx.example.org\nlisteners: [{name: in, port: 25}]\n"
                + "localDomains: [{ domain: example.org, route: \"10.0.0.5:25\" }]\nreflector: { enabled: false }\n", dir).config().orElseThrow();
        assertThat(Reflector.of(off, new LocalSubmission(spool, Optional.empty(), CLOCK, e -> { }, "mx"), PSL, CLOCK)).isEmpty();
    }
}
