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

/**
 * The e-mail that carries a report (CRLF line ends, 7-bit, ready for SMTP DATA):
 * <ul>
 *   <li>DMARC aggregate, RFC 7489 7.2.1.1: {@code Subject: Report Domain: D Submitter: S Report-ID: <id>},
 *       multipart/mixed with a short text/plain part and the report as {@code application/gzip} named
 *       {@code receiver!policy-domain!begin!end.xml.gz}.</li>
 *   <li>TLS-RPT, RFC 8460 5.3: {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} header fields, the same
 *       subject form, {@code multipart/report; report-type="tlsrpt"} with a text/plain part and the report as
 *       {@code application/tlsrpt+gzip}.</li>
 * </ul>
 * Our DKIM signature is added by the gateway the message is submitted to (RFC 8460 5.3 requires one; RFC 7489
 * 7.2.1.1 relies on the report being authenticated the same way).
 */
public final class ReportMail {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ReportMail() {
    }

    /** RFC 7489 7.2.1.1 Report-ID (a msg-id, RFC 5322 3.6.4): {@code <report-id@submitter>}. */
    public static String reportIdField(String reportId, String submitter) {
        return "<" + reportId + "@" + submitter + ">";
    }

    public static String subject(String domain, String submitter, String reportId) {
        return "Report Domain: " + domain + " Submitter: " + submitter + " Report-ID: " + reportIdField(reportId, submitter);
    }

    /** The DMARC aggregate report mail (RFC 7489 7.2.1.1). */
    public static byte[] aggregate(ReporterIdentity me, GeneratedAggregate r, List<String> to, Instant date) {
        String text = "This is a DMARC aggregate report (RFC 7489) for " + r.policyDomain() + ", period "
                + DATE.format(Instant.ofEpochSecond(r.report().begin())) + " to "
                + DATE.format(Instant.ofEpochSecond(r.report().end())) + ", " + r.eventRows()
                + " message(s) in " + r.report().records().size() + " record(s), from " + me.orgName() + ".";
        return build(me, r.policyDomain(), r.report().reportId(), to, date, "", "multipart/mixed", text,
                "application/gzip", r.fileName(), r.gzip());
    }

    /** The TLS-RPT report mail (RFC 8460 5.3). */
    public static byte[] tls(ReporterIdentity me, GeneratedTlsReport r, List<String> to, Instant date) {
        String text = "This is an SMTP TLS report (RFC 8460) for " + r.domain() + " from " + me.orgName() + ": "
                + r.successful() + " successful and " + r.failed() + " failed session(s).";
        String extra = "TLS-Report-Domain: " + r.domain() + "\r\n" + "TLS-Report-Submitter: " + me.submitter() + "\r\n";
        return build(me, r.domain(), r.reportId(), to, date, extra, "multipart/report; report-type=\"tlsrpt\"", text,
                "application/tlsrpt+gzip", r.fileName(), r.gzip());
    }

    /**
     * The RFC 7489 7.2.2 error report for a destination that did not get a report because of its {@code !size}
     * limit: a MIME message whose first text/plain part holds the field-value pairs (in the style of RFC 3464 2)
     * Report-Date, Report-Domain, Report-ID, Report-Size, Submitter and Submitting-URI, and a second text/plain part
     * explaining them to a person.
     *
     * @param reportBytes   the size of the report mail we would have sent there (what the limit was compared with)
     * @param submittingUri the URI that did not get the report
     */
    public static byte[] sizeError(ReporterIdentity me, String domain, String reportId, long reportBytes, String submittingUri,
                                   long limit, String to, Instant date) {
        String boundary = "=_mailward_err_" + digest(reportId + "\n" + submittingUri).substring(0, 20);
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(me.email()).append("\r\n");
        m.append("To: ").append(to).append("\r\n");
        m.append("Date: ").append(DATE.format(date)).append("\r\n");
        m.append("Subject: DMARC aggregate report not delivered (over the size limit): ").append(subject(domain, me.submitter(), reportId))
                .append("\r\n");
        m.append("Message-ID: ").append(reportIdField(reportId + ".err." + digest(submittingUri).substring(0, 8) + "."
                + date.getEpochSecond(), me.submitter())).append("\r\n");
        m.append("Auto-Submitted: auto-generated\r\n"); // RFC 3834 5: no auto-replies to this
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/mixed;\r\n\tboundary=\"").append(boundary).append("\"\r\n\r\n");
        m.append("This is a multi-part message in MIME format.\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        // RFC 7489 7.2.2: the required fields, in any order
        m.append("Report-Date: ").append(DATE.format(date)).append("\r\n");
        m.append("Report-Domain: ").append(ascii(domain)).append("\r\n");
        m.append("Report-ID: ").append(reportIdField(reportId, me.submitter())).append("\r\n");
        m.append("Report-Size: ").append(reportBytes).append("\r\n");
        m.append("Submitter: ").append(me.submitter()).append("\r\n");
        m.append("Submitting-URI: ").append(ascii(submittingUri)).append("\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        m.append(wrap(ascii("The DMARC aggregate report for " + domain + " from " + me.orgName() + " was not sent to "
                + submittingUri + ": the report mail is " + reportBytes + " bytes and the address accepts at most " + limit
                + " bytes (the !size suffix of the rua tag, RFC 7489 6.4). Raise or remove the limit to receive the reports."
                + " Contact: " + me.email()))).append("\r\n");
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] build(ReporterIdentity me, String domain, String reportId, List<String> to, Instant date,
                                String extraHeaders, String multipartType, String text, String attachmentType,
                                String fileName, byte[] attachment) {
        String boundary = "=_mailward_" + digest(reportId + "\n" + fileName).substring(0, 24);
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(me.email()).append("\r\n");
        m.append("To: ").append(String.join(",\r\n\t", to)).append("\r\n"); // folded: many rua addresses stay within 998 octets a line
        m.append("Date: ").append(DATE.format(date)).append("\r\n");
        m.append("Subject: ").append(subject(domain, me.submitter(), reportId)).append("\r\n");
        m.append("Message-ID: ").append(reportIdField(reportId + "." + date.getEpochSecond(), me.submitter())).append("\r\n");
        m.append(extraHeaders);
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: ").append(multipartType).append(";\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\n");
        m.append("This is a multi-part message in MIME format.\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        m.append(wrap(ascii(text))).append("\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: ").append(attachmentType).append(";\r\n\tname=\"").append(fileName).append("\"\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment;\r\n\tfilename=\"").append(fileName).append("\"\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(attachment)).append("\r\n");
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The text part is ASCII: an IDN or an odd org name must not produce 8-bit bytes in a 7bit part. */
    static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    static String wrap(String s) {
        return wrap(s, "\r\n");
    }

    /**
     * Breaks {@code s} at spaces so lines stay within 76 characters (RFC 5322 2.1.1 recommends 78), each break
     * written as {@code lineBreak}: CRLF for text, CRLF TAB to fold a header field (RFC 5322 2.2.3).
     */
    static String wrap(String s, String lineBreak) {
        int indent = lineBreak.length() - 2;
        StringBuilder out = new StringBuilder();
        int col = 0;
        for (String word : s.split(" ")) {
            if (col > 0 && col + 1 + word.length() > 76) {
                out.append(lineBreak);
                col = indent;
            } else if (col > 0) {
                out.append(' ');
                col++;
            }
            out.append(word);
            col += word.length();
        }
        return out.toString();
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
