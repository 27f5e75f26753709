package org.mailward.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.mailward.gateway.queue.Envelope;

/** Builds RFC 3464 delivery status notifications (multipart/report, RFC 6522) for failed recipients. */
public final class Bounce {

    private Bounce() {
    }

    public static byte[] build(String reportingMta, Envelope env, List<Envelope.Recipient> failed, byte[] original, Instant now) {
        return build(reportingMta, env, failed, original, now, false);
    }

    /**
     * With {@code delayed}, a delay notice (RFC 3464 Action: delayed, status 4.x.x): the message is not lost, it
     * waits (e.g. held because enforced TLS could not be had); otherwise a failure report.
     */
    public static byte[] build(String reportingMta, Envelope env, List<Envelope.Recipient> failed, byte[] original, Instant now,
                               boolean delayed) {
        String boundary = "=_mailward_" + UUID.randomUUID();
        String date = ZonedDateTime.ofInstant(now, ZoneOffset.UTC).format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
        StringBuilder sb = new StringBuilder();
        sb.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n");
        sb.append("To: <").append(env.sender()).append(">\r\n");
        sb.append(delayed ? "Subject: Delayed Mail (still being retried or held)\r\n" : "Subject: Undelivered Mail Returned to Sender\r\n");
        sb.append("Date: ").append(date).append("\r\n");
        sb.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingMta).append(">\r\n");
        sb.append("Auto-Submitted: auto-replied\r\n");
        sb.append("MIME-Version: 1.0\r\n");
        sb.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n\r\n");
        sb.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        sb.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n");
        sb.append(delayed ? "Your message has not been delivered yet to the recipients below. It is kept and NOT sent\r\n"
                + "without the required protection; an administrator has been told. No action is needed from you.\r\n\r\n"
                : "Your message could not be delivered to one or more recipients.\r\n\r\n");
        for (Envelope.Recipient r : failed) {
            sb.append("<").append(r.address()).append(">: ").append(r.reply()).append("\r\n");
        }
        sb.append("\r\n--").append(boundary).append("\r\nContent-Type: message/delivery-status\r\n\r\n");
        // RFC 3464 2.2: per-message fields
        sb.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        if (!env.envid().isEmpty()) {
            sb.append("Original-Envelope-Id: ").append(env.envid()).append("\r\n");
        }
        sb.append("X-Mailward-Queue-ID: ").append(env.queueId()).append("\r\n");
        sb.append("Arrival-Date: ").append(ZonedDateTime.ofInstant(Instant.ofEpochMilli(env.receivedAt()), ZoneOffset.UTC)
                .format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT))).append("\r\n");
        for (Envelope.Recipient r : failed) {
            // RFC 3464 2.3: per-recipient fields
            sb.append("\r\n");
            if (!r.orcpt().isEmpty()) {
                sb.append("Original-Recipient: ").append(r.orcpt()).append("\r\n");
            }
            sb.append("Final-Recipient: rfc822; ").append(r.address()).append("\r\n");
            sb.append(delayed ? "Action: delayed\r\n" : "Action: failed\r\n");
            sb.append("Status: ").append(delayed ? "4.7.10" : status(r.reply())).append("\r\n");
            if (r.reply().matches("^[45]\\d\\d .*")) {
                sb.append("Diagnostic-Code: smtp; ").append(r.reply()).append("\r\n");
            } else {
                sb.append("Diagnostic-Code: X-Mailward; ").append(r.reply()).append("\r\n");
            }
        }
        boolean full = env.ret().equals("FULL");
        sb.append("\r\n--").append(boundary).append("\r\nContent-Type: ").append(full ? "message/rfc822" : "text/rfc822-headers").append("\r\n\r\n");
        String orig = new String(original, StandardCharsets.UTF_8);
        if (!full) {
            int end = orig.indexOf("\r\n\r\n");
            orig = end < 0 ? orig : orig.substring(0, end + 2);
        }
        sb.append(orig);
        if (!orig.endsWith("\r\n")) {
            sb.append("\r\n");
        }
        sb.append("\r\n--").append(boundary).append("--\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The enhanced status of a reply text such as "550 5.1.1 ...", else 5.0.0. */
    static String status(String reply) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\d{3} ([245]\\.\\d{1,3}\\.\\d{1,3})").matcher(reply);
        return m.find() ? m.group(1).replaceFirst("^4", "5") : "5.0.0";
    }
}
