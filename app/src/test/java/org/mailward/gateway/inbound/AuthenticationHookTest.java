package org.mailward.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.verify.MessageAuthenticator;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.events.AuthenticationEvent;
import org.mailward.gateway.events.DeliveryTlsEvent;
import org.mailward.gateway.events.GatewayEvents;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.MailParameters;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.RcptParameters;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;
import org.mailward.smtp.Transaction;
import org.slf4j.LoggerFactory;

/** The DNS Authentication hook against a zone: each check, each action, A-R hygiene and what is recorded. */
class AuthenticationHookTest {

    static final String HOST = "mx.test.example";
    static final KeyPair KEY = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    // the client is 127.0.0.2 with a matching PTR/A pair; 127.0.0.3 has a PTR whose name does not resolve back
    static final String ZONE = """
            good.example.               IN TXT "v=spf1 ip4:127.0.0.2 -all"
            _dmarc.good.example.        IN TXT "v=DMARC1; p=reject; adkim=s; rua=mailto:d@good.example"
            2.0.0.127.in-addr.arpa.     IN PTR mail.good.example.
            mail.good.example.          IN A   127.0.0.2
            3.0.0.127.in-addr.arpa.     IN PTR liar.good.example.
            liar.good.example.          IN A   127.0.0.99
            strict.example.             IN TXT "v=spf1 ip4:127.0.0.9 -all"
            _dmarc.strict.example.      IN TXT "v=DMARC1; p=reject"
            quar.example.               IN TXT "v=spf1 -all"
            _dmarc.quar.example.        IN TXT "v=DMARC1; p=quarantine"
            soft.example.               IN TXT "v=spf1 ~all"
            _dmarc.soft.example.        IN TXT "v=DMARC1; p=none"
            sampled.example.            IN TXT "v=spf1 -all"
            _dmarc.sampled.example.     IN TXT "v=DMARC1; p=reject; pct=0"
            """ + DkimKeys.zoneLine("s._domainkey.good.example", DkimKeys.recordValue(KEY.getPublic())) + "\n";

    final List<AuthenticationEvent> recorded = new CopyOnWriteArrayList<>();
    final GatewayEvents events = new GatewayEvents() {
        public void recordAuthentication(AuthenticationEvent e) {
            recorded.add(e);
        }

        public void recordDelivery(DeliveryTlsEvent e) {
        }

        public void close() {
        }
    };

    static GatewayConfig.Authentication config(String yaml) {
        String all = "hostname: " + HOST + "\nlisteners:\n  - { name: in, port: 25 }\n" + yaml;
        ConfigReader.Result r = ConfigReader.read(all, Path.of("."));
        assertThat(r.errors()).isEmpty();
        return r.config().orElseThrow().authentication();
    }

    AuthenticationHook hook(GatewayConfig.Authentication auth) {
        ZoneFileResolver zone = ZoneFileResolver.fromText(ZONE);
        MessageAuthenticator a = new MessageAuthenticator(zone, Clock.systemUTC(), PublicSuffixList.bundled(), DmarcOptions.defaults(),
                new SecureRandom(), HOST);
        RelayControl relay = new RelayControl(Set.of("inside.example"), List.of(Cidr.parse("127.0.0.200/32").orElseThrow()));
        return new AuthenticationHook(zone, a, auth, relay, events, Clock.systemUTC());
    }

