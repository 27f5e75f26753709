package org.mailward.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTP smuggling (SEC Consult, December 2023): an end-of-data sequence that some server mistakes for
 * {@code CRLF.CRLF} lets an attacker put a second, spoofed message inside the first. Our server must never split
 * one DATA into two; it reads to the real {@code CRLF.CRLF}, answers exactly once (550 5.6.0) and stays in sync.
 */
class SmtpSmugglingTest {

    static RecordingHandler handler = new RecordingHandler();
    static SmtpServer server;

    @BeforeAll
    static void start() throws Exception {
        server = SmtpServer.start(SmtpServerConfig.of("smuggle", new InetSocketAddress("127.0.0.1", 0), "mx.test.example"), handler);
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(1));
    }

    @BeforeEach
    void clear() {
        handler.messages.clear();
    }

    static Stream<Arguments> endings() {
        return Stream.of(
                Arguments.of("LF.LF", "\n.\n"),
                Arguments.of("CR.CR", "\r.\r"),
                Arguments.of("CRLF.CR", "\r\n.\r"),
                Arguments.of("LF.CRLF", "\n.\r\n"),
                Arguments.of("CR.CRLF", "\r.\r\n"),
                Arguments.of("CRLF.LF", "\r\n.\n"),
                Arguments.of("LF.CR", "\n.\r"),
                Arguments.of("CR.LF", "\r.\n"),
                Arguments.of("CRLF.CRCRLF", "\r\n.\r\r\n"),
                Arguments.of("CRLF.NULCRLF", "\r\n.\u0000\r\n"),
                Arguments.of("CRLF.spaceCRLF", "\r\n. \r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void fakeEndOfDataNeverSplitsTheMessage(String name, String fakeEnd) throws Exception {
        try (RawClient c = new RawClient(server.address())) {
            c.reply();
            c.send("EHLO attacker.example\r\n");
            c.reply();
            c.send("MAIL FROM:<user@attacker.example>\r\n");
            c.reply();
            c.send("RCPT TO:<victim@target.example>\r\n");
            c.reply();
            c.send("DATA\r\n");
            assertThat(c.reply()).startsWith("354");
            c.send("From: user@attacker.example\r\nSubject: one\r\n\r\nfirst" + fakeEnd
                    + "MAIL FROM:<admin@target.example>\r\nRCPT TO:<victim@target.example>\r\nDATA\r\n"
                    + "From: admin@target.example\r\nSubject: smuggled\r\n\r\nspoofed\r\n.\r\n");
            String reply = c.reply();
            c.send("NOOP\r\n");
            String noop = c.reply();
            boolean hasBareEnd = fakeEnd.replace("\r\n", "").contains("\r") || fakeEnd.replace("\r\n", "").contains("\n");
            if (hasBareEnd) {
                assertThat(reply).startsWith("550 5.6.0");
                assertThat(handler.messages).isEmpty();
            } else {
                // pure CRLF variants that are not exactly CRLF.CRLF are ordinary content: one message
                assertThat(reply).startsWith("250");
                assertThat(handler.messages).hasSize(1);
                assertThat(handler.messages.get(0).message()).contains("Subject: smuggled");
            }
            // exactly one reply for the whole DATA: the next reply is the NOOP's
            assertThat(noop).isEqualTo("250 2.0.0 Ok");
            assertThat(handler.messages).noneMatch(m -> m.message().startsWith("From: admin@target.example"));
        }
    }

    @ParameterizedTest(name = "{0} in BDAT")
    @MethodSource("endings")
    void bareLineEndsInBdatAreRefusedToo(String name, String fakeEnd) throws Exception {
        String body = "Subject: one\r\n\r\nfirst" + fakeEnd + "MAIL FROM:<admin@target.example>\r\n";
        try (RawClient c = new RawClient(server.address())) {
            c.reply();
            c.send("EHLO attacker.example\r\n");
            c.reply();
            c.send("MAIL FROM:<user@attacker.example>\r\nRCPT TO:<victim@target.example>\r\n");
            c.reply();
            c.reply();
            c.send("BDAT " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " LAST\r\n" + body);
            String reply = c.reply();
            boolean hasBareEnd = fakeEnd.replace("\r\n", "").contains("\r") || fakeEnd.replace("\r\n", "").contains("\n");
            assertThat(reply).startsWith(hasBareEnd ? "550 5.6.0" : "250");
        }
    }
}
