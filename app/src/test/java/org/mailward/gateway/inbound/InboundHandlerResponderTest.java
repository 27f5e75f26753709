package org.mailward.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Decision;
import org.mailward.smtp.MailParameters;
import org.mailward.smtp.RcptParameters;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.Transaction;

/** The handler's split of a transaction between recipients the gateway answers itself and those it relays. */
class InboundHandlerResponderTest {

    @TempDir
    Path dir;
    HookRunner runner;
    final List<List<String>> answered = new ArrayList<>();
    boolean failWrite;

    @AfterEach
    void close() {
        if (runner != null) {
            runner.close();
        }
    }

    final LocalResponder responder = new LocalResponder() {
        @Override
        public boolean answers(String recipient) {
            return recipient.equalsIgnoreCase("emailsecurity@example.org");
        }

        @Override
        public void respond(SessionInfo session, Transaction transaction, byte[] message, List<String> recipients) throws IOException {
            if (failWrite) {
                throw new IOException("disk full");
            }
            answered.add(recipients);
        }
    };

    InboundHandler handler(Spool spool, List<InboundHook> hooks) {
        runner = new HookRunner(hooks, Duration.ofSeconds(5));
        return new InboundHandler("mx.example.org", new RelayControl(Set.of("example.org"), List.of()), runner, spool, Clock.systemUTC(),
                e -> { }, Optional.empty(), Optional.of(responder));
    }

    static SessionInfo session() throws Exception {
        return new SessionInfo("s1", "in", new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 4000),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25), Optional.of("client.example"), true, Optional.empty(), Optional.empty());
    }

    static Transaction transaction(String... rcpts) {
        Transaction t = new Transaction(Optional.of(AddressParser.parseMailbox("a@sender.example", true).value()), MailParameters.none(), List.of());
        for (String r : rcpts) {
            t = t.with(new Transaction.Recipient(AddressParser.parseMailbox(r, true).value(), RcptParameters.none()));
        }
        return t;
    }

    static final byte[] MESSAGE = "From: a@sender.example\r\nSubject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void answeredRecipientsAreTakenOutAndTheOthersSpooled() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        Decision d = handler(spool, List.of()).data(session(), transaction("EmailSecurity@example.org", "bob@example.org"), MESSAGE);
        assertThat(d.accepted()).isTrue();
        assertThat(d.reply().orElseThrow().toString()).contains("queued as");
        assertThat(answered).containsExactly(List.of("EmailSecurity@example.org"));
        assertThat(spool.list(QueueState.ACTIVE)).singleElement().satisfies(q ->
                assertThat(q.envelope().recipients()).extracting(Envelope.Recipient::address).containsExactly("bob@example.org"));
    }

    @Test
    void aTransactionOnlyForTheResponderIsNotSpooledEvenWithARepeatedRcpt() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        Decision d = handler(spool, List.of()).data(session(), transaction("emailsecurity@example.org", "emailsecurity@example.org"), MESSAGE);
        assertThat(d.accepted()).isTrue();
        assertThat(d.reply().orElseThrow().toString()).contains("answered by mx.example.org");
        assertThat(answered).containsExactly(List.of("emailsecurity@example.org"));
        assertThat(spool.list(QueueState.ACTIVE)).isEmpty();
    }

    @Test
    void aFailedAnswerIsATemporaryErrorAndNothingIsSpooled() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        failWrite = true;
        Decision d = handler(spool, List.of()).data(session(), transaction("emailsecurity@example.org", "bob@example.org"), MESSAGE);
        assertThat(d.accepted()).isFalse();
        assertThat(d.reply().orElseThrow().toString()).startsWith("451");
        assertThat(spool.list(QueueState.ACTIVE)).isEmpty();
    }

    @Test
    void aRejectedMessageIsNeverAnswered() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        InboundHook reject = new InboundHook() {
            @Override
            public String name() {
                return "reject";
            }

            @Override
            public HookVerdict onData(SessionInfo s, Transaction t, byte[] m) {
                return HookVerdict.reject(550, "5.7.1", "no");
            }
        };
        Decision d = handler(spool, List.of(reject)).data(session(), transaction("emailsecurity@example.org"), MESSAGE);
        assertThat(d.accepted()).isFalse();
        assertThat(answered).isEmpty();
    }
}
