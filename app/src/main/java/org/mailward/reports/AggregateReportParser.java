package org.mailward.reports;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.mailward.reports.AggregateReport.AggregateRecord;
import org.mailward.reports.AggregateReport.DkimAuth;
import org.mailward.reports.AggregateReport.PolicyOverride;
import org.mailward.reports.AggregateReport.PolicyPublished;
import org.mailward.reports.AggregateReport.Schema;
import org.mailward.reports.AggregateReport.SpfAuth;
import org.mailward.reports.XmlTree.Element;

/**
 * Parses DMARC aggregate reports in either format (RFC 7489 Appendix C; RFC 9990 / DMARCbis), detected per report
 * from the namespace and, failing that, from elements only one format has.
 *
 * <p>Lenient by design (real reports break the schema all the time): namespaces are ignored for element matching,
 * elements of an {@code xs:all} may come in any order, text is trimmed, values are compared case-insensitively,
 * dates in milliseconds or as timestamps are converted, missing optional and even some required elements are
 * tolerated. Each such deviation is a warning on the report. Only what cannot be understood is rejected: malformed
 * XML, a DTD, a root that is not {@code feedback}, a report without metadata or without a policy domain.
 */
public final class AggregateReportParser {

    public static final String NS_7489 = "http://dmarc.org/dmarc-xml/0.1";
    public static final String NS_2_0 = "urn:ietf:params:xml:ns:dmarc-2.0";

    private static final Set<String> DISPOSITIONS = Set.of("none", "quarantine", "reject", "pass");
    private static final Set<String> DMARC_RESULTS = Set.of("pass", "fail");
    private static final Set<String> DKIM_RESULTS = Set.of("none", "pass", "fail", "policy", "neutral", "temperror", "permerror");
    private static final Set<String> SPF_RESULTS = Set.of("none", "neutral", "pass", "fail", "softfail", "policy", "temperror", "permerror");
    private static final Set<String> FEEDBACK_CHILDREN = Set.of("version", "report_metadata", "policy_published", "record", "extension");
    private static final Set<String> BIS_ONLY = Set.of("np", "testing", "discovery_method", "generator", "extension");

    private final int maxElements;

    public AggregateReportParser() {
        this(5_000_000);
    }

    /** @param maxElements refuse documents with more elements than this */
    public AggregateReportParser(int maxElements) {
        this.maxElements = maxElements;
    }

    public ParseOutcome<AggregateReport> parse(byte[] xml) {
        try {
            return doParse(xml);
        } catch (RuntimeException e) {
            // A bug, not bad input; still never thrown to the caller of a parser of untrusted bytes.
            return ParseOutcome.rejected("internal parser error: " + e);
        }
    }

