package org.mailward.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
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
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimStatus;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.SmtpClient;

/**
 * End to end over SMTP on 127.0.0.1: a client in a relay network sends to a remote domain; the spool holds the
 * message with the footer and with DKIM signatures (first in the header) that verify against the zone.
 */
class OutboundGatewayTest {

    @TempDir
    Path dir;
    Gateway gateway;

    static final KeyPair RSA = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);
    static final KeyPair ED = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final KeyPair WRONG = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
    }

    String zone() {
        return DkimKeys.zoneLine("rsa2026._domainkey.example.org", DkimKeys.recordValue(RSA.getPublic())) + "\n"
                + DkimKeys.zoneLine("ed2026._domainkey.example.org", DkimKeys.recordValue(ED.getPublic())) + "\n"
                // published key does not match the configured private key: that definition must stay disabled
                + DkimKeys.zoneLine("bad._domainkey.example.org", DkimKeys.recordValue(ED.getPublic())) + "\n"
                + DkimKeys.zoneLine("s1._domainkey.unpublished.example", "v=DKIM1; k=rsa; p=") + "\n"
                + "remote.example. 300 IN A 127.0.0.1\n";
    }

    Gateway start(ZoneFileResolver zone) throws Exception {
        Files.writeString(dir.resolve("rsa.pem"), DkimKeys.toPem(RSA.getPrivate()));
        Files.writeString(dir.resolve("ed.pem"), DkimKeys.toPem(ED.getPrivate()));
        Files.writeString(dir.resolve("wrong.pem"), DkimKeys.toPem(WRONG.getPrivate()));
        String yaml = """
                hostname: mx.example.org
                listeners:
                  - { name: in, address: 127.0.0.1, port: 0, kind: inbound, tls: opportunistic }
                localDomains:
                  - { domain: example.org, route: "127.0.0.1:9" }
                relayNetworks: [127.0.0.0/8]
                delivery:
                  firstRetry: 1h
                  mxPort: 9
                dkim:
                  - { domain: example.org, selector: rsa2026, keyFile: rsa.pem, algorithm: rsa-sha256 }
                  - { domain: example.org, selector: ed2026, keyFile: ed.pem, algorithm: ed25519-sha256 }
                  - { domain: example.org, selector: bad, keyFile: wrong.pem, algorithm: ed25519-sha256 }
                  - { domain: unpublished.example, selector: s1, keyFile: rsa.pem }
                disclaimers:
                  - domain: example.org
                    text: "--\\nExample Ltd, registered in England"
                    html: "<p>Example Ltd</p>"
                """;
        ConfigReader.Result r = ConfigReader.read(yaml, dir);
        assertThat(r.errors()).isEmpty();
        gateway = Gateway.start(r.config().orElseThrow(), dir.resolve("data"), zone, Clock.systemUTC(), SSLContext.getDefault(), List.of());
        return gateway;
    }

    String sendAndSpool(String from, String message) throws Exception {
        InetSocketAddress a = gateway.servers().get(0).address();
        try (SmtpClient c = SmtpClient.connect(a, "client.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            c.ehlo();
            SmtpClient.SendResult r = c.send(Optional.of(AddressParser.parseMailbox(from, true).value()),
                    List.of(AddressParser.parseMailbox("someone@remote.example", true).value()), message.getBytes(StandardCharsets.UTF_8));
            assertThat(r.accepted()).isTrue();
        }
        // remote.example is 127.0.0.1 and nothing listens on port 9: the message stays in the spool (active or deferred)
        for (int i = 0; i < 100; i++) {
            for (QueueState s : List.of(QueueState.ACTIVE, QueueState.DEFERRED)) {
                for (QueuedMessage q : gateway.spool().list(s)) {
                    if (q.envelope().sender().equals(from)) {
                        Optional<String> c = read(q);
                        if (c.isPresent()) {
                            return c.get();
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("message from " + from + " not found in the spool");
    }

    /** The content, or empty when the queue manager moved the file between list and read (the caller retries). */
    Optional<String> read(QueuedMessage q) {
        try {
            return Optional.of(new String(gateway.spool().content(q), StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    @Test
    void relayedMailIsFooteredThenSignedWithEveryEnabledDefinition() throws Exception {
        ZoneFileResolver zone = ZoneFileResolver.fromText(zone());
        start(zone);
        String msg = "From: Alice <alice@example.org>\r\nTo: someone@remote.example\r\nSubject: report\r\n"
                + "Date: Wed, 25 Nov 2026 21:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n\r\nPlease find the report.\r\n";
        String spooled = sendAndSpool("alice@example.org", msg);
        // header order: both signatures first (prepended last), then our Received header, then the original fields
        assertThat(spooled).startsWith("DKIM-Signature: ");
        int received = spooled.indexOf("\r\nReceived: from client.example");
        assertThat(received).isPositive();
        assertThat(spooled.substring(0, received)).contains("s=rsa2026").contains("s=ed2026").doesNotContain("s=bad");
        assertThat(spooled.split("DKIM-Signature: ", -1)).hasSize(3);
        // the footer is in the body, and the body hash covers it (the signatures verify)
        assertThat(spooled).endsWith("\r\n\r\nPlease find the report.\r\n\r\n--\r\nExample Ltd, registered in England\r\n");
        List<DkimResult> results = new DkimVerifier(zone, Clock.systemUTC()).verify(spooled.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(results).hasSize(2).allSatisfy(x -> assertThat(x.status()).as(x.toString()).isEqualTo(DkimStatus.PASS));
        assertThat(results).extracting(DkimResult::algorithm).containsExactlyInAnyOrder("rsa-sha256", "ed25519-sha256");
        // and the signature does cover the footer: removing it breaks every signature
        String stripped = spooled.replace("\r\n--\r\nExample Ltd, registered in England\r\n", "");
        assertThat(new DkimVerifier(zone, Clock.systemUTC()).verify(stripped.getBytes(StandardCharsets.ISO_8859_1)))
                .allSatisfy(x -> assertThat(x.status()).isEqualTo(DkimStatus.FAIL));
    }

    @Test
    void aDomainWithoutAnEnabledDefinitionIsRelayedUnsigned() throws Exception {
        start(ZoneFileResolver.fromText(zone()));
        String msg = "From: bob@unpublished.example\r\nSubject: hi\r\n\r\nbody\r\n";
        String spooled = sendAndSpool("bob@unpublished.example", msg);
        assertThat(spooled).startsWith("Received: from client.example").doesNotContain("DKIM-Signature").endsWith("\r\n\r\nbody\r\n");
        String other = sendAndSpool("carol@nodefs.example", "From: carol@nodefs.example\r\nSubject: hi\r\n\r\nbody\r\n");
        assertThat(other).doesNotContain("DKIM-Signature").doesNotContain("Example Ltd");
    }

    @Test
    void inboundMailFromOutsideTheRelayNetworksIsNeitherFooteredNorSigned() throws Exception {
        // the same gateway, but the client is not in a relay network: a local recipient, so not outbound scope
        Files.writeString(dir.resolve("rsa.pem"), DkimKeys.toPem(RSA.getPrivate()));
        String yaml = """
                hostname: mx.example.org
                listeners:
                  - { name: in, address: 127.0.0.1, port: 0 }
                localDomains:
                  - { domain: example.org, route: "127.0.0.1:9" }
                relayNetworks: [192.0.2.0/24]
                delivery:
                  firstRetry: 1h
                dkim:
                  - { domain: example.org, selector: rsa2026, keyFile: rsa.pem }
                disclaimers:
                  - { domain: example.org, text: "FOOTER" }
                """;
        gateway = Gateway.start(ConfigReader.read(yaml, dir).config().orElseThrow(), dir.resolve("data"),
                ZoneFileResolver.fromText(zone()), Clock.systemUTC(), SSLContext.getDefault(), List.of());
        InetSocketAddress a = gateway.servers().get(0).address();
        try (SmtpClient c = SmtpClient.connect(a, "client.example", Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            c.ehlo();
            assertThat(c.send(Optional.of(AddressParser.parseMailbox("spoof@example.org", true).value()),
                    List.of(AddressParser.parseMailbox("alice@example.org", true).value()),
                    "From: spoof@example.org\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)).accepted()).isTrue();
        }
        String stored = null;
        for (int i = 0; i < 100 && stored == null; i++) {
            for (QueueState s : List.of(QueueState.ACTIVE, QueueState.DEFERRED)) {
                for (QueuedMessage q : gateway.spool().list(s)) {
                    stored = read(q).orElse(null);
                }
            }
            Thread.sleep(20);
        }
        assertThat(stored).isNotNull().doesNotContain("DKIM-Signature").doesNotContain("FOOTER");
    }
}
