package org.mailward.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailward.store.Database;

/**
 * The read side of the report store for the dashboard, its JSON API and the CLI: every figure a page shows comes
 * from one method here, so pages, API and tests read the same numbers. Periods are [since, until) on the report's
 * begin time (Unix seconds), like {@link ReportRepository#summary}.
 *
 * <p>"DMARC pass" is the receiver's own verdict in {@code policy_evaluated}: dkim=pass or spf=pass there means an
 * aligned pass (RFC 7489 Appendix C). PTR names are not stored by ingest, so sources carry none.
 */
public final class DashboardQueries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Database db;

    public DashboardQueries(Database db) {
        this.db = db;
    }

    public record DayPoint(long day, long messages, long dmarcPass) {
    }

    public record DomainOverview(String domain, long reports, long messages, long dmarcPass, double passRate,
                                 String policy, int pct, List<DayPoint> trend) {
        public RolloutAdvisor.Stage stage() {
            return new RolloutAdvisor.Stage(policy, pct);
        }
    }

    public record SourceRow(String ip, long messages, long dmarcPass, long spfAligned, long dkimAligned,
                            long otherDkimPass, long otherSpfPass, List<String> reporters) {
        public long failing() {
            return messages - dmarcPass;
        }

        public RolloutAdvisor.SourceTraffic traffic() {
            return new RolloutAdvisor.SourceTraffic(ip, messages, dmarcPass, spfAligned, dkimAligned, otherDkimPass,
                    otherSpfPass, reporters);
        }
    }

    public record DomainDetail(String domain, long reports, long messages, long dmarcPass, long spfAligned,
                               long dkimAligned, int reportDays, String policy, int pct, List<SourceRow> sources,
                               List<DayPoint> trend) {
    }

    public record TlsFailureRow(String domain, String resultType, String mx, long sessions, long reports) {
    }

    public record TlsDomainTotals(String domain, long reports, long success, long failure) {
    }

    public record RawRow(long id, long receivedAt, String origin, long sizeBytes, String status, String error) {
    }

    public record IngestFailureRow(long id, long rawId, String origin, String part, String reason, long failedAt) {
    }

    /** Every domain with aggregate reports in the period, busiest first. */
    public List<DomainOverview> overview(long since, long until) throws SQLException {
        Map<String, long[]> totals = new TreeMap<>();
        Map<String, Map<Long, long[]>> days = new TreeMap<>();
        try (Connection c = db.connection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT domain, begin_ts / 86400, SUM(message_count),
                      SUM(CASE WHEN spf_eval = 'pass' OR dkim_eval = 'pass' THEN message_count ELSE 0 END)
                    FROM aggregate_row WHERE begin_ts >= ? AND begin_ts < ? GROUP BY domain, begin_ts / 86400""")) {
                ps.setLong(1, since);
                ps.setLong(2, until);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String d = rs.getString(1);
                        long[] t = totals.computeIfAbsent(d, k -> new long[3]);
                        t[0] += rs.getLong(3);
                        t[1] += rs.getLong(4);
                        days.computeIfAbsent(d, k -> new TreeMap<>()).put(rs.getLong(2), new long[] {rs.getLong(3), rs.getLong(4)});
                    }
                }
            }
            // The reports of the period, for the report count and the latest published policy in one pass (one
            // query, not one per domain). Every domain listed has a report in [since, until), so its latest report
            // before until is among them: the same answer as policy(c, domain, until).
            Map<String, Object[]> latest = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT domain, begin_ts, id, p, pct FROM aggregate_report WHERE begin_ts >= ? AND begin_ts < ?")) {
                ps.setLong(1, since);
                ps.setLong(2, until);
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String d = rs.getString(1);
                        totals.computeIfAbsent(d, k -> new long[3])[2]++;
                        long begin = rs.getLong(2);
                        long id = rs.getLong(3);
                        Object[] l = latest.get(d);
                        if (l == null || begin > (long) l[0] || begin == (long) l[0] && id > (long) l[1]) {
                            latest.put(d, new Object[] {begin, id, policy(rs.getString(4), rs.getObject(5) == null ? null : rs.getInt(5))});
                        }
                    }
                }
            }
            List<DomainOverview> out = new ArrayList<>();
            for (var e : totals.entrySet()) {
                long[] t = e.getValue();
                Object[] l = latest.get(e.getKey());
                String[] policy = l != null ? (String[]) l[2] : policy(c, e.getKey(), until);
                List<DayPoint> trend = new ArrayList<>();
                days.getOrDefault(e.getKey(), Map.of()).forEach((day, v) -> trend.add(new DayPoint(day, v[0], v[1])));
                out.add(new DomainOverview(e.getKey(), t[2], t[0], t[1], t[0] == 0 ? 0 : (double) t[1] / t[0],
                        policy[0], Integer.parseInt(policy[1]), trend));
            }
            out.sort((a, b) -> a.messages() != b.messages() ? Long.compare(b.messages(), a.messages()) : a.domain().compareTo(b.domain()));
            return out;
        }
    }

    /** The policy (p, pct) published in the latest report for the domain that began before {@code until}. */
    private static String[] policy(Connection c, String domain, long until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT p, pct FROM aggregate_report WHERE domain = ? AND begin_ts < ? ORDER BY begin_ts DESC, id DESC LIMIT 1")) {
            ps.setString(1, domain);
            ps.setLong(2, until);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return policy(rs.getString(1), rs.getObject(2) == null ? null : rs.getInt(2));
                }
            }
        }
        return new String[] {"none", "100"};
    }

    /** A stored p and pct as {policy, pct}: unknown policies count as none, a missing pct as 100. */
    private static String[] policy(String stored, Integer storedPct) {
        String p = stored == null ? "none" : stored.toLowerCase(Locale.ROOT);
        if (!p.equals("none") && !p.equals("quarantine") && !p.equals("reject")) {
            p = "none";
        }
        int pct = storedPct == null ? 100 : Math.max(0, Math.min(100, storedPct));
        return new String[] {p, Integer.toString(pct)};
    }

    /** A domain's traffic by source IP, with the reporting organisations and non-aligned passes. */
    public Optional<DomainDetail> domain(String domain, long since, long until) throws SQLException {
        String d = domain.toLowerCase(Locale.ROOT);
        Map<String, long[]> perIp = new HashMap<>(); // sources are sorted at the end
        Map<String, Set<String>> reporters = new HashMap<>(); // sorted at the end
        Map<String, boolean[]> parsed = new HashMap<>(); // auth results repeat (one service, one signature)
        Map<Long, long[]> days = new TreeMap<>();
        long reports;
        int reportDays;
        String[] policy;
        try (Connection c = db.connection()) {
            // The period's reports first (a few per reporter and day): organisation by report id, the count and the
            // distinct days. The rows then need no join (thousands of rows, each would look its report up again).
            Map<Long, String> orgs = new HashMap<>();
            Set<Long> reportDaySet = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, org_name, begin_ts FROM aggregate_report WHERE domain = ? AND begin_ts >= ? AND begin_ts < ?")) {
                ps.setString(1, d);
                ps.setLong(2, since);
                ps.setLong(3, until);
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        orgs.put(rs.getLong(1), rs.getString(2));
                        reportDaySet.add(rs.getLong(3) / 86_400); // as SQL's begin_ts / 86400
                    }
                }
            }
            reports = orgs.size();
            reportDays = reportDaySet.size();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT source_ip, message_count, dkim_eval, spf_eval, auth_results, report_id, begin_ts
                    FROM aggregate_row WHERE domain = ? AND begin_ts >= ? AND begin_ts < ?""")) {
                ps.setString(1, d);
                ps.setLong(2, since);
                ps.setLong(3, until);
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String ip = rs.getString(1);
                        long n = rs.getLong(2);
                        boolean dkim = "pass".equals(rs.getString(3));
                        boolean spf = "pass".equals(rs.getString(4));
                        long[] t = perIp.computeIfAbsent(ip, k -> new long[6]);
                        t[0] += n;
                        if (dkim || spf) {
                            t[1] += n;
                        }
                        if (spf) {
                            t[2] += n;
                        }
                        if (dkim) {
                            t[3] += n;
                        }
                        if (!dkim && !spf) {
                            String auth = rs.getString(5);
                            boolean[] other = auth == null ? otherPasses(null, d) : parsed.computeIfAbsent(auth, a -> otherPasses(a, d));
                            if (other[0]) {
                                t[4] += n;
                            }
                            if (other[1]) {
                                t[5] += n;
                            }
                        }
                        String org = orgs.get(rs.getLong(6));
                        if (org != null) { // always: a row's begin_ts and domain are its report's
                            reporters.computeIfAbsent(ip, k -> new HashSet<>()).add(org);
                        }
                        long[] day = days.computeIfAbsent(rs.getLong(7) / 86_400, k -> new long[2]);
                        day[0] += n;
                        if (dkim || spf) {
                            day[1] += n;
                        }
                    }
                }
            }
            policy = policy(c, d, until);
        }
        if (reports == 0) {
            return Optional.empty();
        }
        List<SourceRow> sources = new ArrayList<>();
        long m = 0;
        long p = 0;
        long s = 0;
        long k = 0;
        for (var e : perIp.entrySet()) {
            long[] t = e.getValue();
            sources.add(new SourceRow(e.getKey(), t[0], t[1], t[2], t[3], t[4], t[5],
                    List.copyOf(new TreeSet<>(reporters.getOrDefault(e.getKey(), Set.of())))));
            m += t[0];
            p += t[1];
            s += t[2];
            k += t[3];
        }
        sources.sort((a, b) -> a.messages() != b.messages() ? Long.compare(b.messages(), a.messages()) : a.ip().compareTo(b.ip()));
        List<DayPoint> trend = new ArrayList<>();
        days.forEach((day, v) -> trend.add(new DayPoint(day, v[0], v[1])));
        return Optional.of(new DomainDetail(d, reports, m, p, s, k, reportDays, policy[0], Integer.parseInt(policy[1]),
                sources, trend));
    }

    /**
     * [DKIM pass for a domain other than the policy domain (or its subdomains), SPF pass for such a domain], from
     * the row's raw auth_results JSON ({"dkim":[{domain,result..}],"spf":[{domain,result..}]}).
     */
    static boolean[] otherPasses(String authJson, String policyDomain) {
        boolean[] out = new boolean[2];
        if (authJson == null || authJson.isEmpty() || !mentionsPass(authJson)) {
            return out; // no result is a pass: nothing to parse (most failing rows are forgeries without any pass)
        }
        try {
            JsonNode root = JSON.readTree(authJson);
            out[0] = passForOther(root.path("dkim"), policyDomain);
            out[1] = passForOther(root.path("spf"), policyDomain);
        } catch (Exception e) {
            // stored by our own ingest; an unreadable value just gives no hint
        }
        return out;
    }

    /** Whether "pass" occurs in any case: a cheap test before parsing the JSON. */
    private static boolean mentionsPass(String s) {
        for (int i = s.length() - 4; i >= 0; i--) {
            if (s.regionMatches(true, i, "pass", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    private static boolean passForOther(JsonNode list, String policyDomain) {
        for (JsonNode n : list) {
            String dom = n.path("domain").asText("").toLowerCase(Locale.ROOT);
            if ("pass".equalsIgnoreCase(n.path("result").asText("")) && !dom.isEmpty()
                    && !dom.equals(policyDomain) && !dom.endsWith("." + policyDomain)) {
                return true;
            }
        }
        return false;
    }

    /** Rollout advice for a domain over the {@code days} days before {@code now}, towards {@code target} (or the next stage). */
    public Optional<RolloutAdvisor.Advice> advise(String domain, long now, int days, Optional<RolloutAdvisor.Stage> target)
            throws SQLException {
        long since = now - days * 86_400L;
        Optional<DomainDetail> detail = domain(domain, since, now + 1);
        if (detail.isEmpty()) {
            return Optional.empty();
        }
        DomainDetail dd = detail.get();
        RolloutAdvisor.Stage current = new RolloutAdvisor.Stage(dd.policy(), dd.pct());
        RolloutAdvisor.Stage to = target.orElse(RolloutAdvisor.next(current));
        return Optional.of(new RolloutAdvisor().advise(dd.domain(), current, to, days, dd.reportDays(),
                dd.sources().stream().map(SourceRow::traffic).toList()));
    }

    /** TLS-RPT failures grouped by policy domain, result type and receiving MX. */
    public List<TlsFailureRow> tlsFailures(long since, long until) throws SQLException {
        List<TlsFailureRow> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("""
                SELECT t.domain, f.result_type, COALESCE(f.receiving_mx_hostname, p.mx_host, ''), SUM(f.failed_session_count),
                  COUNT(DISTINCT t.id)
                FROM tlsrpt_failure f JOIN tlsrpt_policy p ON p.id = f.policy_id JOIN tlsrpt_report t ON t.id = p.report_id
                WHERE t.begin_ts >= ? AND t.begin_ts < ?
                GROUP BY t.domain, f.result_type, COALESCE(f.receiving_mx_hostname, p.mx_host, '')
                ORDER BY 4 DESC, 1, 2, 3""")) {
            ps.setLong(1, since);
            ps.setLong(2, until);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TlsFailureRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return out;
    }

    /** TLS-RPT session totals per policy domain. */
    public List<TlsDomainTotals> tlsTotals(long since, long until) throws SQLException {
        List<TlsDomainTotals> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("""
                SELECT domain, COUNT(*), SUM(success_total), SUM(failure_total) FROM tlsrpt_report
                WHERE begin_ts >= ? AND begin_ts < ? GROUP BY domain ORDER BY 4 DESC, 1""")) {
            ps.setLong(1, since);
            ps.setLong(2, until);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TlsDomainTotals(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /** Raw reports, newest first; {@code status} empty for all. */
    public List<RawRow> rawReports(Optional<String> status, int limit, long beforeId) throws SQLException {
        List<RawRow> out = new ArrayList<>();
        String sql = "SELECT id, received_at, origin, size_bytes, status, error FROM raw_report WHERE id < ?"
                + (status.isPresent() ? " AND status = ?" : "") + " ORDER BY id DESC LIMIT ?";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, beforeId);
            if (status.isPresent()) {
                ps.setString(i++, status.get());
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RawRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                            rs.getString(6) == null ? "" : rs.getString(6)));
                }
            }
        }
        return out;
    }

    /** The stored bytes of one raw report. */
    public Optional<byte[]> rawContent(long id) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT content FROM raw_report WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /** Ingest failures, newest first. */
    public List<IngestFailureRow> ingestFailures(int limit) throws SQLException {
        List<IngestFailureRow> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("""
                SELECT f.id, f.raw_id, r.origin, f.part, f.reason, f.failed_at FROM ingest_failure f
                JOIN raw_report r ON r.id = f.raw_id ORDER BY f.id DESC LIMIT ?""")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new IngestFailureRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6)));
                }
            }
        }
        return out;
    }
}
