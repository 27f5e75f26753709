package org.mailward.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.mailward.store.Database;

/**
 * Inserts rows into the gateway event tables (V3__gateway_events.sql) with plain SQL, as the gateway's
 * StoreEventWriter would, for report generation tests, plus the DNS zone the sample rows' domains publish. The
 * sample day is {@link #DAY}: every test computes expected totals from the rows it inserts.
 */
public final class GatewayEventRows {

    public static final LocalDate DAY = LocalDate.of(2026, 12, 6);
    public static final long BEGIN = DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    public static final long END = BEGIN + 86_400;

    private GatewayEventRows() {
    }

    /** The policy_published columns; null for a sender without a DMARC record. */
    public record Policy(String domain, String p, String sp, int pct, String adkim, String aspf) {
    }

    /** One auth_event row (the columns reports read; the rest get plausible fixed values). */
    public record Auth(long ts, String sourceIp, String headerFrom, String envelopeFrom, String envelopeTo,
                       String disposition, boolean dkimAligned, boolean spfAligned, String reasons, Policy policy,
                       String dkimJson, String spfResult) {
    }

    public static void insert(Database db, Auth a, int times) throws SQLException {
        String sql = "INSERT INTO auth_event (event_ts, reporter, source_ip, helo, iprev, iprev_name, message_id, header_from,"
                + " envelope_from, envelope_to, recipient_count, dmarc_result, disposition, dkim_aligned, spf_aligned,"
                + " override_reasons, policy_domain, policy_p, policy_sp, policy_np, policy_pct, policy_adkim, policy_aspf,"
                + " policy_fo, policy_testing, applied_policy, dkim_results, spf_domain, spf_scope, spf_result, arc_result,"
                + " action, action_reason, local_override) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int k = 0; k < times; k++) {
                int i = 1;
                ps.setLong(i++, a.ts() + k);
                ps.setString(i++, "mx.receiver.test");
                ps.setString(i++, a.sourceIp());
                ps.setString(i++, "helo.sender.test");
                ps.setString(i++, "pass");
                ps.setString(i++, "");
                ps.setString(i++, "<m" + k + "@" + a.headerFrom() + ">");
                ps.setString(i++, a.headerFrom());
                ps.setString(i++, a.envelopeFrom());
                ps.setString(i++, a.envelopeTo());
                ps.setInt(i++, 1);
                ps.setString(i++, a.dkimAligned() || a.spfAligned() ? "pass" : "fail");
                ps.setString(i++, a.disposition());
                ps.setString(i++, a.dkimAligned() ? "pass" : "fail");
                ps.setString(i++, a.spfAligned() ? "pass" : "fail");
                ps.setString(i++, a.reasons());
                Policy p = a.policy();
                if (p == null) {
                    for (int n = 0; n < 4; n++) {
                        ps.setNull(i++, Types.VARCHAR);
                    }
                    ps.setNull(i++, Types.INTEGER);
                    for (int n = 0; n < 4; n++) {
                        ps.setNull(i++, Types.VARCHAR);
                    }
                    ps.setNull(i++, Types.VARCHAR);
                } else {
                    ps.setString(i++, p.domain());
                    ps.setString(i++, p.p());
                    ps.setString(i++, p.sp());
                    ps.setString(i++, "");
                    ps.setInt(i++, p.pct());
                    ps.setString(i++, p.adkim());
                    ps.setString(i++, p.aspf());
                    ps.setString(i++, "0");
                    ps.setString(i++, "n");
                    ps.setString(i++, "p");
                }
                ps.setString(i++, a.dkimJson());
                ps.setString(i++, a.envelopeFrom());
                ps.setString(i++, "mfrom");
                ps.setString(i++, a.spfResult());
                ps.setString(i++, "none");
                ps.setString(i++, a.disposition().equals("none") ? "none" : a.disposition());
                ps.setString(i++, "");
                ps.setString(i++, "");
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** One delivery_tls_event row, inserted {@code times} times. */
    public static void insertTls(Database db, long ts, String domain, String mx, String ip, String policyType,
                                 String policyString, String result, int times) throws SQLException {
        String sql = "INSERT INTO delivery_tls_event (event_ts, reporter, queue_id, recipient_domain, mx_host, receiving_ip,"
                + " policy_type, policy_string, result, failure_detail, tls_version, cipher) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int k = 0; k < times; k++) {
                int i = 1;
                ps.setLong(i++, ts + k);
                ps.setString(i++, "mx.receiver.test");
                ps.setString(i++, "Q" + ts + "x" + k);
                ps.setString(i++, domain);
                ps.setString(i++, mx);
                ps.setString(i++, ip);
                ps.setString(i++, policyType);
                ps.setString(i++, policyString);
                ps.setString(i++, result);
                ps.setString(i++, result.equals("success") ? "" : "handshake failed");
                ps.setString(i++, result.equals("success") ? "TLSv1.3" : "");
                ps.setString(i++, result.equals("success") ? "TLS_AES_128_GCM_SHA256" : "");
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static final String DKIM_PASS = "[{\"domain\":\"example.com\",\"selector\":\"s1\",\"result\":\"pass\",\"aligned\":true,\"human_result\":\"\"}]";

    /**
     * The sample day: example.com (p=reject; 11 messages in 4 records, one early row under an older p=none record),
     * example.org (p=none pct=50; 3 messages), senders without a DMARC record (4 messages, not reported) and rows
     * outside the day (not reported); TLS sessions to example.net (4 successful, 3 failed) and example.org (2
     * successful).
     */
    public static void insertSampleDay(Database db) throws SQLException {
        Policy comNone = new Policy("example.com", "none", "none", 100, "r", "r");
        Policy comReject = new Policy("example.com", "reject", "reject", 100, "r", "s");
        Policy org = new Policy("example.org", "none", "none", 50, "r", "r");
        insert(db, new Auth(BEGIN + 60, "192.0.2.1", "example.com", "example.com", "receiver.test", "none",
                true, true, "", comNone, DKIM_PASS, "pass"), 1);
        insert(db, new Auth(BEGIN + 3600, "192.0.2.1", "example.com", "example.com", "receiver.test", "none",
                true, true, "", comReject, DKIM_PASS, "pass"), 5);
        insert(db, new Auth(BEGIN + 7200, "198.51.100.7", "example.com", "example.com", "receiver.test", "reject",
                false, false, "", comReject, "[]", "fail"), 2);
        insert(db, new Auth(BEGIN + 9000, "198.51.100.8", "example.com", "lists.example", "receiver.test,other.test",
                "none", false, false, "mailing_list: forwarded by a list; local_policy: override allow-list", comReject,
                "[{\"domain\":\"lists.example\",\"selector\":\"l\",\"result\":\"pass\",\"aligned\":false,\"human_result\":\"\"},"
                        + "{\"domain\":\"example.com\",\"selector\":\"s1\",\"result\":\"fail\",\"aligned\":false,\"human_result\":\"body hash\"}]",
                "pass"), 2);
        insert(db, new Auth(BEGIN + 10_000, "192.0.2.1", "example.com", "", "receiver.test", "none",
                true, false, "", comReject, DKIM_PASS, "none"), 1);
        insert(db, new Auth(BEGIN + 20_000, "203.0.113.5", "example.org", "example.org", "receiver.test", "none",
                false, true, "", org, "[]", "pass"), 3);
        insert(db, new Auth(BEGIN + 30_000, "203.0.113.9", "nodmarc.test", "nodmarc.test", "receiver.test", "none",
                false, false, "", null, "[]", "none"), 4);
        insert(db, new Auth(BEGIN - 5, "192.0.2.1", "example.com", "example.com", "receiver.test", "none",
                true, true, "", comReject, DKIM_PASS, "pass"), 3);
        insert(db, new Auth(END, "192.0.2.1", "example.com", "example.com", "receiver.test", "none",
                true, true, "", comReject, DKIM_PASS, "pass"), 3);
        insertTls(db, BEGIN + 100, "example.net", "mx1.example.net", "192.0.2.25", "no-policy-found", "", "success", 4);
        insertTls(db, BEGIN + 200, "example.net", "mx1.example.net", "192.0.2.25", "no-policy-found", "", "certificate-not-trusted", 2);
        insertTls(db, BEGIN + 300, "example.net", "mx2.example.net", "192.0.2.26", "no-policy-found", "", "starttls-not-supported", 1);
        insertTls(db, BEGIN + 400, "example.org", "mx.example.org", "203.0.113.25", "sts",
                "version: STSv1\nmode: enforce\nmx: mx.example.org\nmax_age: 86400", "success", 2);
        insertTls(db, END + 1, "example.net", "mx1.example.net", "192.0.2.25", "no-policy-found", "", "success", 9);
    }

    /**
     * The DNS of the sample: example.com wants reports at home and at an unauthorised third party; example.org at
     * an authorised third party and at a 100-byte-limited address; TLS-RPT for example.net by mail and HTTPS.
     */
    public static final String ZONE = """
            _dmarc.example.com.   IN TXT "v=DMARC1; p=reject; aspf=s; rua=mailto:dmarc@example.com,mailto:reports@thirdparty.example!10m"
            _dmarc.example.org.   IN TXT "v=DMARC1; p=none; pct=50; rua=mailto:agg@reports.example.net,mailto:tiny@example.org!100"
            example.org._report._dmarc.reports.example.net. IN TXT "v=DMARC1"
            _smtp._tls.example.net. IN TXT "v=TLSRPTv1; rua=mailto:tls@example.net,https://tlsrpt.example.net/v1/report"
            """;
}
