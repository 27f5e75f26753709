package org.mailward.reports.generate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailward.store.Database;

/**
 * Reads the gateway's event tables ({@code auth_event}, {@code delivery_tls_event}, migration V3) for a period,
 * already grouped by SQL so that a busy day costs one row per distinct report row, not one per message. The
 * reports layer may not use the gateway's classes, so the columns are read here by name; their meaning is in
 * V3__gateway_events.sql.
 */
public final class GatewayEventReader {

    private final Database database;

    public GatewayEventReader(Database database) {
        this.database = database;
    }

    /**
     * One group of {@code auth_event} rows with equal report-relevant columns (RFC 7489 Appendix C: row,
     * policy_evaluated, identifiers, auth_results, and the policy_published they were evaluated under).
     *
     * @param count  the number of messages (rows) in the group
     * @param lastTs the newest event time in the group (picks the newest policy_published of a day)
     */
    public record AuthGroup(String policyDomain, String p, String sp, String np, Optional<Integer> pct, String adkim,
                            String aspf, String fo, String testing, String sourceIp, String disposition,
                            String dkimAligned, String spfAligned, String overrideReasons, String headerFrom,
                            String envelopeFrom, String envelopeTo, String dkimResults, String spfDomain,
                            String spfScope, String spfResult, long count, long lastTs) {
    }

    /** One group of {@code delivery_tls_event} rows (RFC 8460 4.4: policy plus result per receiving MX and IP). */
    public record TlsGroup(String recipientDomain, String policyType, String policyString, String result,
                           String mxHost, String receivingIp, long count) {
    }

    private static final String AUTH_COLUMNS = "policy_domain, policy_p, policy_sp, policy_np, policy_pct, policy_adkim,"
            + " policy_aspf, policy_fo, policy_testing, source_ip, disposition, dkim_aligned, spf_aligned, override_reasons,"
            + " header_from, envelope_from, envelope_to, dkim_results, spf_domain, spf_scope, spf_result";

    /**
     * The {@code auth_event} groups of {@code [begin, end)} (Unix seconds) whose sender had a DMARC record: rows with
     * a NULL {@code policy_domain} had no record and so no rua to report to (RFC 7489 7.2). Ordered by domain.
     */
    public List<AuthGroup> authGroups(long begin, long end) throws SQLException {
        String sql = "SELECT " + AUTH_COLUMNS + ", COUNT(*) AS n, MAX(event_ts) AS last_ts FROM auth_event"
                + " WHERE event_ts >= ? AND event_ts < ? AND policy_domain IS NOT NULL"
                + " GROUP BY " + AUTH_COLUMNS + " ORDER BY policy_domain, source_ip, header_from";
        List<AuthGroup> out = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, begin);
            ps.setLong(2, end);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pct = rs.getInt("policy_pct");
                    Optional<Integer> pctValue = rs.wasNull() ? Optional.empty() : Optional.of(pct);
                    out.add(new AuthGroup(s(rs, "policy_domain"), s(rs, "policy_p"), s(rs, "policy_sp"), s(rs, "policy_np"),
                            pctValue, s(rs, "policy_adkim"), s(rs, "policy_aspf"), s(rs, "policy_fo"), s(rs, "policy_testing"),
                            s(rs, "source_ip"), s(rs, "disposition"), s(rs, "dkim_aligned"), s(rs, "spf_aligned"),
                            s(rs, "override_reasons"), s(rs, "header_from"), s(rs, "envelope_from"), s(rs, "envelope_to"),
                            s(rs, "dkim_results"), s(rs, "spf_domain"), s(rs, "spf_scope"), s(rs, "spf_result"),
                            rs.getLong("n"), rs.getLong("last_ts")));
                }
            }
        }
        return out;
    }

    private static final String TLS_COLUMNS = "recipient_domain, policy_type, policy_string, result, mx_host, receiving_ip";

    /** The {@code delivery_tls_event} groups of {@code [begin, end)}, ordered by recipient domain. */
    public List<TlsGroup> tlsGroups(long begin, long end) throws SQLException {
        String sql = "SELECT " + TLS_COLUMNS + ", COUNT(*) AS n FROM delivery_tls_event WHERE event_ts >= ? AND event_ts < ?"
                + " GROUP BY " + TLS_COLUMNS + " ORDER BY recipient_domain, policy_type, result, mx_host, receiving_ip";
        List<TlsGroup> out = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, begin);
            ps.setLong(2, end);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TlsGroup(s(rs, "recipient_domain"), s(rs, "policy_type"), s(rs, "policy_string"),
                            s(rs, "result"), s(rs, "mx_host"), s(rs, "receiving_ip"), rs.getLong("n")));
                }
            }
        }
        return out;
    }

    /** The reporter names (our host names) seen in the period, most frequent first. */
    public List<String> reporters(long begin, long end) throws SQLException {
        String sql = "SELECT reporter, COUNT(*) AS n FROM (SELECT reporter FROM auth_event WHERE event_ts >= ? AND event_ts < ?"
                + " UNION ALL SELECT reporter FROM delivery_tls_event WHERE event_ts >= ? AND event_ts < ?) r"
                + " GROUP BY reporter ORDER BY n DESC, reporter";
        List<String> out = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, begin);
            ps.setLong(2, end);
            ps.setLong(3, begin);
            ps.setLong(4, end);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(s(rs, "reporter"));
                }
            }
        }
        return out;
    }

    private static String s(ResultSet rs, String column) throws SQLException {
        String v = rs.getString(column);
        return v == null ? "" : v;
    }
}
