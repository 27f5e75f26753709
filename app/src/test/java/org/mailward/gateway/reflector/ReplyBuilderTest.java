package org.mailward.gateway.reflector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailward.gateway.reflector.ReflectorFixtures.GOOD_IP;
import static org.mailward.gateway.reflector.ReflectorFixtures.HOST;
import static org.mailward.gateway.reflector.ReflectorFixtures.NOW;
import static org.mailward.gateway.reflector.ReflectorFixtures.authenticate;
import static org.mailward.gateway.reflector.ReflectorFixtures.message;
import static org.mailward.gateway.reflector.ReflectorFixtures.session;
import static org.mailward.gateway.reflector.ReflectorFixtures.signed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;

class ReplyBuilderTest {

    static final String SENDER = "alice@sender.example";
    static final ObjectMapper JSON = new ObjectMapper();

    static GatewayConfig config() {
        return ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{name: in, port: 25}]
                localDomains: [{ domain: example.org, route: "10.0.0.5:25" }]
                delivery:
                  secureDelivery:
                    - { domain: "*.gsi.gov.uk", policy: enforced-strict }
                    - { domain: sender.example, policy: enforced-strict }
                """, java.nio.file.Path.of("/cfg")).config().orElseThrow();
    }

    static ReflectorReport report(byte[] received, boolean tls) throws Exception {
        return ReflectorReport.of(HOST, "emailsecurity@example.org", NOW, session("s1", GOOD_IP, tls), SENDER, MessageReader.headers(received),
                authenticate(GOOD_IP, SENDER, received), new SecureDeliveryStatement(config()).describe("sender.example"));
    }

    /** One MIME part: its header and its decoded body. */
    record Part(MessageHeaders headers, String body) {
    }

    /** A strict little MIME reader for the reply: CRLF only, 7-bit, lines of at most 998, one multipart/mixed level. */
    static List<Part> parse(byte[] reply) {
        for (byte b : reply) {
            assertThat(b & 0xff).as("7-bit").isLessThan(128);
        }
        String s = new String(reply, StandardCharsets.US_ASCII);
        assertThat(s.replace("\r\n", "")).as("no bare CR or LF").doesNotContain("\r").doesNotContain("\n");
        for (String line : s.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        MessageHeaders h = MessageReader.headers(reply);
        String ct = h.first("Content-Type").orElseThrow().value();
        Matcher m = Pattern.compile("multipart/mixed; boundary=\"([^\"]+)\"").matcher(ct);
        assertThat(m.matches()).as(ct).isTrue();
        String boundary = m.group(1);
        String body = s.substring(s.indexOf("\r\n\r\n") + 4);
        assertThat(body).endsWith("\r\n--" + boundary + "--\r\n");
        String[] chunks = body.substring(0, body.length() - ("\r\n--" + boundary + "--\r\n").length()).split("\r\n--" + Pattern.quote(boundary) + "\r\n");
        List<Part> parts = new ArrayList<>();
        for (int i = 1; i < chunks.length; i++) {
            byte[] p = chunks[i].getBytes(StandardCharsets.US_ASCII);
            MessageHeaders ph = MessageReader.headers(p);
            String raw = chunks[i].substring(chunks[i].indexOf("\r\n\r\n") + 4);
            String cte = ph.first("Content-Transfer-Encoding").map(HeaderField::value).orElse("7bit");
            String decoded = cte.equalsIgnoreCase("base64") ? new String(Base64.getMimeDecoder().decode(raw), StandardCharsets.US_ASCII) : raw;
            parts.add(new Part(ph, decoded));
        }
        return parts;
    }

    @Test
    void theReplyIsAnAutomaticResponseWithTextAndJson() throws Exception {
        byte[] received = signed(message(""), "sender.example");
        byte[] reply = ReplyBuilder.build(report(received, true), SENDER, "r1@" + HOST);
        MessageHeaders h = MessageReader.headers(reply);
        assertThat(h.first("From").orElseThrow().value()).isEqualTo("Mailward reflector <emailsecurity@example.org>");
        assertThat(h.first("To").orElseThrow().value()).isEqualTo("<alice@sender.example>");
        assertThat(h.first("Auto-Submitted").orElseThrow().value()).isEqualTo("auto-replied");
        assertThat(h.first("In-Reply-To").orElseThrow().value()).isEqualTo("<abc.123@sender.example>");
        assertThat(h.first("References").orElseThrow().value()).isEqualTo("<abc.123@sender.example>");
        assertThat(h.first("Message-ID").orElseThrow().value()).isEqualTo("<r1@mx.example.org>");
        assertThat(h.first("Subject").orElseThrow().value())
                .isEqualTo("Auto: authentication results for your message (SPF pass, DKIM pass, DMARC pass, TLSv1.3)");
        List<Part> parts = parse(reply);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).headers().first("Content-Type").orElseThrow().value()).isEqualTo("text/plain; charset=us-ascii");
        assertThat(parts.get(1).headers().first("Content-Type").orElseThrow().value()).startsWith("application/json");
        assertThat(parts.get(1).headers().first("Content-Disposition").orElseThrow().value()).contains("attachment");
        String text = parts.get(0).body();
        assertThat(text).contains("TLSv1.3, cipher TLS_AES_256_GCM_SHA384").contains("1. d=sender.example s=sel a=ed25519-sha256: pass")
                .contains("p=reject sp=quarantine pct=100 (record at _dmarc.sender.example)")
                .contains("FCrDNS (iprev):    pass (mail.sender.example)")
                .contains("Secure Delivery:   enforced-strict (rule sender.example enforced-strict)")
                .doesNotContain("this body must never be quoted");
        JsonNode j = JSON.readTree(parts.get(1).body());
        assertThat(j.get("version").asInt()).isEqualTo(1);
        assertThat(j.at("/connection/tls/version").asText()).isEqualTo("TLSv1.3");
        assertThat(j.at("/spf/result").asText()).isEqualTo("pass");
        assertThat(j.at("/dkim/0/domain").asText()).isEqualTo("sender.example");
        assertThat(j.at("/dkim/0/aligned").asBoolean()).isTrue();
        assertThat(j.at("/dmarc/policy/p").asText()).isEqualTo("reject");
        assertThat(j.at("/replyDelivery/policy").asText()).isEqualTo("enforced-strict");
        assertThat(reply.length).isLessThan(8 * 1024);
    }

    @Test
    void withoutTlsAndUnsignedTheReplySaysSo() throws Exception {
        byte[] received = message("").getBytes(StandardCharsets.UTF_8);
        List<Part> parts = parse(ReplyBuilder.build(report(received, false), SENDER, "r2@" + HOST));
        assertThat(parts.get(0).body()).contains("TLS:               no TLS: the message arrived in clear text")
                .contains("DKIM (0 signatures)").contains("none: the message was not signed");
        JsonNode j = JSON.readTree(parts.get(1).body());
        assertThat(j.at("/connection/tls").isNull()).isTrue();
        assertThat(j.get("dkim").size()).isZero();
    }

    /** Every string and number of the JSON appears in the text: the two parts tell the same thing. */
    @Test
    void theJsonMatchesTheText() throws Exception {
        byte[] received = signed(new String(signed(message(""), "other.example"), StandardCharsets.UTF_8), "sender.example");
        List<Part> parts = parse(ReplyBuilder.build(report(received, true), SENDER, "r3@" + HOST));
        String text = parts.get(0).body();
        JsonNode j = JSON.readTree(parts.get(1).body());
        List<String> checked = new ArrayList<>();
        walk("", j, (path, v) -> {
            if (path.equals("/authenticationResults")) {
                // the field is spread over several lines in the text: compare without white space
                assertThat(text.replaceAll("\\s+", "")).contains(v.asText().replaceAll("\\s+", ""));
            } else if (v.isTextual() && !v.asText().isEmpty()) {
                assertThat(text).as(path).contains(v.asText());
            } else if (v.isNumber() && !path.endsWith("/version") && !path.endsWith("/dkimNotShown")) {
                assertThat(text).as(path).contains(v.asText());
            }
            checked.add(path);
        });
        assertThat(checked).contains("/message/subject", "/dkim/1/domain", "/dkim/1/reason", "/dmarc/policy/pct", "/replyDelivery/summary");
        assertThat(j.at("/dkim/1/domain").asText()).isEqualTo("other.example");
        assertThat(j.at("/dkim/1/aligned").asBoolean()).isFalse();
        assertThat(text).contains("aligned with the From domain: no");
    }

    interface Visitor {
        void leaf(String path, JsonNode value);
    }

    static void walk(String path, JsonNode n, Visitor v) {
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                walk(path + "/" + e.getKey(), e.getValue(), v);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                walk(path + "/" + i, n.get(i), v);
            }
        } else {
            v.leaf(path, n);
        }
    }

    @Test
    void aHostileHeaderCannotInjectFieldsOrLines() throws Exception {
        String hostile = "From: =?UTF-8?B?w4lsaXNl?= <alice@sender.example>\r\nTo: emailsecurity@example.org\r\n"
                + "Subject: hi\r\n\tBcc: victim@example.net\r\n Content-Type: text/html\r\n"
                + "Message-ID: <x@y>\r\n\tBcc: victim@example.net\r\n"
                + "\r\nbody\r\n";
        byte[] received = hostile.getBytes(StandardCharsets.UTF_8);
        byte[] withRawBytes = "Subject: caf\u00e9 \u2603 with a\u0000NUL and a bare\rCR\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] both = concat(withRawBytes, received);
        for (byte[] m : List.of(received, both)) {
            byte[] reply = ReplyBuilder.build(report(m, false), SENDER, "r4@" + HOST);
            List<Part> parts = parse(reply);
            MessageHeaders h = MessageReader.headers(reply);
            assertThat(h.fields()).extracting(HeaderField::trimmedName).containsExactly("From", "To", "Subject", "Date", "Message-ID",
                    "Auto-Submitted", "MIME-Version", "Content-Type");
            // the folded Message-ID is not one msg-id: no In-Reply-To rather than a doubtful one
            assertThat(h.first("In-Reply-To")).isEmpty();
            String text = parts.get(0).body();
            assertThat(text.lines()).noneMatch(l -> l.startsWith("Bcc") || l.startsWith("Content-Type") || l.startsWith("\t"));
            String subjectLine = text.lines().filter(l -> l.startsWith("  Subject:")).findFirst().orElseThrow();
            assertThat(subjectLine).matches("[\\x20-\\x7e]+");
            JsonNode j = JSON.readTree(parts.get(1).body());
            assertThat(subjectLine).endsWith(j.at("/message/subject").asText());
        }
        assertThat(JSON.readTree(parse(ReplyBuilder.build(report(both, false), SENDER, "r5@" + HOST)).get(1).body())
                .at("/message/subject").asText()).isEqualTo("caf? ? with a?NUL and a bare CR");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void theReplyStaysSmallWhateverTheMessageHolds() throws Exception {
        StringBuilder h = new StringBuilder();
        Random r = new Random(42);
        for (int i = 0; i < 100; i++) {
            h.append("DKIM-Signature: v=1; a=rsa-sha256; d=s").append(i).append(".attacker.example; s=").append("x".repeat(60))
                    .append("; h=from; bh=").append("A".repeat(44)).append("; b=").append("B".repeat(300)).append("\r\n");
        }
        char[] junk = new char[20_000];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (char) (32 + r.nextInt(95));
        }
        String m = "From: " + "F".repeat(5000) + " <alice@sender.example>\r\nSubject: " + new String(junk) + "\r\nMessage-ID: <"
                + "m".repeat(3000) + "@sender.example>\r\n" + h + "\r\n" + "body\r\n".repeat(10_000);
        ReflectorReport report = report(m.getBytes(StandardCharsets.UTF_8), true);
        assertThat(report.dkim()).hasSize(ReflectorReport.MAX_SIGNATURES);
        assertThat(report.dkimNotShown()).isEqualTo(90);
        assertThat(report.message().subject()).hasSize(ReflectorReport.MAX_QUOTED + 3).endsWith("...");
        byte[] reply = ReplyBuilder.build(report, SENDER, "r6@" + HOST);
        List<Part> parts = parse(reply);
        assertThat(reply.length).isLessThan(32 * 1024);
        assertThat(parts.get(0).body()).contains("(90 more not shown)");
        assertThat(JSON.readTree(parts.get(1).body()).get("dkimNotShown").asInt()).isEqualTo(90);
        assertThat(MessageReader.headers(reply).first("In-Reply-To")).isEmpty(); // a 3000-character id is not quoted back
    }

    @Test
    void sanitiseKeepsOneBoundedAsciiLine() {
        assertThat(ReflectorReport.sanitise("a\r\nb\tc\u0007d\u00e9", 100)).isEqualTo("a  b c?d?");
        assertThat(ReflectorReport.sanitise("x".repeat(10), 4)).isEqualTo("xxxx...");
        assertThat(ReflectorReport.sanitise("\uD83D\uDE00", 10)).isEqualTo("?");
        // fuzz: whatever comes in, one printable line within the bound
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            int n = r.nextInt(300);
            for (int k = 0; k < n; k++) {
                s.append((char) r.nextInt(0x3000));
            }
            String out = ReflectorReport.sanitise(s.toString(), 120);
            assertThat(out).matches("[\\x20-\\x7e]*");
            assertThat(out.length()).isLessThanOrEqualTo(123);
        }
        assertThat(ReplyBuilder.inReplyTo("<a.b@c.example>")).contains("<a.b@c.example>");
        assertThat(ReplyBuilder.inReplyTo("<a b@c>")).isEmpty();
        assertThat(ReplyBuilder.inReplyTo("<a@b> <c@d>")).isEmpty();
    }
}
