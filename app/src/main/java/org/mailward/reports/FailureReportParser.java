package org.mailward.reports;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailward.reports.MimeReader.Header;
import org.mailward.reports.MimeReader.Part;

/**
 * Parses DMARC failure reports: ARF messages (RFC 5965 {@code multipart/report; report-type=feedback-report})
 * with the authentication-failure fields of RFC 6591 and the DMARC usage of RFC 7489 7.3. The second part is the
 * machine-readable {@code message/feedback-report}; the third, if present, the original message or its headers.
 */
public final class FailureReportParser {

    /** Whether a parsed message is an ARF report. */
    public static boolean isArf(Part message) {
        if (message.contentType().equals("multipart/report")
                && message.param("report-type").equalsIgnoreCase("feedback-report")) {
            return true;
        }
        return message.isMultipart() && message.children().stream().anyMatch(c -> c.contentType().equals("message/feedback-report"));
    }

    public ParseOutcome<FailureReport> parse(Part message, byte[] raw) {
        try {
            return doParse(message, raw);
        } catch (RuntimeException e) {
            return ParseOutcome.rejected("internal parser error: " + e);
        }
    }

    private ParseOutcome<FailureReport> doParse(Part message, byte[] raw) {
        Part feedback = null;
        Part original = null;
        for (Part c : message.children()) {
            if (c.contentType().equals("message/feedback-report") && feedback == null) {
                feedback = c;
            } else if ((c.contentType().equals("message/rfc822") || c.contentType().equals("text/rfc822-headers")
                    || c.contentType().equals("message/rfc822-headers")) && original == null) {
                original = c;
            }
        }
        if (feedback == null) {
            return ParseOutcome.rejected("not an ARF report: no message/feedback-report part (RFC 5965 2)");
        }
        List<String> warnings = new ArrayList<>();
        // RFC 5965 3.1: the feedback report is a block of header-like fields. message/* parts were parsed as an
        // inner message; the fields are then its headers.
        List<Header> fields = feedback.children().isEmpty()
                ? fieldsOf(feedback.content()) : feedback.children().get(0).headers();
        String feedbackType = field(fields, "Feedback-Type").toLowerCase(Locale.ROOT);
        if (feedbackType.isEmpty()) {
            warnings.add("missing Feedback-Type");
        } else if (!feedbackType.equals("auth-failure")) {
            warnings.add("Feedback-Type is " + feedbackType + ", not auth-failure (RFC 6591 3)");
        }
        if (field(fields, "Version").isEmpty()) {
            warnings.add("missing Version");
        }
        Part originalMessage = original == null ? null
                : original.children().isEmpty() ? null : original.children().get(0);
        List<Header> originalHeaders = originalMessage != null ? originalMessage.headers()
                : original != null ? fieldsOf(original.content()) : List.of();
        String headerFrom = field(originalHeaders, "From");
        String domain = field(fields, "Reported-Domain").toLowerCase(Locale.ROOT);
        if (domain.isEmpty()) {
            domain = domainOf(headerFrom);
            warnings.add(domain.isEmpty() ? "missing Reported-Domain" : "missing Reported-Domain; using the From domain " + domain);
        }
        if (domain.isEmpty()) {
            return ParseOutcome.rejected("failure report names no domain (no Reported-Domain, no original From)");
        }
        long arrival = 0;
        String arrivalText = field(fields, "Arrival-Date");
        if (arrivalText.isEmpty()) {
            arrivalText = message.header("Date").orElse("");
            warnings.add("missing Arrival-Date; using the report's Date");
        }
        try {
            arrival = ZonedDateTime.parse(arrivalText.replaceAll("\\s*\\(.*\\)\\s*$", "").replaceAll("\\s+", " "),
                    DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            warnings.add("unreadable Arrival-Date: " + arrivalText);
        }
        long incidents = 1;
        String inc = field(fields, "Incidents");
        if (!inc.isEmpty()) {
            try {
                incidents = Math.max(1, Long.parseLong(inc));
            } catch (NumberFormatException e) {
                warnings.add("unreadable Incidents: " + inc);
            }
        }
        String from = message.header("From").orElse("");
        String org = domainOf(from);
        String reportingMta = field(fields, "Reporting-MTA").replaceFirst("(?i)^dns;\\s*", "");
        if (org.isEmpty()) {
            org = reportingMta;
        }
        if (org.isEmpty()) {
            warnings.add("cannot tell who sent the report (no From, no Reporting-MTA)");
        }
        String reportId = message.header("Message-ID").orElse("").replaceAll("[<>]", "").trim();
        if (reportId.isEmpty()) {
            reportId = "sha256:" + AggregateReportParser.sha256(raw);
            warnings.add("report has no Message-ID; using a digest");
        }
        return ParseOutcome.ok(new FailureReport(org, reportId, feedbackType, field(fields, "User-Agent"), arrival,
                field(fields, "Source-IP"), domain, field(fields, "Original-Mail-From"), field(fields, "Original-Rcpt-To"),
                field(fields, "Auth-Failure").toLowerCase(Locale.ROOT), field(fields, "Delivery-Result").toLowerCase(Locale.ROOT),
                field(fields, "DKIM-Domain"), field(fields, "DKIM-Selector"), field(fields, "SPF-DNS"),
                field(fields, "Identity-Alignment"), incidents, headerFrom, field(originalHeaders, "Subject"),
                field(originalHeaders, "Message-ID"), warnings));
    }

    private static List<Header> fieldsOf(byte[] content) {
        String text = "X-Start: 1\n" + new String(content, StandardCharsets.UTF_8);
        Optional<Part> p = switch (MimeReader.parse(text.getBytes(StandardCharsets.UTF_8), 10, 2)) {
            case ParseOutcome.Ok<Part> ok -> Optional.of(ok.value());
            case ParseOutcome.Rejected<Part> r -> Optional.empty();
        };
        return p.map(Part::headers).orElse(List.of());
    }

    private static String field(List<Header> fields, String name) {
        for (Header h : fields) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value().trim();
            }
        }
        return "";
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return "";
        }
        String d = address.substring(at + 1).replaceAll("[>\\s].*$", "").trim().toLowerCase(Locale.ROOT);
        return d.matches("[a-z0-9.-]+") ? d : "";
    }
}
