package org.mailward.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.mailward.store.Database;

/**
 * Dashboard users and API bearer tokens in the store (migration V2). Only hashes are stored: passwords with
 * {@link PasswordHasher}, tokens with SHA-256 (they are 256 random bits, so a slow KDF would add nothing).
 * A generated secret is returned exactly once, to be shown to the administrator.
 */
public final class Credentials {

    public static final String ADMIN = "admin";
    private final Database db;
    private final SecureRandom random;
    private final PasswordHasher hasher;

    public Credentials(Database db, SecureRandom random) {
        this(db, random, new PasswordHasher(random));
    }

    Credentials(Database db, SecureRandom random, PasswordHasher hasher) {
        this.db = db;
        this.random = random;
        this.hasher = hasher;
    }

    /** When no user exists yet, creates {@code admin} with a random password and returns that password (once). */
    public Optional<String> ensureAdmin(long now) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM web_user");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return Optional.empty();
            }
        }
        String password = secret(18);
        setPassword(ADMIN, password.toCharArray(), now);
        return Optional.of(password);
    }

    /** Creates the user or replaces its password. */
    public void setPassword(String username, char[] password, long now) throws SQLException {
        String hash = hasher.hash(password);
        try (Connection c = db.connection()) {
            try (PreparedStatement up = c.prepareStatement("UPDATE web_user SET password_hash = ? WHERE username = ?")) {
                up.setString(1, hash);
                up.setString(2, username);
                if (up.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO web_user (username, password_hash, created_at) VALUES (?, ?, ?)")) {
                ins.setString(1, username);
                ins.setString(2, hash);
                ins.setLong(3, now);
                ins.executeUpdate();
            }
        }
    }

    /** True when the user exists and the password matches. Unknown users cost the same KDF time. */
    public boolean checkPassword(String username, char[] password) throws SQLException {
        String stored = null;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT password_hash FROM web_user WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    stored = rs.getString(1);
                }
            }
        }
        if (stored == null) {
            hasher.hash(password); // same work as a real check: no user enumeration by timing
            return false;
        }
        return PasswordHasher.verify(password, stored);
    }

    /** Creates an API token named {@code name}; returns the token (shown once, stored hashed). */
    public String createToken(String name, long now) throws SQLException {
        String token = "mwt_" + secret(32);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO api_token (name, token_hash, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, sha256(token));
            ps.setLong(3, now);
            ps.executeUpdate();
        }
        return token;
    }

    /** The token's name when the bearer token is known. */
    public Optional<String> checkToken(String token, long now) throws SQLException {
        if (token == null || !token.startsWith("mwt_") || token.length() > 200) {
            return Optional.empty();
        }
        String hash = sha256(token);
        try (Connection c = db.connection()) {
            String name = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM api_token WHERE token_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        name = rs.getString(1);
                    }
                }
            }
            if (name == null) {
                return Optional.empty();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_token SET last_used = ? WHERE token_hash = ?")) {
                ps.setLong(1, now);
                ps.setString(2, hash);
                ps.executeUpdate();
            }
            return Optional.of(name);
        }
    }

    String secret(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
