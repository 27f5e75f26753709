package org.mailward.gateway.reflector;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.verify.Envelope;
import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.auth.verify.MessageAuthenticator;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.inbound.Fcrdns;
import org.mailward.gateway.inbound.InboundAuthentication;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.MailParameters;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.RcptParameters;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.Transaction;

/**
 * A small world for the reflector's unit tests: sender.example authorises 192.0.2.10 by SPF, publishes a DKIM key and
 * DMARC p=reject; other.example (a third party) publishes a DKIM key of its own. Results come from the real
 * {@link MessageAuthenticator}, not from hand-made verdicts.
 */
final class ReflectorFixtures {

    static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String HOST = "mx.example.org";
    static final String GOOD_IP = "192.0.2.10";
    static final String BAD_IP = "198.51.100.7";
    static final KeyPair SENDER_KEY = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final KeyPair OTHER_KEY = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final PublicSuffixList PSL = PublicSuffixList.bundled();

    static final ZoneFileResolver ZONE = ZoneFileResolver.fromText("""
            sender.example. IN TXT "v=spf1 ip4:192.0.2.10 -all"
            _dmarc.sender.example. IN TXT "v=DMARC1; p=reject; sp=quarantine"
            10.2.0.192.in-addr.arpa. IN PTR mail.sender.example.
            mail.sender.example. IN A 192.0.2.10
            other.example. IN TXT "v=spf1 -all"
            """ + DkimKeys.zoneLine("sel._domainkey.sender.example", DkimKeys.recordValue(SENDER_KEY.getPublic())) + "\n"
            + DkimKeys.zoneLine("sel._domainkey.mail.sender.example", DkimKeys.recordValue(SENDER_KEY.getPublic())) + "\n"
            + DkimKeys.zoneLine("sel._domainkey.other.example", DkimKeys.recordValue(OTHER_KEY.getPublic())) + "\n");

    static final MessageAuthenticator AUTHENTICATOR = new MessageAuthenticator(ZONE, CLOCK, PSL, DmarcOptions.defaults(),
            new SecureRandom(), HOST);

    private ReflectorFixtures() {
    }

    static String message(String extraHeaders) {
        return "From: Alice <alice@sender.example>\r\nTo: emailsecurity@example.org\r\nSubject: test of our setup\r\n"
                + "Date: Mon, 07 Dec 2026 02:00:00 +0000\r\nMessage-ID: <abc.123@sender.example>\r\n" + extraHeaders
                + "\r\nHello reflector, this body must never be quoted.\r\n";
    }

    /** {@code message} signed by {@code domain}'s key with selector sel. */
    static byte[] signed(String message, String domain) {
        KeyPair k = domain.equals("other.example") ? OTHER_KEY : SENDER_KEY;
        return DkimSigner.builder(domain, "sel", k.getPrivate(), CLOCK).algorithm(org.mailward.auth.dkim.DkimAlgorithm.ED25519_SHA256)
                .build().sign(message.getBytes(StandardCharsets.UTF_8));
    }

    static InboundAuthentication authenticate(String clientIp, String mailFrom, byte[] message) throws Exception {
        InetAddress ip = InetAddress.getByName(clientIp);
        MessageAuthentication a = AUTHENTICATOR.authenticate(Envelope.of(ip, "mail.sender.example", mailFrom), message);
        Fcrdns f = Fcrdns.check(ZONE, ip);
        return new InboundAuthentication(a, f, a.authenticationResultsField(), "none", "");
    }

    static SessionInfo session(String id, String clientIp, boolean tls) throws Exception {
        return new SessionInfo(id, "in", new InetSocketAddress(InetAddress.getByName(clientIp), 40000),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25), Optional.of("mail.sender.example"), true,
                tls ? Optional.of(new SessionInfo.TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384")) : Optional.empty(), Optional.empty());
    }

    static Transaction transaction(String mailFrom, String... rcpts) {
        Optional<Mailbox> from = mailFrom.isEmpty() ? Optional.empty() : Optional.of(AddressParser.parseMailbox(mailFrom, true).value());
        Transaction t = new Transaction(from, MailParameters.none(), List.of());
        for (String r : rcpts) {
            t = t.with(new Transaction.Recipient(AddressParser.parseMailbox(r, true).value(), RcptParameters.none()));
        }
        return t;
    }
}
