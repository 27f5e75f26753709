package org.mailward.reports.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mailward.reports.generate.GatewayEventReader.TlsGroup;

/**
 * Builds SMTP TLS reports (RFC 8460 4.4) from the gateway's {@code delivery_tls_event} rows: one report per
 * recipient (policy) domain and period; one {@code policies[]} entry per applied policy (type and text) with its
 * session counts (4.4 summary) and failure details grouped by result type, receiving MX host and receiving IP
 * (4.3). Every row is one session: {@code success} counts as successful, any other result as a failure.
 */
public final class TlsReportGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final GatewayEventReader reader;
    private final ReporterIdentity identity;

    public TlsReportGenerator(GatewayEventReader reader, ReporterIdentity identity) {
        this.reader = reader;
        this.identity = identity;
    }

    /** The reports for {@code [begin, end)} (Unix seconds), one per recipient domain, ordered by domain. */
    public List<GeneratedTlsReport> generate(long begin, long end) throws SQLException {
        Map<String, List<TlsGroup>> byDomain = new LinkedHashMap<>();
        for (TlsGroup g : reader.tlsGroups(begin, end)) {
            byDomain.computeIfAbsent(g.recipientDomain().toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(g);
        }
        List<GeneratedTlsReport> out = new ArrayList<>();
        for (Map.Entry<String, List<TlsGroup>> e : byDomain.entrySet()) {
            out.add(build(e.getKey(), e.getValue(), begin, end));
        }
        return out;
    }

    public static String reportId(String domain, long begin, long end) {
        return begin + "." + end + "." + domain;
    }

    /** RFC 8460 5.1: {@code sender "!" policy-domain "!" begin-timestamp "!" end-timestamp ".json.gz"}. */
    public static String fileName(String submitter, String domain, long begin, long endInclusive) {
        return submitter + "!" + domain + "!" + begin + "!" + endInclusive + ".json.gz";
    }

    GeneratedTlsReport build(String domain, List<TlsGroup> groups, long begin, long end) {
        Map<List<String>, List<TlsGroup>> byPolicy = new LinkedHashMap<>();
        for (TlsGroup g : groups) {
            byPolicy.computeIfAbsent(List.of(g.policyType(), g.policyString()), k -> new ArrayList<>()).add(g);
        }
        List<Map<String, Object>> policies = new ArrayList<>();
        long successful = 0;
        long failed = 0;
        for (Map.Entry<List<String>, List<TlsGroup>> e : byPolicy.entrySet()) {
            String type = e.getKey().get(0);
            List<String> lines = policyLines(e.getKey().get(1));
            long ok = 0;
            long bad = 0;
            Set<String> mxSeen = new LinkedHashSet<>();
            Map<List<String>, Long> failures = new LinkedHashMap<>();
            for (TlsGroup g : e.getValue()) {
                if (!g.mxHost().isEmpty()) {
                    mxSeen.add(g.mxHost());
                }
                if (g.result().equals("success")) {
                    ok += g.count();
                } else {
                    bad += g.count();
                    failures.merge(List.of(g.result(), g.mxHost(), g.receivingIp()), g.count(), Long::sum);
                }
            }
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("policy-type", type);
            if (!type.equals("no-policy-found") || !lines.isEmpty()) {
                policy.put("policy-string", lines);
            }
            policy.put("policy-domain", domain);
            // RFC 8460 4.4 mx-host: for sts the MX patterns of the policy, otherwise the MX hosts the policy covered
            List<String> mx = type.equals("sts") ? stsMxPatterns(lines) : List.copyOf(mxSeen);
            if (!mx.isEmpty()) {
                policy.put("mx-host", mx);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("total-successful-session-count", ok);
            summary.put("total-failure-session-count", bad);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("policy", policy);
            entry.put("summary", summary);
            if (!failures.isEmpty()) {
                List<Map<String, Object>> details = new ArrayList<>();
                for (Map.Entry<List<String>, Long> f : failures.entrySet()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("result-type", f.getKey().get(0));
                    if (!f.getKey().get(1).isEmpty()) {
                        d.put("receiving-mx-hostname", f.getKey().get(1));
                    }
                    if (!f.getKey().get(2).isEmpty()) {
                        d.put("receiving-ip", f.getKey().get(2));
                    }
                    d.put("failed-session-count", f.getValue());
                    details.add(d);
                }
                entry.put("failure-details", details);
            }
            policies.add(entry);
            successful += ok;
            failed += bad;
        }
        long endInclusive = end - 1;
        String id = reportId(domain, begin, end);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("organization-name", identity.orgName());
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("start-datetime", RFC3339.format(Instant.ofEpochSecond(begin)));
        range.put("end-datetime", RFC3339.format(Instant.ofEpochSecond(endInclusive)));
        report.put("date-range", range);
        report.put("contact-info", identity.email());
        report.put("report-id", id);
        report.put("policies", policies);
        byte[] json;
        try {
            json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return new GeneratedTlsReport(domain, id, json, AggregateReportGenerator.gzip(json),
                fileName(identity.submitter(), domain, begin, endInclusive), successful, failed, policies.size());
    }

    /** RFC 8460 4.4 policy-string: the policy's lines (the MTA-STS policy text, the TLSA records). */
    static List<String> policyLines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\r?\n")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    private static List<String> stsMxPatterns(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).strip().equalsIgnoreCase("mx")) {
                out.add(l.substring(colon + 1).strip());
            }
        }
        return out;
    }
}
