package org.mailward.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.verify.MessageAuthenticator;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.events.GatewayEvents;
import org.mailward.gateway.outbound.DkimDefinitions;
import org.mailward.gateway.outbound.LocalSubmission;
import org.mailward.gateway.outbound.OutboundProcessor;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;
import org.mailward.reports.FailureReport;
import org.mailward.reports.FailureReportParser;
import org.mailward.reports.MimeReader;
import org.mailward.reports.ParseOutcome;
import org.mailward.reports.generate.Redaction;
import org.mailward.reports.generate.ReportDestinations;
import org.mailward.reports.generate.ReporterIdentity;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.MailParameters;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.RcptParameters;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;
import org.mailward.smtp.Transaction;

/**
 * DMARC failure reports from the DNS Authentication hook: a failing inbound message becomes a DKIM-signed ARF report
 * in the spool, for the ruf of the sender's record, only when configured, only to authorised destinations, at most
 * N per domain and hour.
 */
class DmarcFailureReporterTest {

    static final String HOST = "mx.receiver.test";
    static final KeyPair SENDER_KEY = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final KeyPair OUR_KEY = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final String ZONE = """
            bank.example.               IN TXT "v=spf1 ip4:127.0.0.9 -all"
            _dmarc.bank.example.        IN TXT "v=DMARC1; p=reject; ruf=mailto:ruf@bank.example"
            ext.example.                IN TXT "v=spf1 -all"
            _dmarc.ext.example.         IN TXT "v=DMARC1; p=none; ruf=mailto:ruf@thirdparty.example"
            auth3p.example.             IN TXT "v=spf1 -all"
            _dmarc.auth3p.example.      IN TXT "v=DMARC1; p=none; ruf=mailto:ruf@reports.example.net"
            auth3p.example._report._dmarc.reports.example.net. IN TXT "v=DMARC1"
            fo1.example.                IN TXT "v=spf1 -all"
            _dmarc.fo1.example.         IN TXT "v=DMARC1; p=reject; fo=1; ruf=mailto:ruf@fo1.example"
            fo0.example.                IN TXT "v=spf1 -all"
            _dmarc.fo0.example.         IN TXT "v=DMARC1; p=reject; ruf=mailto:ruf@fo0.example"
            noruf.example.              IN TXT "v=spf1 -all"
            _dmarc.noruf.example.       IN TXT "v=DMARC1; p=reject; rua=mailto:agg@noruf.example"
            """ + DkimKeys.zoneLine("s._domainkey.fo1.example", DkimKeys.recordValue(SENDER_KEY.getPublic())) + "\n"
            + DkimKeys.zoneLine("s._domainkey.fo0.example", DkimKeys.recordValue(SENDER_KEY.getPublic())) + "\n"
            + DkimKeys.zoneLine("r1._domainkey.receiver.test", DkimKeys.recordValue(OUR_KEY.getPublic())) + "\n";

    @TempDir
    Path dir;

    final ZoneFileResolver zone = ZoneFileResolver.fromText(ZONE);
    final Clock clock = Clock.systemUTC();
    final List<DmarcFailureReporter.Outcome> outcomes = new CopyOnWriteArrayList<>();
    Spool spool;

    static GatewayConfig.FailureReports enabled(int max) {
        return new GatewayConfig.FailureReports(true, true, false, max, Optional.of("Receiver Test Org"),
                Optional.of("dmarc-reports@receiver.test"), false);
    }

    /** The hook with a reporter that submits through a real LocalSubmission (our DKIM key) into a spool, inline. */
    AuthenticationHook hook(GatewayConfig.FailureReports fr) throws Exception {
        spool = new Spool(dir.resolve("spool"), clock);
        GatewayConfig.DkimDefinition d = new GatewayConfig.DkimDefinition("receiver.test", "r1", Path.of("k.pem"),
                DkimAlgorithm.ED25519_SHA256, OUR_KEY.getPrivate());
        OutboundProcessor out = new OutboundProcessor(List.of(), DkimDefinitions.check(List.of(d), zone), clock);
        LocalSubmission submission = new LocalSubmission(spool, Optional.of(out), clock, e -> { }, HOST);
        ReporterIdentity me = ReporterIdentity.of(fr.orgName().orElse(null), fr.email().orElse(null), HOST);
        DmarcFailureReporter reporter = new DmarcFailureReporter(fr, me, new ReportDestinations(zone, PublicSuffixList.bundled()),
                new Redaction(fr.headersOnly(), fr.redactLocalParts(), new byte[32]), submission::submit, clock, Runnable::run, outcomes::add);
        return hook(reporter);
    }

