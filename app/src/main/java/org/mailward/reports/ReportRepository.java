package org.mailward.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailward.reports.AggregateReport.AggregateRecord;
import org.mailward.reports.TlsReport.FailureDetail;
import org.mailward.reports.TlsReport.Policy;
import org.mailward.store.Database;

/** The SQL of report ingest and the summary queries, on the schema of {@code db/migration} (H2 and PostgreSQL). */
public final class ReportRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;

    public ReportRepository(Database db) {
        this.db = db;
    }

    /** A stored raw input. */
    public record RawReport(long id, String origin, String status, byte[] content, boolean existed) {
    }

    /**
     * Stores the raw bytes (or finds the identical bytes already stored, by SHA-256) with status pending when new.
     */
    public RawReport storeRaw(String origin, byte[] content, long now) throws SQLException {
        String sha = AggregateReportParser.sha256(content);
        try (Connection c = db.connection()) {
            Optional<RawReport> existing = findRawBySha(c, sha);
            if (existing.isPresent()) {
                return existing.get();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO raw_report (received_at, origin, sha256, size_bytes, content, status) VALUES (?, ?, ?, ?, ?, 'pending')",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, now);
                ps.setString(2, truncate(origin, 2000));
                ps.setString(3, sha);
                ps.setLong(4, content.length);
                ps.setBytes(5, content);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return new RawReport(rs.getLong(1), origin, "pending", content, false);
                }
            } catch (SQLException e) {
                // a concurrent ingest of the same bytes won the race
                Optional<RawReport> again = findRawBySha(c, sha);
                if (again.isPresent()) {
                    return again.get();
                }
                throw e;
            }
        }
    }

    private static Optional<RawReport> findRawBySha(Connection c, String sha) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, origin, status, content FROM raw_report WHERE sha256 = ?")) {
            ps.setString(1, sha);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.of(new RawReport(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), true));
                }
            }
        }
        return Optional.empty();
    }

    /** Raw reports in the failed (or never finished: pending) state, oldest first. */
    public List<RawReport> unparsed() throws SQLException {
        List<RawReport> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, origin, status, content FROM raw_report WHERE status <> 'parsed' ORDER BY id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RawReport(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), true));
                }
            }
        }
        return out;
    }

    /** Marks a raw report parsed, or failed with its reasons (replacing earlier reasons). */
    public void finish(long rawId, List<String[]> failures, long now) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM ingest_failure WHERE raw_id = ?");
                 PreparedStatement ins = c.prepareStatement(
                         "INSERT INTO ingest_failure (raw_id, part, reason, failed_at) VALUES (?, ?, ?, ?)");
                 PreparedStatement upd = c.prepareStatement(
                         "UPDATE raw_report SET status = ?, error = ?, parsed_at = ? WHERE id = ?")) {
                del.setLong(1, rawId);
                del.executeUpdate();
                for (String[] f : failures) {
                    ins.setLong(1, rawId);
                    ins.setString(2, truncate(f[0], 2000));
                    ins.setString(3, f[1]);
                    ins.setLong(4, now);
                    ins.addBatch();
                }
                if (!failures.isEmpty()) {
                    ins.executeBatch();
                }
                upd.setString(1, failures.isEmpty() ? "parsed" : "failed");
                if (failures.isEmpty()) {
                    upd.setNull(2, Types.VARCHAR);
                } else {
                    upd.setString(2, failures.get(0)[1] + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : ""));
                }
                upd.setLong(3, now);
                upd.setLong(4, rawId);
                upd.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Stores an aggregate report and its rows in one transaction; false when the report key is already stored. */
    public boolean insertAggregate(long rawId, AggregateReport r, long now) throws SQLException {
        try (Connection c = db.connection()) {
            if (exists(c, "aggregate_report", r.key())) {
                return false;
            }
            c.setAutoCommit(false);
            try {
                long id;
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO aggregate_report (raw_id, report_key, schema_name, org_name, email, extra_contact, report_id,
                          generator, begin_ts, end_ts, domain, adkim, aspf, p, sp, np, pct, fo, testing, discovery_method,
                          report_errors, warnings, record_count, message_count, stored_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        Statement.RETURN_GENERATED_KEYS)) {
                    var pp = r.policy();
                    int i = 1;
                    ps.setLong(i++, rawId);
                    ps.setString(i++, truncate(r.key(), 1200));
                    ps.setString(i++, r.schema().label());
                    ps.setString(i++, truncate(r.orgName(), 500));
                    ps.setString(i++, nullIfEmpty(truncate(r.email(), 500)));
                    ps.setString(i++, nullIfEmpty(r.extraContact()));
                    ps.setString(i++, truncate(r.reportId(), 500));
                    ps.setString(i++, nullIfEmpty(truncate(r.generator(), 500)));
                    ps.setLong(i++, r.begin());
                    ps.setLong(i++, r.end());
                    ps.setString(i++, truncate(pp.domain(), 255));
                    ps.setString(i++, nullIfEmpty(truncate(pp.adkim(), 8)));
                    ps.setString(i++, nullIfEmpty(truncate(pp.aspf(), 8)));
                    ps.setString(i++, nullIfEmpty(truncate(pp.p(), 16)));
                    ps.setString(i++, nullIfEmpty(truncate(pp.sp(), 16)));
                    ps.setString(i++, nullIfEmpty(truncate(pp.np(), 16)));
                    if (pp.pct().isPresent()) {
                        ps.setInt(i++, pp.pct().getAsInt());
                    } else {
                        ps.setNull(i++, Types.INTEGER);
                    }
                    ps.setString(i++, nullIfEmpty(truncate(pp.fo(), 64)));
                    ps.setString(i++, nullIfEmpty(truncate(pp.testing(), 8)));
                    ps.setString(i++, nullIfEmpty(truncate(pp.discoveryMethod(), 16)));
                    ps.setString(i++, r.errors().isEmpty() ? null : String.join("\n", r.errors()));
                    ps.setString(i++, r.warnings().isEmpty() ? null : String.join("\n", r.warnings()));
                    ps.setInt(i++, r.records().size());
                    ps.setLong(i++, r.messages());
                    ps.setLong(i, now);
                    ps.executeUpdate();
                    try (ResultSet rs = ps.getGeneratedKeys()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO aggregate_row (report_id, domain, begin_ts, source_ip, message_count, disposition, dkim_eval,
                          spf_eval, reasons, header_from, envelope_from, envelope_to, auth_results)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                    int batch = 0;
                    for (AggregateRecord rec : r.records()) {
                        int i = 1;
                        ps.setLong(i++, id);
                        ps.setString(i++, truncate(r.policy().domain(), 255));
                        ps.setLong(i++, r.begin());
                        ps.setString(i++, truncate(rec.sourceIp(), 64));
                        ps.setLong(i++, rec.count());
                        ps.setString(i++, truncate(rec.disposition(), 16));
                        ps.setString(i++, truncate(rec.dkim(), 16));
                        ps.setString(i++, truncate(rec.spf(), 16));
                        ps.setString(i++, rec.reasons().isEmpty() ? null : json(rec.reasons()));
                        ps.setString(i++, nullIfEmpty(truncate(rec.headerFrom(), 255)));
                        ps.setString(i++, nullIfEmpty(truncate(rec.envelopeFrom(), 255)));
                        ps.setString(i++, nullIfEmpty(truncate(rec.envelopeTo(), 255)));
                        Map<String, Object> auth = new LinkedHashMap<>();
                        auth.put("dkim", rec.dkimResults());
                        auth.put("spf", rec.spfResults());
                        ps.setString(i, json(auth));
                        ps.addBatch();
                        if (++batch % 1000 == 0) {
                            ps.executeBatch();
                        }
                    }
                    if (batch % 1000 != 0) {
                        ps.executeBatch();
                    }
                }
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                if (isUniqueViolation(e) && exists(c, "aggregate_report", r.key())) {
                    return false;
                }
                throw e;
            }
        }
    }

    public boolean insertTls(long rawId, TlsReport r, long now) throws SQLException {
        try (Connection c = db.connection()) {
            if (exists(c, "tlsrpt_report", r.key())) {
                return false;
            }
            c.setAutoCommit(false);
            try {
                long id;
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO tlsrpt_report (raw_id, report_key, org_name, report_id, contact_info, begin_ts, end_ts, domain,
                          success_total, failure_total, warnings, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setLong(1, rawId);
                    ps.setString(2, truncate(r.key(), 1200));
                    ps.setString(3, truncate(r.orgName(), 500));
                    ps.setString(4, truncate(r.reportId(), 500));
                    ps.setString(5, nullIfEmpty(truncate(r.contactInfo(), 500)));
                    ps.setLong(6, r.begin());
                    ps.setLong(7, r.end());
                    ps.setString(8, truncate(r.domain(), 255));
                    ps.setLong(9, r.successTotal());
                    ps.setLong(10, r.failureTotal());
                    ps.setString(11, r.warnings().isEmpty() ? null : String.join("\n", r.warnings()));
                    ps.setLong(12, now);
                    ps.executeUpdate();
                    try (ResultSet rs = ps.getGeneratedKeys()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                }
                for (Policy p : r.policies()) {
                    long pid;
                    try (PreparedStatement ps = c.prepareStatement("""
                            INSERT INTO tlsrpt_policy (report_id, policy_type, policy_string, policy_domain, mx_host, success_count,
                              failure_count) VALUES (?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                        ps.setLong(1, id);
                        ps.setString(2, truncate(p.policyType(), 32));
                        ps.setString(3, p.policyString().isEmpty() ? null : String.join("\n", p.policyString()));
                        ps.setString(4, truncate(p.policyDomain(), 255));
                        ps.setString(5, p.mxHosts().isEmpty() ? null : String.join("\n", p.mxHosts()));
                        ps.setLong(6, p.successCount());
                        ps.setLong(7, p.failureCount());
                        ps.executeUpdate();
                        try (ResultSet rs = ps.getGeneratedKeys()) {
                            rs.next();
                            pid = rs.getLong(1);
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("""
                            INSERT INTO tlsrpt_failure (policy_id, result_type, sending_mta_ip, receiving_mx_hostname, receiving_mx_helo,
                              receiving_ip, failed_session_count, additional_information, failure_reason_code)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                        for (FailureDetail f : p.failures()) {
                            ps.setLong(1, pid);
                            ps.setString(2, truncate(f.resultType(), 64));
                            ps.setString(3, nullIfEmpty(truncate(f.sendingMtaIp(), 64)));
                            ps.setString(4, nullIfEmpty(truncate(f.receivingMxHostname(), 255)));
                            ps.setString(5, nullIfEmpty(truncate(f.receivingMxHelo(), 255)));
                            ps.setString(6, nullIfEmpty(truncate(f.receivingIp(), 64)));
                            ps.setLong(7, f.failedSessionCount());
                            ps.setString(8, nullIfEmpty(f.additionalInformation()));
                            ps.setString(9, nullIfEmpty(f.failureReasonCode()));
                            ps.addBatch();
                        }
                        if (!p.failures().isEmpty()) {
                            ps.executeBatch();
                        }
                    }
                }
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                if (isUniqueViolation(e) && exists(c, "tlsrpt_report", r.key())) {
                    return false;
                }
                throw e;
            }
        }
    }

    public boolean insertFailure(long rawId, FailureReport r, long now) throws SQLException {
        try (Connection c = db.connection()) {
            if (exists(c, "failure_report", r.key())) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO failure_report (raw_id, report_key, org_name, report_id, feedback_type, user_agent, arrival_ts,
                      source_ip, domain, original_mail_from, original_rcpt_to, auth_failure, delivery_result, dkim_domain,
                      dkim_selector, spf_dns, identity_alignment, incidents, header_from, subject, message_id, warnings, stored_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                int i = 1;
                ps.setLong(i++, rawId);
                ps.setString(i++, truncate(r.key(), 1200));
                ps.setString(i++, truncate(r.orgName(), 500));
                ps.setString(i++, truncate(r.reportId(), 1000));
                ps.setString(i++, truncate(r.feedbackType(), 64));
                ps.setString(i++, nullIfEmpty(truncate(r.userAgent(), 500)));
                ps.setLong(i++, r.arrival());
                ps.setString(i++, nullIfEmpty(truncate(r.sourceIp(), 64)));
                ps.setString(i++, truncate(r.domain(), 255));
                ps.setString(i++, nullIfEmpty(truncate(r.originalMailFrom(), 500)));
                ps.setString(i++, nullIfEmpty(truncate(r.originalRcptTo(), 500)));
                ps.setString(i++, nullIfEmpty(truncate(r.authFailure(), 64)));
                ps.setString(i++, nullIfEmpty(truncate(r.deliveryResult(), 64)));
                ps.setString(i++, nullIfEmpty(truncate(r.dkimDomain(), 255)));
                ps.setString(i++, nullIfEmpty(truncate(r.dkimSelector(), 255)));
                ps.setString(i++, nullIfEmpty(truncate(r.spfDns(), 500)));
                ps.setString(i++, nullIfEmpty(truncate(r.identityAlignment(), 64)));
                ps.setLong(i++, r.incidents());
                ps.setString(i++, nullIfEmpty(truncate(r.headerFrom(), 500)));
                ps.setString(i++, nullIfEmpty(r.subject()));
                ps.setString(i++, nullIfEmpty(truncate(r.messageId(), 1000)));
                ps.setString(i++, r.warnings().isEmpty() ? null : String.join("\n", r.warnings()));
                ps.setLong(i, now);
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (isUniqueViolation(e) && exists(c, "failure_report", r.key())) {
                    return false;
                }
                throw e;
            }
        }
    }

    private static boolean exists(Connection c, String table, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE report_key = ?")) {
            ps.setString(1, truncate(key, 1200));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        // SQLSTATE 23505 (unique_violation) in both PostgreSQL and H2
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** One source IP in a domain's summary (shared CLI.md {@code reports summary}). */
    public record SourceSummary(String ip, long messages, long spfAligned, long dkimAligned, long dmarcPass,
                                Map<String, Long> dispositions) {
        /** The disposition applied to most of this source's messages. */
        public String disposition() {
            return dispositions.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
        }
    }

    public record DomainSummary(String domain, long messages, long dmarcPass, long dmarcFail, long reports,
                                List<SourceSummary> sources) {
    }

    /** Totals per source IP from aggregate reports about {@code domain} whose period begins in [since, until). */
    public DomainSummary summary(String domain, long since, long until) throws SQLException {
        String d = domain.toLowerCase(java.util.Locale.ROOT);
        Map<String, long[]> perIp = new LinkedHashMap<>();
        Map<String, Map<String, Long>> disp = new LinkedHashMap<>();
        long reports;
        try (Connection c = db.connection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT source_ip, disposition, SUM(message_count),
                      SUM(CASE WHEN spf_eval = 'pass' THEN message_count ELSE 0 END),
                      SUM(CASE WHEN dkim_eval = 'pass' THEN message_count ELSE 0 END),
                      SUM(CASE WHEN spf_eval = 'pass' OR dkim_eval = 'pass' THEN message_count ELSE 0 END)
                    FROM aggregate_row WHERE domain = ? AND begin_ts >= ? AND begin_ts < ?
                    GROUP BY source_ip, disposition""")) {
                ps.setString(1, d);
                ps.setLong(2, since);
                ps.setLong(3, until);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String ip = rs.getString(1);
                        long[] t = perIp.computeIfAbsent(ip, k -> new long[4]);
                        for (int k = 0; k < 4; k++) {
                            t[k] += rs.getLong(3 + k);
                        }
                        disp.computeIfAbsent(ip, k -> new LinkedHashMap<>()).merge(rs.getString(2), rs.getLong(3), Long::sum);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM aggregate_report WHERE domain = ? AND begin_ts >= ? AND begin_ts < ?")) {
                ps.setString(1, d);
                ps.setLong(2, since);
                ps.setLong(3, until);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    reports = rs.getLong(1);
                }
            }
        }
        List<SourceSummary> sources = new ArrayList<>();
        long messages = 0;
        long pass = 0;
        for (var e : perIp.entrySet()) {
            long[] t = e.getValue();
            sources.add(new SourceSummary(e.getKey(), t[0], t[1], t[2], t[3], Map.copyOf(disp.get(e.getKey()))));
            messages += t[0];
            pass += t[3];
        }
        sources.sort((a, b) -> a.messages() != b.messages() ? Long.compare(b.messages(), a.messages()) : a.ip().compareTo(b.ip()));
        return new DomainSummary(d, messages, pass, messages - pass, reports, sources);
    }

    /** Counts of stored things, for tests, benchmarks and the CLI. */
    public long count(String table) throws SQLException {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException(table);
        }
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nullIfEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
