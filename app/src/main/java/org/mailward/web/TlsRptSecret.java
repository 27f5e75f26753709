package org.mailward.web;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import org.mailward.store.Database;

/**
 * The path secret of the TLS-RPT POST endpoint ({@code POST /tlsrpt/SECRET}) when the configuration gives none:
 * 256 random bits, created once and kept in the {@code settings} table (V1), so the published {@code rua=https:} URI
 * stays the same across restarts. Reporters are anonymous (RFC 8460 5.2 has no authentication): this secret only
 * keeps strangers who do not know the published record from filling the store.
 */
public final class TlsRptSecret {

    static final String SETTING = "web.tlsrpt_secret";

    private TlsRptSecret() {
    }

    /** The stored secret, created now when there is none. */
    public static String ensure(Database db, SecureRandom random) throws SQLException {
        try (Connection c = db.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT setting_value FROM settings WHERE name = ?")) {
                ps.setString(1, SETTING);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getString(1);
                    }
                }
            }
            byte[] b = new byte[32];
            random.nextBytes(b);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO settings (name, setting_value) VALUES (?, ?)")) {
                ps.setString(1, SETTING);
                ps.setString(2, secret);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) { // another process created it first
                    return ensure(db, random);
                }
                throw e;
            }
            return secret;
        }
    }
}
