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
        return build(reportingMta, env, failed, original, now, delayed ? Kind.HELD : Kind.FAILED, "", java.util.Optional.empty());
    }

    /**
     * A delay warning (RFC 3464 Action: delayed) for recipients still being retried after {@code waited}: the sender
     * learns the message is late but not lost, and that it will give up after {@code giveUpAfter}.
     */
    public static byte[] delayWarning(String reportingMta, Envelope env, List<Envelope.Recipient> pending, byte[] original, Instant now,
                                      java.time.Duration waited, java.time.Duration giveUpAfter) {
        String intro = "Your message has not been delivered yet to the recipients below after " + human(waited) + ".\r\n"
                + "It is still queued and will be retried for up to " + human(giveUpAfter) + " after it was sent; no action is needed.\r\n\r\n";
        return build(reportingMta, env, pending, original, now, Kind.DELAYED, intro,
                java.util.Optional.of(Instant.ofEpochMilli(env.receivedAt()).plus(giveUpAfter)));
    }

    private static String human(java.time.Duration d) {
        if (d.toHours() >= 48 && d.toHours() % 24 == 0) {
            return d.toDays() + " days";
        }
        if (d.toMinutes() >= 60 && d.toMinutes() % 60 == 0) {
            return d.toHours() + " hour" + (d.toHours() == 1 ? "" : "s");
        }
        return d.toMinutes() + " minutes";
    }

    private enum Kind { FAILED, HELD, DELAYED }

    private static byte[] build(String reportingMta, Envelope env, List<Envelope.Recipient> failed, byte[] original, Instant now,
                                Kind kind, String delayIntro, java.util.Optional<Instant> retryUntil) {
        boolean delayed = kind != Kind.FAILED;
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
        sb.append(switch (kind) {
            case HELD -> "Your message has not been delivered yet to the recipients below. It is kept and NOT sent\r\n"
                    + "without the required protection; an administrator has been told. No action is needed from you.\r\n\r\n";
            case DELAYED -> delayIntro;
            case FAILED -> "Your message could not be delivered to one or more recipients.\r\n\r\n";
        });
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
            sb.append("Status: ").append(switch (kind) {
                case HELD -> "4.7.10";
                case DELAYED -> transientStatus(r.reply());
                case FAILED -> status(r.reply());
            }).append("\r\n");
            if (retryUntil.isPresent()) {
                // RFC 3464 2.3.9: for a delayed recipient, when the MTA will give up
                sb.append("Will-Retry-Until: ").append(ZonedDateTime.ofInstant(retryUntil.get(), ZoneOffset.UTC)
                        .format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT))).append("\r\n");
            }
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

    /** RFC 3464 2.3.4: a delayed recipient has a 4.x.x status: the reply's class 4 status, else 4.0.0. */
    static String transientStatus(String reply) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\d{3} (4\\.\\d{1,3}\\.\\d{1,3})").matcher(reply);
        return m.find() ? m.group(1) : "4.0.0";
    }

    /** The enhanced status of a reply text such as "550 5.1.1 ...", else 5.0.0. */
    static String status(String reply) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\d{3} ([245]\\.\\d{1,3}\\.\\d{1,3})").matcher(reply);
        return m.find() ? m.group(1).replaceFirst("^4", "5") : "5.0.0";
    }
}
