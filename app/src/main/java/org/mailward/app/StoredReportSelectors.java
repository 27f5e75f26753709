package org.mailward.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.mailward.check.ReportedSelectors;
import org.mailward.dns.Resolver;

/**
 * The checker's {@code [REPORTS]} DKIM evidence read from the stored DMARC aggregate reports (schema V1: the
 * {@code auth_results} JSON of {@code aggregate_row}, {@code {"dkim":[{"domain","selector","result"}],...}}): for a
 * domain, the selectors of DKIM results whose signing domain is that domain, each with the end of the last report
 * period that showed it. Only reports whose period ended in the last {@value #LOOKBACK_DAYS} days are read; a
 * domain with no such report gives "no data" (the checker then concludes nothing). Lives in the app layer so that
 * {@code check} does not depend on {@code reports} (LayerRulesTest).
 */
final class StoredReportSelectors implements ReportedSelectors {

    static final int LOOKBACK_DAYS = 90;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;
    private final Clock clock;

    StoredReportSelectors(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<Map<String, Instant>> lastSeen(String domain) {
        String d = Resolver.normalise(domain);
        long since = clock.instant().minus(Duration.ofDays(LOOKBACK_DAYS)).getEpochSecond();
        Map<String, Instant> out = new LinkedHashMap<>();
        boolean any = false;
        // Rows of reports about the domain (policy domain); of their DKIM results, those signed by the domain itself.
        String sql = """
                SELECT r.auth_results, MAX(a.end_ts) AS last_end
                FROM aggregate_row r JOIN aggregate_report a ON a.id = r.report_id
                WHERE r.domain = ? AND a.end_ts >= ?
                GROUP BY r.auth_results
                """;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, d);
            ps.setLong(2, since);
            ps.setMaxRows(50_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    any = true;
                    Instant end = Instant.ofEpochSecond(rs.getLong(2));
                    String auth = rs.getString(1);
                    if (auth == null || auth.isEmpty()) {
                        continue;
                    }
                    JsonNode root;
                    try {
                        root = JSON.readTree(auth);
                    } catch (Exception e) {
                        continue; // written by our own ingest; an unreadable value gives no selector
                    }
                    for (JsonNode n : root.path("dkim")) {
                        String signer = Resolver.normalise(n.path("domain").asText(""));
                        String sel = n.path("selector").asText("").trim().toLowerCase(Locale.ROOT);
                        if (signer.equals(d) && !sel.isEmpty()) {
                            out.merge(sel, end, (x, y) -> x.isAfter(y) ? x : y);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading DMARC reports for " + d + ": " + e.getMessage(), e);
        }
        return any ? Optional.of(out) : Optional.empty();
    }
}