    private ParseOutcome<AggregateReport> doParse(byte[] xml) {
        List<String> warnings = new ArrayList<>();
        ParseOutcome<Element> tree = XmlTree.parse(stripBom(xml), maxElements, warnings);
        if (tree instanceof ParseOutcome.Rejected<Element> r) {
            return ParseOutcome.rejected(r.reason());
        }
        Element root = ((ParseOutcome.Ok<Element>) tree).value();
        if (!root.name().equals("feedback")) {
            return ParseOutcome.rejected("not a DMARC aggregate report: root element is <" + root.name() + ">, not <feedback>");
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (Element c : root.children()) {
            if (!FEEDBACK_CHILDREN.contains(c.name())) {
                unknown.add(c.name());
            }
        }
        Schema schema = detectSchema(root, warnings);
        Element meta = root.child("report_metadata").orElse(null);
        if (meta == null) {
            return ParseOutcome.rejected("no <report_metadata>: cannot identify the report");
        }
        if (root.all("report_metadata").size() > 1) {
            warnings.add("more than one <report_metadata>; the first is used");
        }
        String orgName = meta.text("org_name");
        String email = meta.text("email");
        if (orgName.isEmpty()) {
            orgName = email.contains("@") ? email.substring(email.indexOf('@') + 1) : "";
            warnings.add(orgName.isEmpty() ? "missing <org_name>" : "missing <org_name>; using the e-mail domain " + orgName);
        }
        if (email.isEmpty()) {
            warnings.add("missing <email>");
        }
        String reportId = meta.text("report_id");
        if (reportId.isEmpty()) {
            reportId = "sha256:" + sha256(xml);
            warnings.add("missing <report_id>; using a digest of the report");
        }
        long[] range = dateRange(meta, warnings);
        List<String> errors = meta.all("error").stream().map(Element::text).filter(s -> !s.isEmpty()).toList();

        Element pp = root.child("policy_published").orElse(null);
        if (pp == null) {
            warnings.add("missing <policy_published>");
        }
        String domain = pp == null ? "" : lower(pp.text("domain"));
        List<Element> recordElements = root.all("record");
        if (domain.isEmpty()) {
            String fromRecord = recordElements.isEmpty() ? ""
                    : recordElements.get(0).child("identifiers").map(i -> lower(i.text("header_from"))).orElse("");
            if (fromRecord.isEmpty()) {
                return ParseOutcome.rejected("no policy domain: <policy_published><domain> is missing and no record names a header_from");
            }
            domain = fromRecord;
            warnings.add("missing <policy_published><domain>; using the first record's header_from " + domain);
        }
        PolicyPublished policy = pp == null
                ? new PolicyPublished(domain, "", "", "", "", "", OptionalInt.empty(), "", "", "")
                : policy(pp, domain, schema, warnings);

        if (recordElements.isEmpty()) {
            warnings.add("no <record> elements (the schema requires at least one)");
        }
        List<AggregateRecord> records = new ArrayList<>(recordElements.size());
        Map<AggregateRecord, Integer> seen = new HashMap<>();
        for (int i = 0; i < recordElements.size(); i++) {
            AggregateRecord rec = record(recordElements.get(i), i + 1, warnings);
            Integer first = seen.putIfAbsent(rec, i + 1);
            if (first != null) {
                warnings.add("record " + (i + 1) + " duplicates record " + first + " (both counted, as reported)");
            }
            records.add(rec);
        }
        if (!unknown.isEmpty()) {
            warnings.add("unknown elements under <feedback>: " + String.join(", ", unknown));
        }
        return ParseOutcome.ok(new AggregateReport(schema, orgName, email, meta.text("extra_contact_info"), reportId,
                meta.text("generator"), range[0], range[1], errors, policy, records, capped(warnings)));
    }

    private static List<String> capped(List<String> warnings) {
        if (warnings.size() <= 100) {
            return warnings;
        }
        List<String> out = new ArrayList<>(warnings.subList(0, 100));
        out.add("... and " + (warnings.size() - 100) + " more warnings");
        return out;
    }

    private static Schema detectSchema(Element root, List<String> warnings) {
        String ns = root.namespace();
        if (ns.equals(NS_2_0)) {
            return Schema.DMARC_2_0;
        }
        if (ns.equals(NS_7489)) {
            return Schema.RFC7489;
        }
        boolean bis = root.children().stream().anyMatch(c -> BIS_ONLY.contains(c.name()))
                || root.child("policy_published").map(p -> p.children().stream().anyMatch(c -> BIS_ONLY.contains(c.name()))).orElse(false)
                || root.child("report_metadata").map(p -> p.child("generator").isPresent()).orElse(false);
        if (!ns.isEmpty()) {
            warnings.add("unexpected namespace " + ns + "; treated as " + (bis ? "dmarc-2.0" : "rfc7489"));
        }
        return bis ? Schema.DMARC_2_0 : Schema.RFC7489;
    }

    private static long[] dateRange(Element meta, List<String> warnings) {
        Element dr = meta.child("date_range").orElse(null);
        if (dr == null) {
            warnings.add("missing <date_range>; begin and end set to 0");
            return new long[] {0, 0};
        }
        long begin = timestamp(dr.text("begin"), "begin", warnings);
        long end = timestamp(dr.text("end"), "end", warnings);
        if (begin > end && end > 0) {
            warnings.add("date range begins after it ends (" + begin + " > " + end + "); swapped");
            long t = begin;
            begin = end;
            end = t;
        }
        return new long[] {begin, end};
    }

    /** Unix seconds; tolerates milliseconds, decimals and RFC 3339 / ISO timestamps (each with a warning). */
    static long timestamp(String text, String what, List<String> warnings) {
        if (text.isEmpty()) {
            warnings.add("missing date_range <" + what + ">; set to 0");
            return 0;
        }
        try {
            long v = new BigDecimal(text).longValue();
            if (!allDigits(text)) {
                warnings.add("date_range <" + what + "> is not an integer: " + text);
            }
            if (v > 100_000_000_000L) {
                warnings.add("date_range <" + what + "> looks like milliseconds: " + text);
                v = v / 1000;
            }
            if (v < 0) {
                warnings.add("negative date_range <" + what + ">: " + text + "; set to 0");
                v = 0;
            }
            return v;
        } catch (NumberFormatException e) {
            // not a number: try timestamps
        }
        try {
            long v = OffsetDateTime.parse(text).toEpochSecond();
            warnings.add("date_range <" + what + "> is a timestamp, not Unix seconds: " + text);
            return v;
        } catch (DateTimeParseException e) {
            // next
        }
        try {
            long v = LocalDateTime.parse(text.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
            warnings.add("date_range <" + what + "> is a local timestamp (read as UTC): " + text);
            return v;
        } catch (DateTimeParseException e) {
            // next
        }
        try {
            long v = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            warnings.add("date_range <" + what + "> is a date (read as UTC midnight): " + text);
            return v;
        } catch (DateTimeParseException e) {
            warnings.add("unreadable date_range <" + what + ">: " + text + "; set to 0");
            return 0;
        }
    }

    private static PolicyPublished policy(Element pp, String domain, Schema schema, List<String> warnings) {
        String p = enumValue(pp.text("p"), Set.of("none", "quarantine", "reject"), "policy_published <p>", warnings);
        if (p.isEmpty()) {
            warnings.add("missing policy_published <p>");
        }
        OptionalInt pct = OptionalInt.empty();
        String pctText = pp.text("pct");
        if (!pctText.isEmpty()) {
            try {
                pct = OptionalInt.of(Integer.parseInt(pctText));
            } catch (NumberFormatException e) {
                warnings.add("policy_published <pct> is not an integer: " + pctText);
            }
        }
        if (schema == Schema.RFC7489) {
            for (String required : List.of("sp", "pct", "fo")) {
                if (pp.child(required).isEmpty()) {
                    warnings.add("missing policy_published <" + required + "> (required by RFC 7489 Appendix C)");
                }
            }
        }
        return new PolicyPublished(domain,
                enumValue(pp.text("adkim"), Set.of("r", "s"), "policy_published <adkim>", warnings),
                enumValue(pp.text("aspf"), Set.of("r", "s"), "policy_published <aspf>", warnings),
                p,
                enumValue(pp.text("sp"), Set.of("none", "quarantine", "reject"), "policy_published <sp>", warnings),
                enumValue(pp.text("np"), Set.of("none", "quarantine", "reject"), "policy_published <np>", warnings),
                pct, pp.text("fo"),
                enumValue(pp.text("testing"), Set.of("n", "y"), "policy_published <testing>", warnings),
                enumValue(pp.text("discovery_method"), Set.of("psl", "treewalk"), "policy_published <discovery_method>", warnings));
    }

    private static String enumValue(String raw, Set<String> allowed, String what, List<String> warnings) {
        String v = raw.strip().toLowerCase(Locale.ROOT);
        if (!v.isEmpty() && !allowed.contains(v)) {
            warnings.add(what + " has an unknown value: " + raw);
        } else if (!v.equals(raw)) {
            warnings.add(what + " is not in lower case: " + raw);
        }
        return v;
    }

    private static AggregateRecord record(Element rec, int n, List<String> warnings) {
        String where = "record " + n;
        Element row = rec.child("row").orElse(null);
        if (row == null) {
            warnings.add(where + ": missing <row>");
        }
        String ip = row == null ? "" : row.text("source_ip");
        if (ip.isEmpty()) {
            warnings.add(where + ": missing <source_ip>");
        } else if (!looksLikeIp(ip)) {
            warnings.add(where + ": <source_ip> is not an IP address: " + ip);
        }
        long count = 0;
        String countText = row == null ? "" : row.text("count");
        if (countText.isEmpty()) {
            warnings.add(where + ": missing <count>; counted as 0");
        } else {
            try {
                BigDecimal c = new BigDecimal(countText);
                count = c.longValue();
                if (c.signum() < 0) {
                    warnings.add(where + ": negative <count> " + countText + "; counted as 0");
                    count = 0;
                } else if (!allDigits(countText)) {
                    warnings.add(where + ": <count> is not an integer: " + countText);
                }
            } catch (NumberFormatException e) {
                warnings.add(where + ": unreadable <count> " + countText + "; counted as 0");
            }
        }
        Element pe = row == null ? null : row.child("policy_evaluated").orElse(null);
        if (pe == null) {
            warnings.add(where + ": missing <policy_evaluated>");
        }
        String disposition = pe == null ? "" : enumValue(pe.text("disposition"), DISPOSITIONS, where + " <disposition>", warnings);
        String dkim = pe == null ? "" : enumValue(pe.text("dkim"), DMARC_RESULTS, where + " policy_evaluated <dkim>", warnings);
        String spf = pe == null ? "" : enumValue(pe.text("spf"), DMARC_RESULTS, where + " policy_evaluated <spf>", warnings);
        List<PolicyOverride> reasons = new ArrayList<>();
        if (pe != null) {
            for (Element r : pe.all("reason")) {
                reasons.add(new PolicyOverride(r.text("type").toLowerCase(Locale.ROOT), r.text("comment")));
            }
        }
        Element ids = rec.child("identifiers").orElse(null);
        String headerFrom = ids == null ? "" : lower(ids.text("header_from"));
        if (headerFrom.isEmpty()) {
            warnings.add(where + ": missing <header_from>");
        }
        List<DkimAuth> dkims = new ArrayList<>();
        List<SpfAuth> spfs = new ArrayList<>();
        Element ar = rec.child("auth_results").orElse(null);
        if (ar == null) {
            warnings.add(where + ": missing <auth_results>");
        } else {
            for (Element d : ar.all("dkim")) {
                dkims.add(new DkimAuth(lower(d.text("domain")), d.text("selector"),
                        enumValue(d.text("result"), DKIM_RESULTS, where + " auth_results dkim <result>", warnings),
                        d.text("human_result")));
            }
            for (Element s : ar.all("spf")) {
                spfs.add(new SpfAuth(lower(s.text("domain")), s.text("scope").toLowerCase(Locale.ROOT),
                        enumValue(s.text("result"), SPF_RESULTS, where + " auth_results spf <result>", warnings),
                        s.text("human_result")));
            }
        }
        return new AggregateRecord(ip, count, disposition, dkim, spf, reasons, headerFrom,
                ids == null ? "" : lower(ids.text("envelope_from")), ids == null ? "" : lower(ids.text("envelope_to")),
                dkims, spfs);
    }

    /** An IPv4 dotted quad or something made of IPv6 characters (a hot path: no regular expressions). */
    static boolean looksLikeIp(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                    return false;
                }
            }
            return true;
        }
        int parts = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i == s.length() ? '.' : s.charAt(i);
            if (c == '.') {
                if (value < 0 || value > 255) {
                    return false;
                }
                parts++;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 999) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return parts == 4;
    }

    static boolean allDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static byte[] stripBom(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            return java.util.Arrays.copyOfRange(b, 3, b.length);
        }
        int i = 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i == 0 ? b : java.util.Arrays.copyOfRange(b, i, b.length);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