    AuthenticationHook hook(AuthenticationListener listener) {
        MessageAuthenticator a = new MessageAuthenticator(zone, clock, PublicSuffixList.bundled(), DmarcOptions.defaults(),
                new SecureRandom(), HOST);
        RelayControl relay = new RelayControl(Set.of("inside.test"), List.of());
        GatewayConfig.Authentication auth = ConfigReader.read("hostname: " + HOST + "\nlisteners:\n  - { name: in, port: 25 }\n", Path.of("."))
                .config().orElseThrow().authentication();
        return new AuthenticationHook(zone, a, auth, relay, GatewayEvents.NONE, clock, listener);
    }

    static Mailbox mailbox(String a) {
        return AddressParser.parseMailbox(a, true).value();
    }

    static HookVerdict run(AuthenticationHook h, String mailFrom, String message) throws Exception {
        SessionInfo s = new SessionInfo("s-" + System.nanoTime(), "in", new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 40000),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25), Optional.of("client.test"), true,
                Optional.empty(), Optional.empty());
        Optional<Mailbox> from = Optional.of(mailbox(mailFrom));
        h.onMailFrom(s, new SmtpCommand.Mail(from, MailParameters.none()));
        Transaction t = new Transaction(from, MailParameters.none(),
                List.of(new Transaction.Recipient(mailbox("alice@inside.test"), RcptParameters.none())));
        return h.onData(s, t, message.getBytes(StandardCharsets.UTF_8));
    }

    List<QueuedMessage> queued() throws Exception {
        return spool.list(QueueState.ACTIVE);
    }

    static FailureReport parse(byte[] raw) {
        MimeReader.Part msg = ((ParseOutcome.Ok<MimeReader.Part>) MimeReader.parse(raw, 100, 10)).value();
        return ((ParseOutcome.Ok<FailureReport>) new FailureReportParser().parse(msg, raw)).value();
    }

    @Test
    void aFailingMessageProducesAQueuedDkimSignedFailureReport() throws Exception {
        AuthenticationHook h = hook(enabled(10));
        HookVerdict v = run(h, "ceo@bank.example", "From: ceo@bank.example\r\nSubject: wire the money\r\nMessage-ID: <x1@spoof>\r\n\r\nsecret body\r\n");
        assertThat(v).isInstanceOf(HookVerdict.Reject.class);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).as(o.detail()).isEqualTo("sent");
            assertThat(o.recipients()).containsExactly("ruf@bank.example");
        });
        QueuedMessage q = queued().get(0);
        assertThat(queued()).hasSize(1);
        assertThat(q.envelope().sender()).isEqualTo("dmarc-reports@receiver.test");
        assertThat(q.envelope().recipients()).extracting(r -> r.address()).containsExactly("ruf@bank.example");
        byte[] stored = spool.content(q);
        // our own DKIM signature, verified against the published key (RFC 9991 3.3: reports must authenticate)
        assertThat(new DkimVerifier(zone, clock).verify(stored)).singleElement()
                .satisfies(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        FailureReport r = parse(stored);
        assertThat(r.domain()).isEqualTo("bank.example");
        assertThat(r.authFailure()).isEqualTo("dmarc");
        assertThat(r.deliveryResult()).isEqualTo("reject");
        assertThat(r.identityAlignment()).isEqualTo("none");
        assertThat(r.sourceIp()).isEqualTo("127.0.0.2");
        assertThat(r.originalMailFrom()).isEqualTo("<ceo@bank.example>");
        assertThat(r.spfDns()).contains("bank.example").contains("v=spf1 ip4:127.0.0.9 -all");
        assertThat(r.subject()).isEqualTo("wire the money");
        assertThat(r.messageId()).isEqualTo("<x1@spoof>");
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("secret body").contains("dmarc=fail");
    }

    @Test
    void offByDefaultNothingIsReported() throws Exception {
        GatewayConfig c = ConfigReader.read("hostname: " + HOST + "\nlisteners:\n  - { name: in, port: 25 }\n", Path.of("."))
                .config().orElseThrow();
        assertThat(c.failureReports().enabled()).isFalse();
        assertThat(DmarcFailureReporter.of(c, zone, clock, () -> {
            throw new AssertionError("no submission when failure reports are off");
        })).isSameAs(AuthenticationListener.NONE);
        // and a reporter whose configuration says off stays silent even when handed a failing message
        GatewayConfig.FailureReports off = new GatewayConfig.FailureReports(false, true, false, 10, Optional.empty(), Optional.empty(), false);
        AuthenticationHook h = hook(off);
        run(h, "ceo@bank.example", "From: ceo@bank.example\r\nSubject: x\r\n\r\nb\r\n");
        assertThat(outcomes).isEmpty();
        assertThat(queued()).isEmpty();
    }

    @Test
    void anUnauthorisedExternalRufIsRefusedAnAuthorisedOneGetsTheReport() throws Exception {
        AuthenticationHook h = hook(enabled(10));
        run(h, "x@ext.example", "From: x@ext.example\r\nSubject: x\r\n\r\nb\r\n");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("refused");
            assertThat(o.detail()).contains("ext.example._report._dmarc.thirdparty.example").contains("RFC 7489 7.1");
        });
        assertThat(queued()).isEmpty();
        run(h, "x@auth3p.example", "From: x@auth3p.example\r\nSubject: x\r\n\r\nb\r\n");
        assertThat(outcomes.get(1).status()).isEqualTo("sent");
        assertThat(queued()).singleElement().satisfies(q ->
                assertThat(q.envelope().recipients()).extracting(r -> r.address()).containsExactly("ruf@reports.example.net"));
    }

    @Test
    void atMostNPerDomainPerHour() throws Exception {
        AuthenticationHook h = hook(enabled(2));
        for (int i = 0; i < 4; i++) {
            run(h, "ceo@bank.example", "From: ceo@bank.example\r\nSubject: n" + i + "\r\n\r\nb\r\n");
        }
        run(h, "x@auth3p.example", "From: x@auth3p.example\r\nSubject: x\r\n\r\nb\r\n");
        assertThat(outcomes).extracting(o -> o.policyDomain() + " " + o.status())
                .containsExactly("bank.example sent", "bank.example sent", "bank.example rate-limited", "bank.example rate-limited",
                        "auth3p.example sent");
        assertThat(queued()).hasSize(3);
    }

    @Test
    void foDecidesAndReportsAboutReportsAreNeverMade() throws Exception {
        AuthenticationHook h = hook(enabled(10));
        String signedFo1 = signed("fo1.example", "From: a@fo1.example\r\nSubject: s\r\n\r\nb\r\n");
        String signedFo0 = signed("fo0.example", "From: a@fo0.example\r\nSubject: s\r\n\r\nb\r\n");
        // fo=1: DMARC passes through DKIM, but SPF did not give an aligned pass: a report
        assertThat(run(h, "bounce@fo1.example", signedFo1)).isNotInstanceOf(HookVerdict.Reject.class);
        // fo=0 (default): the same situation is a pass with nothing to report
        run(h, "bounce@fo0.example", signedFo0);
        // no ruf: nothing, even though DMARC fails
        run(h, "x@noruf.example", "From: x@noruf.example\r\nSubject: x\r\n\r\nb\r\n");
        // someone's ARF report that fails DMARC: never reported (loops)
        run(h, "ceo@bank.example", "From: ceo@bank.example\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report;\r\n\tboundary=\"b\"\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n");
        assertThat(outcomes).extracting(o -> o.policyDomain() + " " + o.status())
                .containsExactly("fo1.example sent", "bank.example skipped");
        FailureReport r = parse(spool.content(queued().get(0)));
        assertThat(r.domain()).isEqualTo("fo1.example");
        assertThat(r.authFailure()).isEqualTo("dmarc");
        assertThat(r.identityAlignment()).isEqualTo("dkim");
        assertThat(r.deliveryResult()).isEqualTo("delivered");
        assertThat(r.dkimDomain()).isEqualTo("fo1.example");
        assertThat(r.dkimSelector()).isEqualTo("s");
    }

    static String signed(String domain, String message) {
        DkimSigner signer = DkimSigner.builder(domain, "s", SENDER_KEY.getPrivate(), Clock.systemUTC()).build();
        return new String(signer.sign(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
