package org.mailward.gateway.reflector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Renders a {@link ReflectorReport} as the reply message (RFC 5322, MIME multipart/mixed): a text/plain part for
 * people and an application/json attachment for programs, both from the same report. The reply is an automatic
 * response (RFC 3834): {@code Auto-Submitted: auto-replied} (5.2), {@code In-Reply-To}/{@code References} with the
 * received Message-ID when it is a well-formed msg-id (3.1.5), a Subject of our own words (no text from the received
 * message in our header). 7-bit throughout: the text is ASCII, the JSON is base64 (lines of 76).
 */
public final class ReplyBuilder {

    /** The attachment's file name. */
    public static final String JSON_NAME = "mailward-reflector.json";
    /** The JSON format version ({@code version} field); bump on incompatible changes. */
    public static final int JSON_VERSION = 1;

    /** RFC 5322 3.6.4 msg-id, the common dot-atom-text form; bounded. */
    private static final Pattern MSG_ID = Pattern.compile("<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,200}@[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\\[\\]:-]{1,200}>");

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private ReplyBuilder() {
    }

    /**
     * @param to        the reply's recipient (the received message's envelope sender)
     * @param messageId our Message-ID for the reply, without angle brackets ({@code id@host})
     */
    public static byte[] build(ReflectorReport r, String to, String messageId) {
        String boundary = "=_mailward_reflector_" + UUID.randomUUID();
        String text = text(r);
        String json = json(r);
        StringBuilder m = new StringBuilder(text.length() + json.length() * 4 / 3 + 2048);
        m.append("From: Mailward reflector <").append(r.reflectorAddress()).append(">\r\n");
        m.append("To: <").append(ReflectorReport.sanitise(to, 320)).append(">\r\n");
        m.append("Subject: Auto: authentication results for your message (").append(r.verdictSummary()).append(")\r\n");
        m.append("Date: ").append(ZonedDateTime.ofInstant(r.received(), ZoneOffset.UTC)
                .format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT))).append("\r\n");
        m.append("Message-ID: <").append(messageId).append(">\r\n");
        inReplyTo(r.message().messageId()).ifPresent(id -> m.append("In-Reply-To: ").append(id).append("\r\nReferences: ").append(id).append("\r\n"));
        m.append("Auto-Submitted: auto-replied\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
        m.append("This is a MIME message: authentication results as text and as JSON.\r\n");
        m.append("\r\n--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n");
        m.append(text);
        m.append("\r\n--").append(boundary).append("\r\n");
        m.append("Content-Type: application/json; name=\"" + JSON_NAME + "\"\r\n");
        m.append("Content-Disposition: attachment; filename=\"" + JSON_NAME + "\"\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(json.getBytes(StandardCharsets.US_ASCII))).append("\r\n");
        m.append("\r\n--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The received Message-ID for In-Reply-To/References, only when it is one well-formed msg-id. */
    static Optional<String> inReplyTo(String quotedMessageId) {
        String v = quotedMessageId.strip();
        return MSG_ID.matcher(v).matches() ? Optional.of(v) : Optional.empty();
    }

    /** The text part: CRLF line ends, ASCII, no line longer than the values' bounds allow. */
    static String text(ReflectorReport r) {
        StringBuilder b = new StringBuilder(4096);
        line(b, "This is an automatic reply from the mail gateway " + r.reporter() + " to your message to");
        line(b, r.reflectorAddress() + ". It shows how your message was authenticated when it arrived.");
        line(b, "No content of your message is quoted beyond the header fields below (shortened and");
        line(b, "reduced to plain ASCII). The same data is attached as JSON (" + JSON_NAME + ").");
        line(b, "");
        line(b, "Your message");
        field(b, "Received", r.received().toString());
        field(b, "Envelope from", r.message().envelopeFrom());
        field(b, "From", r.message().from());
        field(b, "Subject", r.message().subject());
        field(b, "Message-ID", r.message().messageId());
        line(b, "");
        ReflectorReport.Connection c = r.connection();
        line(b, "Connection");
        field(b, "Client IP", c.clientIp());
        field(b, "HELO/EHLO", c.helo());
        field(b, "FCrDNS (iprev)", c.iprev() + (c.iprevName().isEmpty() ? "" : " (" + c.iprevName() + ")"));
        field(b, "TLS", c.tls() ? c.tlsVersion() + ", cipher " + c.tlsCipher() : "no TLS: the message arrived in clear text");
        line(b, "");
        line(b, "SPF");
        field(b, "Result", r.spf().result());
        field(b, "Domain", r.spf().domain().isEmpty() ? "-" : r.spf().domain() + " (" + r.spf().scope() + ")");
        field(b, "Detail", r.spf().detail());
        line(b, "");
        line(b, "DKIM (" + (r.dkim().size() + r.dkimNotShown()) + " signature" + (r.dkim().size() + r.dkimNotShown() == 1 ? "" : "s") + ")");
        if (r.dkim().isEmpty()) {
            line(b, "  none: the message was not signed");
        }
        int i = 1;
        for (ReflectorReport.Dkim d : r.dkim()) {
            line(b, "  " + i++ + ". d=" + d.domain() + " s=" + d.selector() + (d.algorithm().isEmpty() ? "" : " a=" + d.algorithm())
                    + ": " + d.result() + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
            line(b, "     aligned with the From domain: " + yesNo(d.aligned()) + (d.keyBits() > 0 ? ", key " + d.keyBits() + " bits" : "")
                    + (d.testing() ? ", key in testing mode (t=y)" : ""));
        }
        if (r.dkimNotShown() > 0) {
            line(b, "  (" + r.dkimNotShown() + " more not shown)");
        }
        line(b, "");
        ReflectorReport.Dmarc d = r.dmarc();
        line(b, "DMARC");
        field(b, "Result", d.result());
        field(b, "From domain", d.headerFrom());
        field(b, "Policy", d.policyDomain().isEmpty() ? "no DMARC record found"
                : "p=" + d.p() + " sp=" + d.sp() + " pct=" + d.pct() + " (record at _dmarc." + d.policyDomain() + ")"
                        + (d.appliedPolicy().isEmpty() ? "" : ", applied: " + d.appliedPolicy()));
        field(b, "Alignment", "DKIM aligned " + yesNo(d.dkimAligned()) + ", SPF aligned " + yesNo(d.spfAligned()));
        field(b, "Disposition", d.disposition());
        field(b, "Detail", d.detail());
        line(b, "");
        line(b, "ARC");
        field(b, "cv", r.arc().cv() + " (" + r.arc().instances() + " set" + (r.arc().instances() == 1 ? "" : "s") + ")"
                + (r.arc().reason().isEmpty() ? "" : ": " + r.arc().reason()));
        line(b, "");
        line(b, "Gateway action");
        field(b, "Action", r.action() + (r.actionReason().isEmpty() ? "" : " (" + r.actionReason() + ")"));
        line(b, "");
        line(b, "Authentication-Results added by " + r.reporter());
        String indent = "  ";
        for (String part : r.authenticationResults().split("(?<=;) ")) {
            line(b, indent + part);
            indent = "      ";
        }
        line(b, "");
        ReflectorReport.ReplyDelivery rd = r.replyDelivery();
        line(b, "Delivery of this reply to " + rd.domain());
        field(b, "Secure Delivery", rd.policy() + (rd.configuredRule().isEmpty() ? "" : " (rule " + rd.configuredRule() + ")"));
        field(b, "MTA-STS", rd.mtaSts());
        field(b, "DANE", rd.dane());
        field(b, "In short", rd.summary());
        line(b, "  The TLS version and cipher actually used are recorded in " + r.reporter() + "'s delivery");
        line(b, "  log; the Received header your server adds to this reply shows them too.");
        return b.toString();
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    private static void field(StringBuilder b, String name, String value) {
        line(b, "  " + name + ":" + " ".repeat(Math.max(1, 18 - name.length())) + (value.isEmpty() ? "-" : value));
    }

    /** Lines longer than this are wrapped (RFC 5322 2.1.1: at most 998 characters; the bounds keep most far shorter). */
    static final int MAX_LINE = 400;

    private static void line(StringBuilder b, String s) {
        String rest = s;
        while (rest.length() > MAX_LINE) {
            b.append(rest, 0, MAX_LINE).append("\r\n");
            rest = "    " + rest.substring(MAX_LINE);
        }
        b.append(rest).append("\r\n");
    }

    /** The JSON attachment (field meanings: docs/reflector.md), pretty-printed, ASCII. */
    static String json(ReflectorReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", JSON_VERSION);
        root.put("reporter", r.reporter());
        root.put("reflector", r.reflectorAddress());
        root.put("received", r.received().toString());
        ObjectNode msg = root.putObject("message");
        msg.put("envelopeFrom", r.message().envelopeFrom());
        msg.put("from", r.message().from());
        msg.put("subject", r.message().subject());
        msg.put("messageId", r.message().messageId());
        ReflectorReport.Connection c = r.connection();
        ObjectNode con = root.putObject("connection");
        con.put("clientIp", c.clientIp());
        con.put("helo", c.helo());
        ObjectNode iprev = con.putObject("iprev");
        iprev.put("result", c.iprev());
        iprev.put("name", c.iprevName());
        if (c.tls()) {
            ObjectNode tls = con.putObject("tls");
            tls.put("version", c.tlsVersion());
            tls.put("cipher", c.tlsCipher());
        } else {
            con.putNull("tls");
        }
        ObjectNode spf = root.putObject("spf");
        spf.put("result", r.spf().result());
        spf.put("domain", r.spf().domain());
        spf.put("scope", r.spf().scope());
        spf.put("detail", r.spf().detail());
        ArrayNode dkim = root.putArray("dkim");
        for (ReflectorReport.Dkim d : r.dkim()) {
            ObjectNode o = dkim.addObject();
            o.put("domain", d.domain());
            o.put("selector", d.selector());
            o.put("algorithm", d.algorithm());
            o.put("result", d.result());
            o.put("reason", d.reason());
            o.put("aligned", d.aligned());
            o.put("keyBits", d.keyBits());
            o.put("testing", d.testing());
        }
        root.put("dkimNotShown", r.dkimNotShown());
        ReflectorReport.Dmarc d = r.dmarc();
        ObjectNode dmarc = root.putObject("dmarc");
        dmarc.put("result", d.result());
        dmarc.put("headerFrom", d.headerFrom());
        if (d.policyDomain().isEmpty()) {
            dmarc.putNull("policy");
        } else {
            ObjectNode p = dmarc.putObject("policy");
            p.put("domain", d.policyDomain());
            p.put("p", d.p());
            p.put("sp", d.sp());
            p.put("pct", d.pct());
        }
        dmarc.put("appliedPolicy", d.appliedPolicy());
        dmarc.put("disposition", d.disposition());
        dmarc.put("dkimAligned", d.dkimAligned());
        dmarc.put("spfAligned", d.spfAligned());
        dmarc.put("detail", d.detail());
        ObjectNode arc = root.putObject("arc");
        arc.put("cv", r.arc().cv());
        arc.put("instances", r.arc().instances());
        arc.put("reason", r.arc().reason());
        ObjectNode action = root.putObject("gatewayAction");
        action.put("action", r.action());
        action.put("reason", r.actionReason());
        root.put("authenticationResults", r.authenticationResults());
        ReflectorReport.ReplyDelivery rd = r.replyDelivery();
        ObjectNode del = root.putObject("replyDelivery");
        del.put("domain", rd.domain());
        del.put("policy", rd.policy());
        del.put("configuredRule", rd.configuredRule());
        del.put("mtaSts", rd.mtaSts());
        del.put("dane", rd.dane());
        del.put("summary", rd.summary());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the reflector JSON", e); // a tree of strings always serialises
        }
    }
}
