package org.mailward.gateway.reporting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.mailward.store.Database;

/**
 * What the daily job already did, in the store (V4 {@code report_sent}, {@code report_day}), so a restart never sends
 * a report twice: one row per report handed on, one row per day whose run finished.
 */
public final class SentReports {

    private static final int MAX_DETAIL = 4000;

    private final Database db;

    public SentReports(Database db) {
        this.db = Objects.requireNonNull(db);
    }

    public boolean dayFinished(long periodBegin) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM report_day WHERE period_begin = ?")) {
            ps.setLong(1, periodBegin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public boolean sent(String kind, String domain, long periodBegin) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM report_sent WHERE kind = ? AND domain = ? AND period_begin = ?")) {
            ps.setString(1, kind);
            ps.setString(2, domain);
            ps.setLong(3, periodBegin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Claims a report before it is sent (at most once, also across nodes sharing a PostgreSQL store: the unique key
     * decides). Returns false when it was already claimed. A crash between claim and send loses that report rather
     * than sending it twice.
     */
    public boolean claim(String kind, String domain, long periodBegin, String reportId, long now) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO report_sent (kind, domain, period_begin, report_id, sent_at, detail) VALUES (?, ?, ?, ?, ?, 'sending')")) {
            ps.setString(1, kind);
            ps.setString(2, domain);
            ps.setLong(3, periodBegin);
            ps.setString(4, reportId);
            ps.setLong(5, now);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) { // integrity constraint violation: taken
                return false;
            }
            throw e;
        }
    }

    /** What each destination said, after sending. */
    public void sentWith(String kind, String domain, long periodBegin, String detail) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE report_sent SET detail = ? WHERE kind = ? AND domain = ? AND period_begin = ?")) {
            ps.setString(1, detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail);
            ps.setString(2, kind);
            ps.setString(3, domain);
            ps.setLong(4, periodBegin);
            ps.executeUpdate();
        }
    }

    /** Gives a claim back when nothing could be sent, so a later run tries again. */
    public void release(String kind, String domain, long periodBegin) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM report_sent WHERE kind = ? AND domain = ? AND period_begin = ?")) {
            ps.setString(1, kind);
            ps.setString(2, domain);
            ps.setLong(3, periodBegin);
            ps.executeUpdate();
        }
    }

    public void finishDay(long periodBegin, long now, int reports) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO report_day (period_begin, finished_at, reports) VALUES (?, ?, ?)")) {
            ps.setLong(1, periodBegin);
            ps.setLong(2, now);
            ps.setInt(3, reports);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
        }
    }
}
