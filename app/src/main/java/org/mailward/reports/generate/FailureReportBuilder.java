package org.mailward.reports.generate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Our DMARC failure report: an ARF message (RFC 5965 2) of the authentication-failure type (RFC 6591) with the
 * DMARC additions of RFC 7489 7.3 and RFC 9991 3.1, CRLF line ends, ready for submission.
 *
 * <pre>
 *   multipart/report; report-type=feedback-report
 *     1. text/plain                what happened, for a person
 *     2. message/feedback-report   Feedback-Type: auth-failure, Version: 1, User-Agent, Original-Mail-From,
 *                                  Original-Rcpt-To, Arrival-Date, Reporting-MTA, Source-IP, Reported-Domain,
 *                                  Authentication-Results, Auth-Failure, Delivery-Result, Identity-Alignment,
 *                                  DKIM-Domain/-Identity/-Selector (when signed), SPF-DNS (when a record was found)
 *     3. text/rfc822-headers       the original's header section (default: {@link Redaction#headersOnly()})
 *        or message/rfc822         the whole original (up to {@link #MAX_ORIGINAL} bytes, else headers only)
 * </pre>
 *
 * Redaction (RFC 6590) is applied to everything that shows an address of the original: see {@link Redaction}.
 * The report is DKIM-signed by the gateway's outbound path it is submitted to (RFC 9991 3.3: failure reports must
 * authenticate, or they may be reported in turn).
 */
public final class FailureReportBuilder {

    /** The largest original sent whole; a larger one is reduced to its header section. */
    public static final int MAX_ORIGINAL = 256 * 1024;
    static final String USER_AGENT = "Mailward/1";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ReporterIdentity me;
    private final Redaction redaction;

    public FailureReportBuilder(ReporterIdentity me, Redaction redaction) {
        this.me = Objects.requireNonNull(me);
        this.redaction = Objects.requireNonNull(redaction);
    }

    /** The report mail for {@code incident}, addressed to {@code to} (the accepted ruf mailboxes), dated {@code date}. */
    public byte[] build(FailureIncident incident, List<String> to, Instant date) {
        if (to.isEmpty()) {
            throw new IllegalArgumentException("a failure report needs a recipient");
        }
        byte[] original = incident.originalMessage();
        int headerEnd = headerEnd(original);
        boolean whole = !redaction.headersOnly() && original.length <= MAX_ORIGINAL;
        String id = digest(incident.sourceIp() + "\n" + incident.arrival() + "\n" + date + "\n"
                + HexFormat.of().formatHex(sha256(original)));
        String boundary = "=_mailward_ruf_" + id.substring(0, 24);
        String messageId = "fr." + id.substring(0, 32) + "@" + me.submitter();

        StringBuilder m = new StringBuilder();
        m.append("From: ").append(me.email()).append("\r\n");
        m.append("To: ").append(String.join(",\r\n\t", to)).append("\r\n");
        m.append("Date: ").append(DATE.format(date)).append("\r\n");
        m.append("Subject: DMARC failure report for ").append(ascii(incident.reportedDomain())).append(" from ")
                .append(ascii(incident.sourceIp())).append("\r\n");
        m.append("Message-ID: <").append(messageId).append(">\r\n");
        m.append("Auto-Submitted: auto-generated\r\n"); // RFC 3834 5: nobody auto-replies to a report
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=feedback-report;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\n");
        m.append("This is a multi-part message in MIME format.\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        m.append(wrap(ascii(humanText(incident, whole, original.length > MAX_ORIGINAL && !redaction.headersOnly())))).append("\r\n");

        // RFC 5965 3.1, RFC 6591 3.1, RFC 7489 7.3, RFC 9991 3.1
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: message/feedback-report\r\n\r\n");
        m.append("Feedback-Type: auth-failure\r\n");
        m.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        m.append("Version: 1\r\n");
        m.append("Original-Mail-From: <").append(ascii(redaction.addresses(incident.originalMailFrom()))).append(">\r\n");
        for (String r : incident.originalRcptTo()) {
            m.append("Original-Rcpt-To: <").append(ascii(redaction.addresses(r))).append(">\r\n");
        }
        m.append("Arrival-Date: ").append(DATE.format(incident.arrival())).append("\r\n");
        m.append("Reporting-MTA: dns; ").append(me.submitter()).append("\r\n");
        m.append("Source-IP: ").append(ascii(incident.sourceIp())).append("\r\n");
        m.append("Reported-Domain: ").append(ascii(incident.reportedDomain())).append("\r\n");
        if (!incident.authenticationResults().isBlank()) {
            m.append(fold("Authentication-Results: " + ascii(redaction.addresses(oneLine(incident.authenticationResults()))))).append("\r\n");
        }
        m.append("Auth-Failure: ").append(incident.authFailure()).append("\r\n");
        m.append("Delivery-Result: ").append(incident.deliveryResult()).append("\r\n");
        m.append("Identity-Alignment: ").append(incident.identityAlignment()).append("\r\n");
        incident.dkim().ifPresent(s -> {
            m.append("DKIM-Domain: ").append(ascii(s.domain())).append("\r\n");
            m.append("DKIM-Identity: ").append(ascii(redaction.addresses(s.identity()))).append("\r\n");
            m.append("DKIM-Selector: ").append(ascii(s.selector())).append("\r\n");
        });
        // RFC 6591 3.1: SPF-DNS = ("txt" / "spf") ":" domain ":" the record
        incident.spfDns().ifPresent(s -> m.append(fold("SPF-DNS: txt : " + ascii(s.domain()) + " : \""
                + ascii(s.record()).replace("\\", "\\\\").replace("\"", "\\\"") + "\"")).append("\r\n"));
        m.append("Incidents: 1\r\n");

        m.append("--").append(boundary).append("\r\n");
        if (whole) {
            String text = redaction.headerSection(latin1(original, 0, headerEnd)) + redaction.addresses(latin1(original, headerEnd, original.length));
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            boolean eight = has8bit(bytes);
            // RFC 2046 5.2.1: message/rfc822 is 7bit, 8bit or binary, never base64
            m.append("Content-Type: message/rfc822\r\n");
            m.append("Content-Transfer-Encoding: ").append(eight ? "8bit" : "7bit").append("\r\n\r\n");
            m.append(text);
            if (!text.endsWith("\r\n")) {
                m.append("\r\n");
            }
        } else {
            String headers = redaction.headerSection(latin1(original, 0, headerEnd));
            byte[] bytes = headers.getBytes(StandardCharsets.ISO_8859_1);
            m.append("Content-Type: text/rfc822-headers\r\n");
            if (has8bit(bytes)) {
                m.append("Content-Transfer-Encoding: base64\r\n\r\n");
                m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(bytes)).append("\r\n");
            } else {
                m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
                m.append(headers);
                if (!headers.endsWith("\r\n")) {
                    m.append("\r\n");
                }
            }
        }
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private String humanText(FailureIncident i, boolean whole, boolean tooLarge) {
        String what = switch (i.authFailure()) {
            case "dmarc" -> "did not produce an aligned pass for every mechanism your DMARC record (fo) asks about";
            case "spf" -> "failed SPF";
            default -> "carried a DKIM signature that failed (" + i.authFailure() + ")";
        };
        return "This is a DMARC failure report (RFC 7489 7.3, RFC 6591) from " + me.orgName() + ". A message claiming to be from "
                + i.reportedDomain() + " reached us from " + i.sourceIp() + " on " + DATE.format(i.arrival()) + " and " + what
                + ". Aligned identifiers: " + i.identityAlignment() + ". What we did with it: " + i.deliveryResult() + ". "
                + (whole ? "The message is attached." : tooLarge ? "The message was too large to attach; its header section is attached."
                : "Only its header section is attached, by our privacy policy.")
                + (redaction.localParts() ? " Local parts of addresses are replaced by keyed hashes." : "")
                + " You receive this because the DMARC record of " + i.policyDomain() + " asks for failure reports (ruf). Contact: "
                + me.email();
    }

    /** The offset just after the header section's last CRLF (the empty line excluded), or the whole message. */
    static int headerEnd(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n' && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
                return i + 1;
            }
        }
        return m.length;
    }

    /** Bytes one to one as chars; bare LF turned into CRLF (the part must have CRLF line ends). */
    private static String latin1(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder(to - from + 16);
        for (int i = from; i < to; i++) {
            char c = (char) (b[i] & 0xff);
            if (c == '\n' && (i == 0 || b[i - 1] != '\r')) {
                s.append('\r');
            }
            if (c == '\r' && (i + 1 >= to || b[i + 1] != '\n')) {
                continue; // a bare CR has no place in a MIME part
            }
            s.append(c);
        }
        return s.toString();
    }

    private static boolean has8bit(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t ]+", " ").strip();
    }

    /** Folds a long field at spaces (RFC 5322 2.2.3), continuation lines start with a TAB. */
    static String fold(String field) {
        return ReportMail.wrap(field, "\r\n\t");
    }

    private static String ascii(String s) {
        return ReportMail.ascii(s);
    }

    private static String wrap(String s) {
        return ReportMail.wrap(s);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(String s) {
        return HexFormat.of().formatHex(sha256(s.getBytes(StandardCharsets.UTF_8)));
    }
}
