package org.mailward.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.GatewayConfig;

class OutboundProcessorTest {

    @Test
    void fromDomainTakesTheOneAddressOfTheOneFromField() {
        assertThat(OutboundProcessor.fromDomain("From: a@Example.ORG\r\n")).contains("example.org");
        assertThat(OutboundProcessor.fromDomain("Subject: x\r\nFrom: \"Smith, J (x@evil.example)\" <j@example.org>\r\n")).contains("example.org");
        assertThat(OutboundProcessor.fromDomain("From: (c@evil.example) j@example.org.\r\n")).contains("example.org");
        assertThat(OutboundProcessor.fromDomain("From: Alice\r\n <alice@example.org>\r\n")).contains("example.org");
        assertThat(OutboundProcessor.fromDomain("From: a@example.org, b@example.net\r\n")).isEmpty();
        assertThat(OutboundProcessor.fromDomain("From: A <a@example.org>, B <b@example.net>\r\n")).isEmpty();
        assertThat(OutboundProcessor.fromDomain("From: a@example.org\r\nFrom: b@example.net\r\n")).isEmpty();
        assertThat(OutboundProcessor.fromDomain("Subject: no from\r\n")).isEmpty();
        assertThat(OutboundProcessor.fromDomain("From: undisclosed\r\n")).isEmpty();
        assertThat(OutboundProcessor.fromDomain("From: <a@exa mple.org>\r\n")).isEmpty();
    }

    @Test
    void fromDomainFuzzNeverThrows() {
        long seed = Long.getLong("mailward.fuzz.seed", 20261125L); // fixed for repeatable CI runs; -Dmailward.fuzz.seed=N explores
        Random rnd = new Random(seed);
        String alphabet = "<>@,\"()\\ :.\r\naZ-";
        for (int i = 0; i < 20000; i++) {
            StringBuilder sb = new StringBuilder("From: A <a@example.org>\r\n");
            for (int e = 0; e < 1 + rnd.nextInt(5); e++) {
                int at = rnd.nextInt(sb.length());
                if (rnd.nextBoolean()) {
                    sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                } else {
                    sb.deleteCharAt(at);
                }
            }
            try {
                Optional<String> d = OutboundProcessor.fromDomain(sb.toString());
                d.ifPresent(x -> assertThat(x).matches("[a-z0-9.-]*[a-z0-9-]"));
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " input " + sb, t);
            }
        }
    }

    @Test
    void footerOnlyForItsDomainAndSignatureOverTheFooteredBody() {
        KeyPair k = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
        GatewayConfig.DkimDefinition d = new GatewayConfig.DkimDefinition("example.org", "s", Path.of("k.pem"), DkimAlgorithm.ED25519_SHA256, k.getPrivate());
        ZoneFileResolver zone = ZoneFileResolver.fromText(DkimKeys.zoneLine("s._domainkey.example.org", DkimKeys.recordValue(k.getPublic())) + "\n");
        OutboundProcessor p = new OutboundProcessor(List.of(new GatewayConfig.Disclaimer("example.org", "FOOT", "")),
                DkimDefinitions.check(List.of(d), zone), Clock.systemUTC());
        OutboundProcessor.Outcome o = p.process("t1", "From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(o.footerAdded()).isTrue();
        assertThat(o.signedWith()).containsExactly("example.org/s");
        String out = new String(o.message(), StandardCharsets.ISO_8859_1);
        assertThat(out).startsWith("DKIM-Signature: ").endsWith("\r\n\r\nbody\r\n\r\nFOOT\r\n");
        assertThat(new DkimVerifier(zone, Clock.systemUTC()).verify(o.message())).singleElement()
                .satisfies(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        OutboundProcessor.Outcome other = p.process("t2", "From: a@example.net\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(other.footerAdded()).isFalse();
        assertThat(other.signedWith()).isEmpty();
        assertThat(new String(other.message(), StandardCharsets.ISO_8859_1)).isEqualTo("From: a@example.net\r\n\r\nbody\r\n");
    }
}
