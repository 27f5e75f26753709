package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;

class StoredReportSelectorsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void selectorsSignedByTheDomainWithTheirLastReport(@TempDir Path dir) throws Exception {
        try (Database db = Database.openH2(dir)) {
            long raw = raw(db);
            long early = NOW.minusSeconds(40 * 86400L).getEpochSecond();
            long late = NOW.minusSeconds(2 * 86400L).getEpochSecond();
            long old = NOW.minusSeconds(200 * 86400L).getEpochSecond();
            long r1 = report(db, raw, "k1", "example.test", early);
            long r2 = report(db, raw, "k2", "example.test", late);
            long r3 = report(db, raw, "k3", "example.test", old);
            row(db, r1, "example.test", "{\"dkim\":[{\"domain\":\"example.test\",\"selector\":\"S1\",\"result\":\"pass\"},"
                    + "{\"domain\":\"esp.test\",\"selector\":\"esp\",\"result\":\"pass\"}],\"spf\":[]}");
            row(db, r2, "example.test", "{\"dkim\":[{\"domain\":\"example.test\",\"selector\":\"s2\",\"result\":\"fail\"}],\"spf\":[]}");
            row(db, r2, "example.test", "not json");
            row(db, r3, "example.test", "{\"dkim\":[{\"domain\":\"example.test\",\"selector\":\"ancient\",\"result\":\"pass\"}],\"spf\":[]}");
            StoredReportSelectors s = new StoredReportSelectors(db.dataSource(), Clock.fixed(NOW, ZoneOffset.UTC));
            assertThat(s.lastSeen("Example.Test.")).contains(Map.of("s1", Instant.ofEpochSecond(early), "s2", Instant.ofEpochSecond(late)));
            assertThat(s.lastSeen("other.test")).isEmpty();
        }
    }

    private static long raw(Database db) throws Exception {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO raw_report (received_at, origin, sha256, size_bytes, content, status) VALUES (1, 'test', 'x', 1, ?, 'parsed')",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setBytes(1, new byte[] {1});
            ps.executeUpdate();
            var k = ps.getGeneratedKeys();
            k.next();
            return k.getLong(1);
        }
    }

    private static long report(Database db, long raw, String key, String domain, long end) throws Exception {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO aggregate_report (raw_id, report_key, schema_name, org_name, report_id, begin_ts, end_ts, domain, record_count,"
                        + " message_count, stored_at) VALUES (?, ?, 'rfc7489', 'org', ?, ?, ?, ?, 1, 1, 1)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, raw);
            ps.setString(2, key);
            ps.setString(3, key);
            ps.setLong(4, end - 86400);
            ps.setLong(5, end);
            ps.setString(6, domain);
            ps.executeUpdate();
            var k = ps.getGeneratedKeys();
            k.next();
            return k.getLong(1);
        }
    }

    private static void row(Database db, long report, String domain, String auth) throws Exception {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO aggregate_row (report_id, domain, begin_ts, source_ip, message_count, disposition, dkim_eval, spf_eval, auth_results)"
                        + " VALUES (?, ?, 0, '192.0.2.1', 1, 'none', 'pass', 'pass', ?)")) {
            ps.setLong(1, report);
            ps.setString(2, domain);
            ps.setString(3, auth);
            ps.executeUpdate();
        }
    }
}