    static SessionInfo session(String id, String ip) throws Exception {
        return new SessionInfo(id, "in", new InetSocketAddress(InetAddress.getByName(ip), 40000),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25), Optional.of("client.good.example"), true,
                Optional.empty(), Optional.empty());
    }

    static Mailbox mailbox(String a) {
        return AddressParser.parseMailbox(a, true).value();
    }

    /** MAIL FROM then DATA, as the session calls the hook. */
    HookVerdict run(AuthenticationHook h, String ip, String mailFrom, String message) throws Exception {
        SessionInfo s = session("s-" + recorded.size() + "-" + ip, ip);
        Optional<Mailbox> from = mailFrom.isEmpty() ? Optional.empty() : Optional.of(mailbox(mailFrom));
        assertThat(h.onMailFrom(s, new SmtpCommand.Mail(from, MailParameters.none()))).isEqualTo(HookVerdict.proceed());
        Transaction t = new Transaction(from, MailParameters.none(),
                List.of(new Transaction.Recipient(mailbox("alice@inside.example"), RcptParameters.none())));
        return h.onData(s, t, message.getBytes(StandardCharsets.UTF_8));
    }

    static String signed(String message) {
        DkimSigner signer = DkimSigner.builder("good.example", "s", KEY.getPrivate(), Clock.systemUTC()).build();
        return new String(signer.sign(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    static String apply(HookVerdict v, String message) {
        List<String> add = v instanceof HookVerdict.Continue c ? c.addHeaders() : ((HookVerdict.Quarantine) v).addHeaders();
        List<String> remove = v instanceof HookVerdict.Continue c ? c.removeHeaders() : ((HookVerdict.Quarantine) v).removeHeaders();
        StringBuilder b = new StringBuilder();
        add.forEach(x -> b.append(x).append("\r\n"));
        b.append(new String(InboundHandler.removeHeaders(message.getBytes(StandardCharsets.UTF_8), remove), StandardCharsets.UTF_8));
        return b.toString();
    }

    @Test
    void alignedSpfAndDkimPassDmarcAndAddOurAuthenticationResults() throws Exception {
        String msg = signed("From: Boss <boss@good.example>\r\nSubject: hello\r\nMessage-ID: <1@good.example>\r\n\r\nhi\r\n");
        HookVerdict v = run(hook(config("")), "127.0.0.2", "bounce@good.example", msg);
        assertThat(v).isInstanceOf(HookVerdict.Continue.class);
        String out = apply(v, msg);
        assertThat(out).startsWith("Authentication-Results: " + HOST + ";");
        String ar = out.substring(0, out.indexOf("\r\nDKIM-Signature")).replaceAll("\r\n\t", " ");
        assertThat(ar).contains("iprev=pass").contains("policy.iprev=127.0.0.2").contains("spf=pass smtp.mailfrom=bounce@good.example")
                .contains("dkim=pass").contains("header.d=good.example").contains("dmarc=pass");
        AuthenticationEvent e = recorded.get(0);
        assertThat(e.iprev()).isEqualTo("pass");
        assertThat(e.iprevName()).isEqualTo("mail.good.example");
        assertThat(e.headerFrom()).isEqualTo("good.example");
        assertThat(e.envelopeFrom()).isEqualTo("good.example");
        assertThat(e.envelopeToDomains()).containsExactly("inside.example");
        assertThat(e.dmarcResult()).isEqualTo("pass");
        assertThat(e.disposition()).isEqualTo("none");
        assertThat(e.dkimAligned()).isTrue();
        assertThat(e.spfAligned()).isTrue();
        assertThat(e.dkim()).singleElement().satisfies(d -> {
            assertThat(d.domain()).isEqualTo("good.example");
            assertThat(d.selector()).isEqualTo("s");
            assertThat(d.result()).isEqualTo("pass");
        });
        assertThat(e.spfDomain()).isEqualTo("good.example");
        assertThat(e.spfScope()).isEqualTo("mfrom");
        assertThat(e.spfResult()).isEqualTo("pass");
        assertThat(e.policy()).hasValueSatisfying(p -> {
            assertThat(p.domain()).isEqualTo("good.example");
            assertThat(p.p()).isEqualTo("reject");
            assertThat(p.sp()).isEqualTo("reject");
            assertThat(p.pct()).isEqualTo(100);
            assertThat(p.adkim()).isEqualTo("s");
            assertThat(p.aspf()).isEqualTo("r");
        });
        assertThat(e.messageId()).isEqualTo("<1@good.example>");
        assertThat(e.action()).isEqualTo("none");
    }

    @Test
    void dmarcFailWithPRejectIsRefused550With571AndTheReason() throws Exception {
        HookVerdict v = run(hook(config("")), "127.0.0.2", "x@strict.example", "From: x@strict.example\r\nSubject: s\r\n\r\nb\r\n");
        assertThat(v).isInstanceOfSatisfying(HookVerdict.Reject.class, r -> {
            assertThat(r.code()).isEqualTo(550);
            assertThat(r.enhanced()).isEqualTo("5.7.1");
            assertThat(r.text()).contains("DMARC policy of strict.example is reject");
        });
        AuthenticationEvent e = recorded.get(0);
        assertThat(e.dmarcResult()).isEqualTo("fail");
        assertThat(e.spfResult()).isEqualTo("fail");
        assertThat(e.disposition()).isEqualTo("reject");
        assertThat(e.action()).isEqualTo("reject");
        assertThat(e.overrideReasons()).isEmpty();
    }

    @Test
    void dmarcFailWithPQuarantineIsQuarantinedWithOurHeader() throws Exception {
        String msg = "From: x@quar.example\r\nSubject: s\r\n\r\nb\r\n";
        HookVerdict v = run(hook(config("")), "127.0.0.2", "x@quar.example", msg);
        assertThat(v).isInstanceOfSatisfying(HookVerdict.Quarantine.class, q -> {
            assertThat(q.reason()).contains("DMARC policy of quar.example is quarantine");
            assertThat(q.addHeaders()).anySatisfy(h -> assertThat(h).startsWith("Authentication-Results: " + HOST + ";").contains("dmarc=fail"));
        });
        assertThat(recorded.get(0).disposition()).isEqualTo("quarantine");
    }

    @Test
    void honourModeFollowsTheEvaluatorsSamplingAndCanBeSwitchedOff() throws Exception {
        // pct=0: the evaluator samples the message out, so the disposition (and our action) is the next lower: quarantine
        HookVerdict v = run(hook(config("")), "127.0.0.2", "x@sampled.example", "From: x@sampled.example\r\n\r\nb\r\n");
        assertThat(v).isInstanceOf(HookVerdict.Quarantine.class);
        assertThat(recorded.get(0).overrideReasons()).anySatisfy(r -> assertThat(r).startsWith("sampled_out"));
        // honour off and dmarcFail none: delivered, and the report row says local_policy
        HookVerdict off = run(hook(config("authentication:\n  honourDmarcPolicy: false\n")), "127.0.0.2", "x@strict.example",
                "From: x@strict.example\r\n\r\nb\r\n");
        assertThat(off).isInstanceOf(HookVerdict.Continue.class);
        AuthenticationEvent e = recorded.get(1);
        assertThat(e.disposition()).isEqualTo("none");
        assertThat(e.overrideReasons()).anySatisfy(r -> assertThat(r).startsWith("local_policy"));
    }

    @Test
    void softfailTagAddsTheTagHeaderAndPrefixesTheSubject() throws Exception {
        String msg = "From: x@soft.example\r\nSubject: quarterly\r\n report\r\n\r\nb\r\n";
        HookVerdict v = run(hook(config("authentication:\n  spfSoftfail: tag\n  subjectTag: \"[SPF?]\"\n")), "127.0.0.2", "x@soft.example", msg);
        assertThat(v).isInstanceOf(HookVerdict.Continue.class);
        String out = apply(v, msg);
        assertThat(out).contains("\r\nX-Mailward-Auth-Tag: SPF softfail for soft.example\r\n")
                .contains("\r\nSubject: [SPF?] quarterly\r\n report\r\n")
                .doesNotContain("\r\nSubject: quarterly");
        assertThat(out.split("Subject:", -1)).hasSize(2);
        assertThat(recorded.get(0).action()).isEqualTo("tag");
        assertThat(recorded.get(0).spfResult()).isEqualTo("softfail");
    }

    @Test
    void incomingAuthenticationResultsClaimingOurIdAreRemovedOthersKept() throws Exception {
        String msg = "Authentication-Results: MX.Test.Example;\r\n\tdkim=pass header.d=good.example (forged)\r\n"
                + "Authentication-Results: other.example; spf=pass smtp.mailfrom=x@good.example\r\n"
                + "ARC-Authentication-Results: i=1; mx.test.example; spf=pass\r\n"
                + "Authentication-Results: mx.test.example.evil; dmarc=pass\r\n"
                + "From: x@soft.example\r\nSubject: s\r\n\r\nAuthentication-Results: mx.test.example; in the body stays\r\n";
        HookVerdict v = run(hook(config("")), "127.0.0.2", "x@soft.example", msg);
        String out = apply(v, msg);
        assertThat(out).doesNotContain("(forged)")
                .contains("\r\nAuthentication-Results: other.example; spf=pass")
                .contains("\r\nARC-Authentication-Results: i=1; mx.test.example; spf=pass\r\n")
                .contains("\r\nAuthentication-Results: mx.test.example.evil; dmarc=pass\r\n")
                .endsWith("\r\n\r\nAuthentication-Results: mx.test.example; in the body stays\r\n");
        assertThat(out).startsWith("Authentication-Results: " + HOST + ";");
        assertThat(out.split("Authentication-Results: " + HOST + ";", -1)).as("ours and the body line").hasSize(3);
    }

    @Test
    void aForgedFieldWithBytesThatAreNotUtf8IsRemovedToo() throws Exception {
        byte[] head = "Authentication-Results: mx.test.example; dkim=pass (".getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = ")\r\nFrom: x@soft.example\r\nSubject: caf\u00e9\r\n\r\nb\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, msg, 0, head.length);
        msg[head.length] = (byte) 0xFF; // never valid in UTF-8
        System.arraycopy(tail, 0, msg, head.length + 1, tail.length);
        AuthenticationHook h = hook(config(""));
        SessionInfo s = session("8bit", "127.0.0.2");
        Optional<Mailbox> from = Optional.of(mailbox("x@soft.example"));
        h.onMailFrom(s, new SmtpCommand.Mail(from, MailParameters.none()));
        HookVerdict v = h.onData(s, new Transaction(from, MailParameters.none(),
                List.of(new Transaction.Recipient(mailbox("a@inside.example"), RcptParameters.none()))), msg);
        List<String> remove = ((HookVerdict.Continue) v).removeHeaders();
        String out = new String(InboundHandler.removeHeaders(msg, remove), StandardCharsets.ISO_8859_1);
        assertThat(out).doesNotContain("dkim=pass").startsWith("From: x@soft.example\r\n");
    }

    @Test
    void allowListChangesOnlyTheActionAndIsLogged() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(AuthenticationHook.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            AuthenticationHook h = hook(config("""
                    authentication:
                      overrides:
                        - { name: strict-partner, senderDomains: [strict.example], allow: true }
                    """));
            HookVerdict v = run(h, "127.0.0.2", "x@strict.example", "From: x@strict.example\r\n\r\nb\r\n");
            assertThat(v).isInstanceOfSatisfying(HookVerdict.Continue.class,
                    c -> assertThat(c.addHeaders()).anySatisfy(x -> assertThat(x).contains("dmarc=fail")));
            AuthenticationEvent e = recorded.get(0);
            assertThat(e.dmarcResult()).as("the checks ran").isEqualTo("fail");
            assertThat(e.spfResult()).isEqualTo("fail");
            assertThat(e.action()).isEqualTo("none");
            assertThat(e.localOverride()).isEqualTo("strict-partner");
            assertThat(e.overrideReasons()).anySatisfy(r -> assertThat(r).isEqualTo("local_policy: override strict-partner"));
            assertThat(appender.list).anySatisfy(l -> assertThat(l.getFormattedMessage())
                    .contains("override 'strict-partner' changed the action from reject to none"));
        } finally {
            log.detachAppender(appender);
        }
    }

    @Test
    void networkScopeOverridesActionsForItsClientsOnly() throws Exception {
        AuthenticationHook h = hook(config("""
                authentication:
                  dmarcFail: quarantine
                  honourDmarcPolicy: false
                  overrides:
                    - { name: lab, networks: [127.0.0.3/32], dmarcFail: reject }
                """));
        assertThat(run(h, "127.0.0.2", "x@soft.example", "From: x@strict.example\r\n\r\nb\r\n")).isInstanceOf(HookVerdict.Quarantine.class);
        assertThat(run(h, "127.0.0.3", "x@soft.example", "From: x@strict.example\r\n\r\nb\r\n")).isInstanceOf(HookVerdict.Reject.class);
        assertThat(recorded.get(1).iprev()).isEqualTo("fail");
        assertThat(recorded.get(1).localOverride()).isEqualTo("lab");
    }

    @Test
    void relayNetworksAndAuthenticatedSubmittersAreNotChecked() throws Exception {
        AuthenticationHook h = hook(config(""));
        SessionInfo s = session("relay", "127.0.0.200");
        Optional<Mailbox> from = Optional.of(mailbox("x@strict.example"));
        assertThat(h.onMailFrom(s, new SmtpCommand.Mail(from, MailParameters.none()))).isEqualTo(HookVerdict.proceed());
        Transaction t = new Transaction(from, MailParameters.none(), List.of(new Transaction.Recipient(mailbox("a@else.example"), RcptParameters.none())));
        assertThat(h.onData(s, t, "From: x@strict.example\r\n\r\nb\r\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(HookVerdict.proceed());
        SessionInfo auth = new SessionInfo("sub", "in", new InetSocketAddress(InetAddress.getByName("127.0.0.5"), 1), s.local(),
                Optional.of("x"), true, Optional.empty(), Optional.of("alice"));
        assertThat(h.onData(auth, t, "From: x@strict.example\r\n\r\nb\r\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(HookVerdict.proceed());
        assertThat(recorded).isEmpty();
    }

    @Test
    void dataWithoutMailFromStateStillEvaluatesSpf() throws Exception {
        AuthenticationHook h = hook(config(""));
        SessionInfo s = session("fresh", "127.0.0.2");
        Optional<Mailbox> from = Optional.of(mailbox("x@strict.example"));
        Transaction t = new Transaction(from, MailParameters.none(), List.of(new Transaction.Recipient(mailbox("a@inside.example"), RcptParameters.none())));
        assertThat(h.onData(s, t, "From: x@strict.example\r\n\r\nb\r\n".getBytes(StandardCharsets.UTF_8))).isInstanceOf(HookVerdict.Reject.class);
        assertThat(recorded.get(0).spfResult()).isEqualTo("fail");
    }
}
