package org.mailward.reports;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailward.reports.TlsReport.FailureDetail;
import org.mailward.reports.TlsReport.Policy;

/**
 * Parses SMTP TLS reports (RFC 8460 section 4.4, JSON). Lenient like the aggregate parser: missing optional
 * fields, timestamps without a zone or as Unix seconds, numbers as strings are warnings; only input that is not a
 * JSON object, or has neither a report id nor an organisation nor any policy, is rejected. Nesting depth and
 * string lengths are bounded.
 */
public final class TlsReportParser {

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64).maxStringLength(1_000_000).maxNumberLength(40).build())
            .build());

    public ParseOutcome<TlsReport> parse(byte[] json) {
        try {
            return doParse(json);
        } catch (RuntimeException e) {
            return ParseOutcome.rejected("internal parser error: " + e);
        }
    }

    private ParseOutcome<TlsReport> doParse(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            return ParseOutcome.rejected("malformed JSON: " + oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return ParseOutcome.rejected("not a TLS report: the JSON is not an object");
        }
        List<String> warnings = new ArrayList<>();
        String org = text(root, "organization-name");
        String id = text(root, "report-id");
        JsonNode policies = root.get("policies");
        if (org.isEmpty() && id.isEmpty() && (policies == null || !policies.isArray())) {
            return ParseOutcome.rejected("not a TLS report: no organization-name, report-id or policies (RFC 8460 4.4)");
        }
        if (org.isEmpty()) {
            warnings.add("missing organization-name");
        }
        if (id.isEmpty()) {
            id = "sha256:" + AggregateReportParser.sha256(json);
            warnings.add("missing report-id; using a digest of the report");
        }
        JsonNode range = root.get("date-range");
        long begin = 0;
        long end = 0;
        if (range == null || !range.isObject()) {
            warnings.add("missing date-range");
        } else {
            begin = time(range.get("start-datetime"), "start-datetime", warnings);
            end = time(range.get("end-datetime"), "end-datetime", warnings);
            if (begin > end && end > 0) {
                warnings.add("date-range starts after it ends; swapped");
                long t = begin;
                begin = end;
                end = t;
            }
        }
        List<Policy> out = new ArrayList<>();
        if (policies == null || !policies.isArray()) {
            warnings.add("missing policies array");
        } else {
            int n = 0;
            for (JsonNode p : policies) {
                n++;
                out.add(policy(p, "policy " + n, warnings));
            }
        }
        String contact = text(root, "contact-info");
        return ParseOutcome.ok(new TlsReport(org, id, contact, begin, end, out, warnings));
    }

    private static Policy policy(JsonNode p, String where, List<String> warnings) {
        JsonNode pol = p.get("policy");
        if (pol == null || !pol.isObject()) {
            warnings.add(where + ": missing policy object");
            pol = MAPPER.createObjectNode();
        }
        String type = text(pol, "policy-type").toLowerCase(Locale.ROOT);
        if (!List.of("tlsa", "sts", "no-policy-found").contains(type)) {
            warnings.add(where + ": unknown policy-type " + type);
        }
        String domain = text(pol, "policy-domain").toLowerCase(Locale.ROOT);
        if (domain.isEmpty()) {
            warnings.add(where + ": missing policy-domain");
        }
        JsonNode summary = p.get("summary");
        long ok = 0;
        long failed = 0;
        if (summary == null || !summary.isObject()) {
            warnings.add(where + ": missing summary");
        } else {
            ok = count(summary.get("total-successful-session-count"), where + " total-successful-session-count", warnings);
            failed = count(summary.get("total-failure-session-count"), where + " total-failure-session-count", warnings);
        }
        List<FailureDetail> details = new ArrayList<>();
        JsonNode fd = p.get("failure-details");
        if (fd != null && fd.isArray()) {
            for (JsonNode d : fd) {
                details.add(new FailureDetail(text(d, "result-type").toLowerCase(Locale.ROOT), text(d, "sending-mta-ip"),
                        text(d, "receiving-mx-hostname"), text(d, "receiving-mx-helo"), text(d, "receiving-ip"),
                        count(d.get("failed-session-count"), where + " failed-session-count", warnings),
                        text(d, "additional-information"), text(d, "failure-reason-code")));
            }
        }
        return new Policy(type, strings(pol.get("policy-string")), domain, strings(pol.get("mx-host")), ok, failed, details);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else if (!n.isNull()) {
            out.add(n.asText());
        }
        return out;
    }

    private static long count(JsonNode n, String what, List<String> warnings) {
        if (n == null || n.isNull()) {
            warnings.add("missing " + what + "; counted as 0");
            return 0;
        }
        if (n.canConvertToLong() && n.isIntegralNumber()) {
            long v = n.asLong();
            if (v < 0) {
                warnings.add("negative " + what + "; counted as 0");
                return 0;
            }
            return v;
        }
        String t = n.asText().trim();
        if (t.matches("\\d{1,18}")) {
            warnings.add(what + " is a string, not a number");
            return Long.parseLong(t);
        }
        warnings.add("unreadable " + what + ": " + t + "; counted as 0");
        return 0;
    }

    private static long time(JsonNode n, String what, List<String> warnings) {
        if (n == null || n.isNull()) {
            warnings.add("missing " + what);
            return 0;
        }
        if (n.isIntegralNumber()) {
            warnings.add(what + " is Unix seconds, not an RFC 3339 date-time");
            return n.asLong();
        }
        String t = n.asText().trim();
        try {
            return OffsetDateTime.parse(t).toEpochSecond();
        } catch (DateTimeParseException e) {
            // next
        }
        try {
            long v = LocalDateTime.parse(t.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
            warnings.add(what + " has no time zone (read as UTC): " + t);
            return v;
        } catch (DateTimeParseException e) {
            warnings.add("unreadable " + what + ": " + t);
            return 0;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText().strip();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
