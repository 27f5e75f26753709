package org.mailward.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The retention setting ({@code reports.retention_days} in the settings table) and the delete that applies it: a
 * report whose period ended before the cut-off goes, with its rows, policies and failure details (ON DELETE
 * CASCADE), and so do raw reports received before the cut-off that no longer back any parsed report and are not
 * waiting in a failed state newer than the cut-off.
 */
public final class Retention {

    public static final String SETTING = "reports.retention_days";

    private final Database db;

    public Retention(Database db) {
        this.db = db;
    }

    /** The counts removed by one {@link #deleteOlderThan} run. */
    public record Deleted(int aggregateReports, int tlsReports, int failureReports, int rawReports) {
        public int total() {
            return aggregateReports + tlsReports + failureReports + rawReports;
        }
    }

    public OptionalInt retentionDays() throws SQLException {
        Optional<String> v = Settings.get(db, SETTING);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    public void setRetentionDays(int days) throws SQLException {
        if (days < 1) {
            throw new IllegalArgumentException("retention must be at least one day: " + days);
        }
        Settings.put(db, SETTING, Integer.toString(days));
    }

    /** Applies the configured retention as of {@code now}; nothing is deleted when none is configured. */
    public Deleted apply(Instant now) throws SQLException {
        OptionalInt days = retentionDays();
        if (days.isEmpty()) {
            return new Deleted(0, 0, 0, 0);
        }
        return deleteOlderThan(now.minusSeconds(86_400L * days.getAsInt()));
    }

    /** Deletes reports whose period ended before {@code cutoff} (and orphaned raw reports received before it). */
    public Deleted deleteOlderThan(Instant cutoff) throws SQLException {
        long c = cutoff.getEpochSecond();
        try (Connection conn = db.connection()) {
            conn.setAutoCommit(false);
            try {
                int agg = update(conn, "DELETE FROM aggregate_report WHERE end_ts < ?", c);
                int tls = update(conn, "DELETE FROM tlsrpt_report WHERE end_ts < ?", c);
                int fail = update(conn, "DELETE FROM failure_report WHERE arrival_ts < ?", c);
                int raw = update(conn, """
                        DELETE FROM raw_report r WHERE r.received_at < ?
                          AND NOT EXISTS (SELECT 1 FROM aggregate_report a WHERE a.raw_id = r.id)
                          AND NOT EXISTS (SELECT 1 FROM tlsrpt_report t WHERE t.raw_id = r.id)
                          AND NOT EXISTS (SELECT 1 FROM failure_report f WHERE f.raw_id = r.id)""", c);
                conn.commit();
                return new Deleted(agg, tls, fail, raw);
            } catch (SQLException e) {
                conn.rollback();
                throw e;
            }
        }
    }

    private static int update(Connection conn, String sql, long value) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setLong(1, value);
            return ps.executeUpdate();
        }
    }

    /** Key/value settings shared by all nodes (the {@code settings} table). */
    public static final class Settings {
        private Settings() {
        }

        public static Optional<String> get(Database db, String name) throws SQLException {
            try (Connection conn = db.connection();
                 PreparedStatement ps = conn.prepareStatement("SELECT setting_value FROM settings WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        }

        public static void put(Database db, String name, String value) throws SQLException {
            try (Connection conn = db.connection()) {
                conn.setAutoCommit(false);
                try (PreparedStatement del = conn.prepareStatement("DELETE FROM settings WHERE name = ?");
                     PreparedStatement ins = conn.prepareStatement("INSERT INTO settings (name, setting_value) VALUES (?, ?)")) {
                    del.setString(1, name);
                    del.executeUpdate();
                    ins.setString(1, name);
                    ins.setString(2, value);
                    ins.executeUpdate();
                    conn.commit();
                } catch (SQLException e) {
                    conn.rollback();
                    throw e;
                }
            }
        }
    }
}
