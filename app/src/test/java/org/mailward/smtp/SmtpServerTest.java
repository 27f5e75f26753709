package org.mailward.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SmtpServerTest {

    RecordingHandler handler = new RecordingHandler();
    SmtpServer server;

    SmtpServer start(SmtpServerConfig c) throws Exception {
        server = SmtpServer.start(c, handler);
        return server;
    }

    SmtpServerConfig config() {
        return SmtpServerConfig.of("test", new InetSocketAddress("127.0.0.1", 0), "mx.test.example");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(2));
        }
    }

    RawClient connect() throws Exception {
        RawClient c = new RawClient(server.address());
        assertThat(c.reply()).startsWith("220 mx.test.example");
        return c;
    }

    @Test
    void simpleTransactionWithDotUnstuffing() throws Exception {
        start(config());
        try (RawClient c = connect()) {
            c.send("EHLO client.example\r\n");
            String ehlo = c.reply();
            assertThat(ehlo).contains("250-PIPELINING", "250-SIZE 26214400", "250-8BITMIME", "250-SMTPUTF8",
                    "250-ENHANCEDSTATUSCODES", "250-DSN", "CHUNKING").doesNotContain("STARTTLS", "AUTH");
            c.send("MAIL FROM:<a@example.org> RET=HDRS ENVID=ab+2Bc\r\n");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            c.send("RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.net\r\n");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            c.send("DATA\r\n");
            assertThat(c.reply()).startsWith("354");
            c.send("Subject: hi\r\n\r\n..leading dot\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: queued as Q1");
            c.send("QUIT\r\n");
            assertThat(c.reply()).startsWith("221 2.0.0");
        }
        assertThat(handler.messages).hasSize(1);
        RecordingHandler.Received r = handler.messages.get(0);
        assertThat(r.message()).isEqualTo("Subject: hi\r\n\r\n.leading dot\r\n");
        assertThat(r.transaction().reversePath()).contains(Mailbox.of("a", "example.org"));
        assertThat(r.transaction().mailParameters().ret()).contains(MailParameters.Ret.HDRS);
        assertThat(r.transaction().mailParameters().envid()).contains("ab+c");
        Transaction.Recipient rc = r.transaction().recipients().get(0);
        assertThat(rc.parameters().notifyOn()).containsExactlyInAnyOrder(RcptParameters.Notify.SUCCESS, RcptParameters.Notify.FAILURE);
        assertThat(rc.parameters().orcpt()).contains("rfc822;b@example.net");
        assertThat(r.session().helo()).contains("client.example");
    }

    @Test
    void pipelinedTransactionGetsAllRepliesInOrder() throws Exception {
        start(config());
        try (RawClient c = connect()) {
            c.send("EHLO client.example\r\n");
            c.reply();
            c.send("MAIL FROM:<>\r\nRCPT TO:<x@example.net>\r\nRCPT TO:<y@example.net>\r\nDATA\r\n");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).startsWith("354");
            c.send("body\r\n.\r\nMAIL FROM:<a@b.example>\r\nRSET\r\nNOOP\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(handler.messages).hasSize(1);
        assertThat(handler.messages.get(0).transaction().reversePath()).isEmpty();
        assertThat(handler.messages.get(0).transaction().recipients()).hasSize(2);
    }

    @Test
    void commandsOutOfSequenceAndUnknownAreRefused() throws Exception {
        start(config());
        try (RawClient c = connect()) {
            c.send("MAIL FROM:<a@b.example>\r\n");
            assertThat(c.reply()).startsWith("503");
            c.send("EHLO c.example\r\n");
            c.reply();
            c.send("RCPT TO:<a@b.example>\r\n");
            assertThat(c.reply()).isEqualTo("503 5.5.1 Error: need MAIL command");
            c.send("DATA\r\n");
            assertThat(c.reply()).startsWith("503 5.5.1");
            c.send("MAIL FROM:<a@b.example>\r\n");
            c.reply();
            c.send("MAIL FROM:<a@b.example>\r\n");
            assertThat(c.reply()).isEqualTo("503 5.5.1 Error: nested MAIL command");
            c.send("DATA\r\n");
            assertThat(c.reply()).isEqualTo("554 5.5.1 Error: no valid recipients");
            c.send("FOO bar\r\n");
            assertThat(c.reply()).startsWith("500 5.5.2");
            c.send("VRFY someone\r\n");
            assertThat(c.reply()).startsWith("252 2.5.0");
            c.send("HELP\r\n");
            assertThat(c.reply()).startsWith("214");
            c.send("MAIL FROM:<a@b.example> FOO=1\r\n");
            assertThat(c.reply()).startsWith("555"); // parameters are checked first
            c.send("RSET\r\nMAIL FROM:<a@b.example> FOO=1\r\n");
            c.reply();
            assertThat(c.reply()).startsWith("555 5.5.4");
        }
    }

    @Test
    void sizeLimitsAreEnforcedDeclaredAndActual() throws Exception {
        start(config().withLimits(SmtpLimits.defaults().withMaxMessageSize(100)));
        try (RawClient c = connect()) {
            c.send("EHLO c.example\r\n");
            assertThat(c.reply()).contains("SIZE 100");
            c.send("MAIL FROM:<a@b.example> SIZE=101\r\n");
            assertThat(c.reply()).startsWith("552 5.3.4");
            c.send("MAIL FROM:<a@b.example> SIZE=50\r\n");
            c.reply();
            c.send("RCPT TO:<x@y.example>\r\n");
            c.reply();
            c.send("DATA\r\n");
            c.reply();
            c.send("x".repeat(80) + "\r\n" + "y".repeat(80) + "\r\n.\r\n");
            assertThat(c.reply()).startsWith("552 5.3.4");
            c.send("NOOP\r\n");
            assertThat(c.reply()).startsWith("250"); // still in sync after the refused message
        }
        assertThat(handler.messages).isEmpty();
    }

    @Test
    void recipientLimitGives452() throws Exception {
        start(config().withLimits(SmtpLimits.defaults().withMaxRecipients(2)));
        try (RawClient c = connect()) {
            c.send("EHLO c.example\r\n");
            c.reply();
            c.send("MAIL FROM:<a@b.example>\r\n");
            c.reply();
            c.send("RCPT TO:<a@y.example>\r\nRCPT TO:<b@y.example>\r\nRCPT TO:<c@y.example>\r\n");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).isEqualTo("452 4.5.3 Error: too many recipients");
        }
    }

    @Test
    void tooManyErrorsCloses() throws Exception {
        start(config().withLimits(SmtpLimits.defaults().withMaxErrors(3)));
        try (RawClient c = connect()) {
            c.send("XXX\r\n");
            assertThat(c.reply()).startsWith("500");
            c.send("XXX\r\n");
            assertThat(c.reply()).startsWith("500");
            c.send("XXX\r\n");
            assertThat(c.reply()).startsWith("421 4.7.0");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void tooManyJunkCommandsCloses() throws Exception {
        start(config().withLimits(SmtpLimits.defaults().withMaxJunkCommands(3)));
        try (RawClient c = connect()) {
            for (int i = 0; i < 3; i++) {
                c.send("NOOP\r\n");
                assertThat(c.reply()).startsWith("250");
            }
            c.send("NOOP\r\n");
            c.reply();
            assertThat(c.reply()).startsWith("421 4.7.0");
        }
    }

    @Test
    void longCommandLineIsRefused() throws Exception {
        start(config());
        try (RawClient c = connect()) {
            c.send("EHLO c.example\r\n");
            c.reply();
            c.send("MAIL FROM:<" + "a".repeat(1100) + "@b.example>\r\n");
            assertThat(c.reply()).isEqualTo("500 5.5.2 Error: line too long");
            c.send("MAIL FROM:<" + "a".repeat(65) + "@b.example>\r\n");
            assertThat(c.reply()).startsWith("501 5.1.7").contains("64 octets");
        }
    }

    @Test
    void earlyTalkerIsRejected() throws Exception {
        start(config().withLimits(SmtpLimits.defaults().withGreetPause(Duration.ofMillis(300))));
        try (RawClient c = new RawClient(server.address())) {
            c.send("EHLO eager.example\r\n");
            assertThat(c.reply()).startsWith("554 5.5.1");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = new RawClient(server.address())) {
            assertThat(c.reply()).startsWith("220"); // a patient client is greeted
        }
        assertThat(handler.messages).isEmpty();
    }

    @Test
    void pipeliningAfterEhloOrWithoutPipeliningIsRefused() throws Exception {
        start(config());
        try (RawClient c = connect()) {
            c.send("EHLO c.example\r\nMAIL FROM:<a@b.example>\r\n");
            assertThat(c.reply()).startsWith("554 5.5.0 Error: improper command pipelining after EHLO");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = connect()) {
            c.send("HELO c.example\r\n");
            assertThat(c.reply()).startsWith("250");
            c.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@y.example>\r\n");
            assertThat(c.reply()).startsWith("554");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = connect()) {
            c.send("EHLO c.example\r\n");
            c.reply();
            c.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@y.example>\r\nDATA\r\nSubject: early\r\n\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("554 5.5.0 Error: improper command pipelining after DATA");
        }
        assertThat(handler.messages).isEmpty();
    }

    @Test
    void bdatChunksAreJoined() throws Exception {
        start(config());
        try (RawClient c = connect()) {
            c.send("EHLO c.example\r\nMAIL FROM:<a@b.example>\r\n".substring(0, 16));
            c.reply();
            c.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@y.example>\r\n");
            c.reply();
            c.reply();
            String part1 = "Subject: chunked\r\n\r\n";
            String part2 = ".not stuffed\r\n";
            c.send("BDAT " + part1.length() + "\r\n" + part1 + "BDAT " + part2.length() + " LAST\r\n" + part2);
            assertThat(c.reply()).isEqualTo("250 2.0.0 " + part1.length() + " octets received");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued");
            c.send("BDAT 3 LAST\r\nabc");
            assertThat(c.reply()).startsWith("503 5.5.1"); // no transaction, chunk consumed
            c.send("NOOP\r\n");
            assertThat(c.reply()).startsWith("250");
        }
        assertThat(handler.messages).hasSize(1);
        assertThat(handler.messages.get(0).message()).isEqualTo("Subject: chunked\r\n\r\n.not stuffed\r\n");
    }

    @Test
    void idleClientTimesOutWith421() throws Exception {
        start(config().withLimits(SmtpLimits.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300))));
        try (RawClient c = connect()) {
            assertThat(c.reply()).startsWith("421 4.4.2");
        }
    }

    @Test
    void gracefulCloseLetsTransactionFinishAndTellsIdleClients421() throws Exception {
        start(config());
        try (RawClient idle = connect(); RawClient busy = connect()) {
            busy.send("EHLO c.example\r\n");
            busy.reply();
            busy.send("MAIL FROM:<a@b.example>\r\n");
            busy.reply();
            busy.send("RCPT TO:<x@y.example>\r\n");
            busy.reply();
            busy.send("DATA\r\n");
            busy.reply();
            Thread closer = Thread.ofVirtual().start(() -> server.close(Duration.ofSeconds(5)));
            assertThat(idle.reply()).startsWith("421 4.3.2");
            busy.send("Subject: in flight\r\n\r\nbody\r\n.\r\n");
            assertThat(busy.reply()).startsWith("250 2.0.0 Ok: queued");
            assertThat(busy.reply()).startsWith("421 4.3.2");
            closer.join(6000);
            assertThat(server.activeSessions()).isZero();
        }
        server = null;
        assertThat(handler.messages).hasSize(1);
    }

    @Test
    void handlerRefusalsAreSent() throws Exception {
        server = SmtpServer.start(config(), new SessionHandler() {
            @Override
            public Decision rcpt(SessionInfo s, Transaction t, SmtpCommand.Rcpt r) {
                return r.forwardPath().domain().equals("bad.example")
                        ? Decision.refuse(550, "5.7.1", "relay denied") : Decision.accept();
            }

            @Override
            public Decision data(SessionInfo s, Transaction t, byte[] m) {
                return Decision.refuse(451, "4.3.0", "try later");
            }
        });
        try (RawClient c = connect()) {
            c.send("EHLO c.example\r\nMAIL FROM:<a@b.example>\r\n".substring(0, 16));
            c.reply();
            c.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@bad.example>\r\nRCPT TO:<x@good.example>\r\nDATA\r\n");
            c.reply();
            assertThat(c.reply()).isEqualTo("550 5.7.1 relay denied");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("354");
            c.send("x\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("451 4.3.0 try later");
        }
    }

    @Test
    void clientDeliversSeveralMessagesOnOneConnection() throws Exception {
        start(config());
        try (SmtpClient c = SmtpClient.connect(server.address(), "client.example", Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            assertThat(c.ehlo().code()).isEqualTo(250);
            assertThat(c.supports("PIPELINING")).isTrue();
            for (int i = 0; i < 3; i++) {
                SmtpClient.SendResult r = c.send(Optional.of(Mailbox.of("a", "b.example")),
                        List.of(Mailbox.of("x", "y.example"), Mailbox.of("z", "y.example")),
                        ("Subject: " + i + "\r\n\r\n.dot\r\nlast line without CRLF").getBytes());
                assertThat(r.accepted()).isTrue();
                assertThat(r.rcpt()).hasSize(2).allMatch(SmtpReply::positive);
            }
            c.quit();
        }
        assertThat(handler.messages).hasSize(3);
        assertThat(handler.messages.get(2).message()).isEqualTo("Subject: 2\r\n\r\n.dot\r\nlast line without CRLF\r\n");
    }
}
