package org.mailward.gateway.reflector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.gateway.reflector.ReflectorFixtures.BAD_IP;
import static org.mailward.gateway.reflector.ReflectorFixtures.GOOD_IP;
import static org.mailward.gateway.reflector.ReflectorFixtures.PSL;
import static org.mailward.gateway.reflector.ReflectorFixtures.authenticate;
import static org.mailward.gateway.reflector.ReflectorFixtures.message;
import static org.mailward.gateway.reflector.ReflectorFixtures.signed;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailward.auth.message.MessageReader;
import org.mailward.gateway.inbound.InboundAuthentication;
import org.mailward.gateway.reflector.ReplyRules.Decision;
import org.mailward.gateway.reflector.ReplyRules.Rule;

/** The baseline (an SPF-authenticated sender, no list or auto-submitted fields) gets a reply; each rule is flipped alone. */
class ReplyRulesTest {

    final ReplyRules rules = new ReplyRules(PSL, a -> a.equalsIgnoreCase("emailsecurity@example.org"));
    static final String SENDER = "alice@sender.example";

    Decision decide(String sender, String clientIp, byte[] message) throws Exception {
        Optional<InboundAuthentication> auth = Optional.of(authenticate(clientIp, sender, message));
        return rules.decide(sender, MessageReader.headers(message), auth);
    }

    Decision decide(String extraHeaders) throws Exception {
        return decide(SENDER, GOOD_IP, message(extraHeaders).getBytes(StandardCharsets.UTF_8));
    }

    static Rule skipped(Decision d) {
        assertThat(d).isInstanceOf(Decision.Skip.class);
        return ((Decision.Skip) d).rule();
    }

    @Test
    void baselineIsAnsweredOnSpf() throws Exception {
        assertThat(decide("")).isEqualTo(new Decision.Reply("spf pass for sender.example"));
    }

    @Test
    void nullSenderIsNeverAnswered() throws Exception {
        byte[] m = message("").getBytes(StandardCharsets.UTF_8);
        assertThat(skipped(decide("", GOOD_IP, m))).isEqualTo(Rule.NULL_SENDER);
    }

    @Test
    void aReflectorAddressIsNeverAnswered() throws Exception {
        byte[] m = message("").getBytes(StandardCharsets.UTF_8);
        assertThat(skipped(decide("EmailSecurity@example.org", GOOD_IP, m))).isEqualTo(Rule.LOOP);
    }

    @Test
    void autoSubmittedOtherThanNo() throws Exception {
        assertThat(skipped(decide("Auto-Submitted: auto-generated\r\n"))).isEqualTo(Rule.AUTO_SUBMITTED);
        assertThat(skipped(decide("Auto-Submitted: auto-replied\r\n"))).isEqualTo(Rule.AUTO_SUBMITTED);
        assertThat(skipped(decide("Auto-Submitted: auto-notified; owner-email=\"x@y\"\r\n"))).isEqualTo(Rule.AUTO_SUBMITTED);
        assertThat(skipped(decide("Auto-Submitted:\r\n"))).isEqualTo(Rule.AUTO_SUBMITTED);
        // "no" (any case, with a comment) means a person sent it: answered
        assertThat(decide("Auto-Submitted: No (sent by hand)\r\n")).isInstanceOf(Decision.Reply.class);
    }

    @Test
    void precedenceBulkListJunk() throws Exception {
        for (String p : new String[] {"bulk", "list", "junk", "Bulk"}) {
            assertThat(skipped(decide("Precedence: " + p + "\r\n"))).as(p).isEqualTo(Rule.PRECEDENCE);
        }
        assertThat(decide("Precedence: first-class\r\n")).isInstanceOf(Decision.Reply.class);
    }

    @Test
    void listMail() throws Exception {
        assertThat(skipped(decide("List-Id: Test list <test.lists.sender.example>\r\n"))).isEqualTo(Rule.LIST_MAIL);
        assertThat(skipped(decide("List-Unsubscribe: <mailto:leave@lists.sender.example>\r\n"))).isEqualTo(Rule.LIST_MAIL);
        assertThat(skipped(decide("List-Post: <mailto:list@lists.sender.example>\r\n"))).isEqualTo(Rule.LIST_MAIL);
    }

    @Test
    void withoutAuthenticationResultsNothingIsAnswered() throws Exception {
        byte[] m = message("").getBytes(StandardCharsets.UTF_8);
        Decision d = rules.decide(SENDER, MessageReader.headers(m), Optional.empty());
        assertThat(skipped(d)).isEqualTo(Rule.NOT_AUTHENTICATED);
    }

    @Test
    void spfFailAndNoDkimIsBackscatterRisk() throws Exception {
        Decision d = decide(SENDER, BAD_IP, message("").getBytes(StandardCharsets.UTF_8));
        assertThat(skipped(d)).isEqualTo(Rule.NOT_AUTHENTICATED);
        assertThat(((Decision.Skip) d).detail()).startsWith("SPF fail and no passing DKIM signature of sender.example");
    }

    @Test
    void spfFailButAPassingSignatureOfTheSenderDomainIsAnswered() throws Exception {
        assertThat(decide(SENDER, BAD_IP, signed(message(""), "sender.example")))
                .isEqualTo(new Decision.Reply("dkim pass d=sender.example for sender.example"));
        // a subdomain's signature shares the Organizational Domain (relaxed, RFC 7489 3.1.1)
        assertThat(decide(SENDER, BAD_IP, signed(message(""), "mail.sender.example")))
                .isEqualTo(new Decision.Reply("dkim pass d=mail.sender.example for sender.example"));
    }

    @Test
    void aPassingSignatureOfAnotherDomainDoesNotCount() throws Exception {
        // the attacker signs with its own domain and forges the victim's envelope sender: no reply
        Decision d = decide(SENDER, BAD_IP, signed(message(""), "other.example"));
        assertThat(skipped(d)).isEqualTo(Rule.NOT_AUTHENTICATED);
        assertThat(((Decision.Skip) d).detail()).contains("1 passing signature(s) of other domains do not count");
    }

    @Test
    void relatedUsesTheOrganizationalDomain() {
        assertThat(rules.related("sender.example", "SENDER.example.")).isTrue();
        assertThat(rules.related("a.b.example.co.uk", "example.co.uk")).isTrue();
        assertThat(rules.related("example.co.uk", "other.co.uk")).isFalse();
        assertThat(rules.related("co.uk", "example.co.uk")).isFalse();
        assertThat(rules.related("", "sender.example")).isFalse();
    }

    @Test
    void keywordDropsCommentsAndParameters() {
        assertThat(ReplyRules.keyword(" No (really) ")).isEqualTo("no");
        assertThat(ReplyRules.keyword("auto-replied; owner-email=x")).isEqualTo("auto-replied");
        assertThat(ReplyRules.Rule.RATE_LIMITED.keyword()).isEqualTo("rate-limited");
    }
}
