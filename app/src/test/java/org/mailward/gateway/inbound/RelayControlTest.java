package org.mailward.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;

/** The classic open-relay tricks, each sent over SMTP from a client that may not relay. */
class RelayControlTest {

    @TempDir
    Path dir;
    SmtpServer server;
    Spool spool;

    SmtpServer start(List<Cidr> relayNetworks) throws Exception {
        spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        RelayControl rc = new RelayControl(Set.of("example.gov.uk", "xn--exmple-cua.gov.uk"), relayNetworks);
        InboundHandler h = new InboundHandler("mx.example.gov.uk", rc, new HookRunner(List.of(), Duration.ofSeconds(5)),
                spool, Clock.systemUTC(), e -> { });
        server = SmtpServer.start(SmtpServerConfig.of("in", new InetSocketAddress("127.0.0.1", 0), "mx.example.gov.uk"), h);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(1));
        }
    }

    String rcpt(String path) throws Exception {
        try (SmtpClient c = SmtpClient.connect(server.address(), "client.example", Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            c.ehlo();
            boolean utf8 = !path.chars().allMatch(ch -> ch < 128);
            assertThat(c.command("MAIL FROM:<a@sender.example>" + (utf8 ? " SMTPUTF8" : "")).code()).isEqualTo(250);
            return c.command("RCPT TO:" + path).toString();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "percent hack|<user%other.example@example.gov.uk>|550 5.7.1",
            "percent hack, upper case|<user%other.example@EXAMPLE.GOV.UK>|550 5.7.1",
            "source route via us|<@example.gov.uk:user@other.example>|554 5.7.1",
            "source route, two hops|<@example.gov.uk,@relay.example:user@other.example>|554 5.7.1",
            "quoted local part with @|<\"user@other.example\"@example.gov.uk>|550 5.7.1",
            "quoted local part with %|<\"user%other.example\"@example.gov.uk>|550 5.7.1",
            "bang path|<other.example!user@example.gov.uk>|550 5.7.1",
            "IPv4 literal|<user@[192.0.2.1]>|554 5.7.1",
            "loopback literal|<user@[127.0.0.1]>|554 5.7.1",
            "IPv6 literal|<user@[IPv6:2001:db8::1]>|554 5.7.1",
            "trailing dot on local domain|<user@example.gov.uk.>|501 5.1.3",
            "trailing dot on remote domain|<user@other.example.>|501 5.1.3",
            "remote domain|<user@other.example>|554 5.7.1",
            "remote domain upper case|<user@OTHER.EXAMPLE>|554 5.7.1",
            "percent hack on remote domain|<user%example.gov.uk@other.example>|554 5.7.1",
            "subdomain of a local domain|<user@sub.example.gov.uk>|554 5.7.1",
            "local domain as a suffix|<user@notexample.gov.uk>|554 5.7.1",
            "quoted plain remote|<\"user\"@other.example>|554 5.7.1",
            "IDN remote domain|<user@exämple.example>|554 5.7.1",
            "IDN look-alike of a local domain|<user@exаmple.gov.uk>|554 5.7.1",
    })
    void refusedWithoutRelayPermission(String name, String path, String expected) throws Exception {
        start(List.of());
        assertThat(rcpt(path)).startsWith(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "plain|<user@example.gov.uk>",
            "upper case|<USER@EXAMPLE.GOV.UK>",
            "IDN U-label of a local domain|<user@EXÄMPLE.gov.uk>",
            "IDN A-label|<user@xn--exmple-cua.gov.uk>",
            "postmaster without domain|<Postmaster>",
            "source route ending in a local mailbox|<@relay.example:user@example.gov.uk>",
    })
    void localRecipientsAreAccepted(String name, String path) throws Exception {
        start(List.of());
        assertThat(rcpt(path)).startsWith("250 2.1.5");
    }

    @Test
    void relayNetworksMayRelayAndMessagesAreQueued() throws Exception {
        start(List.of(Cidr.parse("127.0.0.0/8").orElseThrow()));
        assertThat(rcpt("<user@other.example>")).startsWith("250");
        assertThat(rcpt("<user@[192.0.2.1]>")).startsWith("250");
        // still no routing characters towards local domains, even from relay networks
        assertThat(rcpt("<user%other.example@example.gov.uk>")).startsWith("550 5.7.1");
        try (SmtpClient c = SmtpClient.connect(server.address(), "client.example", Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            c.ehlo();
            SmtpClient.SendResult r = c.send(java.util.Optional.of(org.mailward.smtp.Mailbox.of("a", "sender.example")),
                    List.of(org.mailward.smtp.Mailbox.of("x", "other.example"), org.mailward.smtp.Mailbox.of("y", "example.gov.uk")),
                    "Subject: relayed\r\n\r\nhello\r\n".getBytes());
            assertThat(r.accepted()).isTrue();
            assertThat(r.data().orElseThrow().text()).startsWith("Ok: queued as ");
        }
        var active = spool.list(QueueState.ACTIVE);
        assertThat(active).hasSize(1);
        assertThat(active.get(0).envelope().recipients()).extracting(e -> e.address())
                .containsExactly("x@other.example", "y@example.gov.uk");
        String content = new String(spool.content(active.get(0)));
        assertThat(content).startsWith("Received: from client.example ([127.0.0.1])").contains("Subject: relayed");
    }

    @Test
    void cidrParsing() {
        assertThat(Cidr.parse("10.0.0.0/8").orElseThrow().contains(java.net.InetAddress.getLoopbackAddress())).isFalse();
        assertThat(Cidr.parse("127.0.0.1").orElseThrow().contains(java.net.InetAddress.getLoopbackAddress())).isTrue();
        assertThat(Cidr.parse("::1/128")).isPresent();
        assertThat(Cidr.parse("10.0.0.0/33")).isEmpty();
        assertThat(Cidr.parse("example.org")).isEmpty();
        assertThat(Cidr.parse("1.2.3/8")).isEmpty();
    }
}
