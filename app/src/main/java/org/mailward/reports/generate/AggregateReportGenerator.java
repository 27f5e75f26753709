package org.mailward.reports.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.mailward.reports.AggregateReport;
import org.mailward.reports.AggregateReport.AggregateRecord;
import org.mailward.reports.AggregateReport.DkimAuth;
import org.mailward.reports.AggregateReport.PolicyOverride;
import org.mailward.reports.AggregateReport.PolicyPublished;
import org.mailward.reports.AggregateReport.Schema;
import org.mailward.reports.AggregateReport.SpfAuth;
import org.mailward.reports.AggregateReportWriter;
import org.mailward.reports.ParseOutcome;
import org.mailward.reports.generate.GatewayEventReader.AuthGroup;

/**
 * Builds our outgoing DMARC aggregate reports (RFC 7489 7.2, Appendix C; RFC 9990) from the gateway's
 * {@code auth_event} rows: one report per policy domain and period, one {@code <record>} per distinct (source IP,
 * disposition, DKIM/SPF alignment, override reasons, header_from, envelope_from, envelope_to, auth_results) with
 * the number of messages as its count. policy_published is the newest record seen that period (a domain that
 * changed its record mid-day is reported under the record in force at the end).
 */
public final class AggregateReportGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DKIM_RESULTS = Set.of("none", "pass", "fail", "policy", "neutral", "temperror", "permerror");
    private static final Set<String> SPF_RESULTS = Set.of("none", "neutral", "pass", "fail", "softfail", "temperror", "permerror");

    private final GatewayEventReader reader;
    private final ReporterIdentity identity;
    private final Schema schema;

    public AggregateReportGenerator(GatewayEventReader reader, ReporterIdentity identity, Schema schema) {
        this.reader = reader;
        this.identity = identity;
        this.schema = schema;
    }

    /** The reports for {@code [begin, end)} (Unix seconds), one per policy domain, ordered by domain. */
    public List<GeneratedAggregate> generate(long begin, long end) throws SQLException {
        Map<String, List<AuthGroup>> byDomain = new LinkedHashMap<>();
        for (AuthGroup g : reader.authGroups(begin, end)) {
            byDomain.computeIfAbsent(g.policyDomain(), d -> new ArrayList<>()).add(g);
        }
        List<GeneratedAggregate> out = new ArrayList<>();
        for (Map.Entry<String, List<AuthGroup>> e : byDomain.entrySet()) {
            out.add(build(e.getKey(), e.getValue(), begin, end));
        }
        return out;
    }

    /** The report id: stable for the same domain and period, so a re-run yields a duplicate, not a second report. */
    public static String reportId(String policyDomain, long begin, long end) {
        return begin + "." + end + "." + policyDomain;
    }

    /** RFC 7489 7.2.1.1: {@code receiver "!" policy-domain "!" begin-timestamp "!" end-timestamp ".xml.gz"}. */
    public static String fileName(String submitter, String policyDomain, long begin, long endInclusive) {
        return submitter + "!" + policyDomain + "!" + begin + "!" + endInclusive + ".xml.gz";
    }

    GeneratedAggregate build(String domain, List<AuthGroup> groups, long begin, long end) {
        AuthGroup newest = groups.get(0);
        for (AuthGroup g : groups) {
            if (g.lastTs() > newest.lastTs()) {
                newest = g;
            }
        }
        PolicyPublished policy = new PolicyPublished(domain, newest.adkim(), newest.aspf(), newest.p(), newest.sp(),
                newest.np(), newest.pct().map(OptionalInt::of).orElse(OptionalInt.empty()), newest.fo(),
                schema == Schema.DMARC_2_0 ? newest.testing() : "", "");
        // the same row under two policy versions is one record: merge by everything but the policy columns
        Map<List<String>, long[]> counts = new LinkedHashMap<>();
        Map<List<String>, AuthGroup> first = new LinkedHashMap<>();
        for (AuthGroup g : groups) {
            List<String> key = List.of(g.sourceIp(), g.disposition(), g.dkimAligned(), g.spfAligned(), g.overrideReasons(),
                    g.headerFrom(), g.envelopeFrom(), g.envelopeTo(), g.dkimResults(), g.spfDomain(), g.spfScope(), g.spfResult());
            counts.computeIfAbsent(key, k -> new long[1])[0] += g.count();
            first.putIfAbsent(key, g);
        }
        List<AggregateRecord> records = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        long rows = 0;
        for (Map.Entry<List<String>, AuthGroup> e : first.entrySet()) {
            AuthGroup g = e.getValue();
            long n = counts.get(e.getKey())[0];
            rows += n;
            List<DkimAuth> dkim = switch (parseDkimResults(g.dkimResults())) {
                case ParseOutcome.Ok<List<DkimAuth>> ok -> ok.value();
                case ParseOutcome.Rejected<List<DkimAuth>> r -> {
                    String msg = "DKIM results of " + n + " message(s) from " + g.sourceIp() + " unreadable: " + r.reason();
                    if (errors.size() < 10) {
                        errors.add(msg);
                    }
                    yield List.of();
                }
            };
            List<SpfAuth> spf = g.spfDomain().isEmpty() ? List.of()
                    : List.of(new SpfAuth(g.spfDomain(), g.spfScope(), SPF_RESULTS.contains(g.spfResult()) ? g.spfResult() : "none", ""));
            records.add(new AggregateRecord(g.sourceIp(), n, g.disposition(), passFail(g.dkimAligned()), passFail(g.spfAligned()),
                    parseReasons(g.overrideReasons()), g.headerFrom(), g.envelopeFrom(), g.envelopeTo(), dkim, spf));
        }
        long endInclusive = end - 1;
        AggregateReport report = new AggregateReport(schema, identity.orgName(), identity.email(), "",
                reportId(domain, begin, end), schema == Schema.DMARC_2_0 ? "Mailward" : "", begin, endInclusive, errors,
                policy, records, List.of());
        byte[] xml = AggregateReportWriter.write(report, schema);
        return new GeneratedAggregate(domain, report, xml, gzip(xml), fileName(identity.submitter(), domain, begin, endInclusive), rows);
    }

    private static String passFail(String s) {
        return "pass".equals(s) ? "pass" : "fail";
    }

    /**
     * The {@code override_reasons} column: {@code "type: comment"} entries separated by {@code "; "} (as the gateway
     * writes them). Total: any text yields reasons; an entry without a type known to the schema becomes "other"
     * when written.
     */
    static List<PolicyOverride> parseReasons(String column) {
        List<PolicyOverride> out = new ArrayList<>();
        if (column.isBlank()) {
            return out;
        }
        for (String entry : column.split("; ")) {
            String t = entry.strip();
            if (t.isEmpty()) {
                continue;
            }
            int colon = t.indexOf(": ");
            String type = colon < 0 ? t : t.substring(0, colon).strip();
            String comment = colon < 0 ? "" : t.substring(colon + 2).strip();
            out.add(new PolicyOverride(type, comment));
        }
        return out;
    }

    /**
     * The {@code dkim_results} column: a JSON array of objects with {@code domain}, {@code selector}, {@code result},
     * {@code human_result}. Rejects anything else with the reason; an entry without a domain is rejected too (the
     * schema requires one), and so is a result outside the schema's DKIMResultType (RFC 7489 Appendix C).
     */
    public static ParseOutcome<List<DkimAuth>> parseDkimResults(String column) {
        if (column == null || column.isBlank()) {
            return ParseOutcome.ok(List.of());
        }
        JsonNode root;
        try {
            root = JSON.readTree(column);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return ParseOutcome.rejected("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            return ParseOutcome.rejected("not a JSON array");
        }
        List<DkimAuth> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root) {
            if (!n.isObject()) {
                return ParseOutcome.rejected("entry " + i + " is not an object");
            }
            String domain = text(n, "domain");
            String result = text(n, "result").toLowerCase(java.util.Locale.ROOT);
            if (domain.isEmpty()) {
                return ParseOutcome.rejected("entry " + i + " has no domain");
            }
            if (!DKIM_RESULTS.contains(result)) {
                return ParseOutcome.rejected("entry " + i + " has result '" + clip(result) + "', not a DKIM result");
            }
            out.add(new DkimAuth(domain, text(n, "selector"), result, text(n, "human_result")));
            i++;
        }
        return ParseOutcome.ok(out);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? "" : v.asText();
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException("cannot gzip in memory", e);
        }
        return b.toByteArray();
    }
}
