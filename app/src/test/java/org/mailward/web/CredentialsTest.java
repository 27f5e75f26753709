package org.mailward.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;

class CredentialsTest {

    @TempDir
    Path dir;

    @Test
    void firstRunAdminIsCreatedOnceAndStoredHashed() throws Exception {
        try (Database db = Database.openH2(dir)) {
            Credentials c = new Credentials(db, new SecureRandom());
            String password = c.ensureAdmin(1).orElseThrow();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            assertThat(c.ensureAdmin(2)).isEmpty();
            assertThat(c.checkPassword("admin", password.toCharArray())).isTrue();
            assertThat(c.checkPassword("admin", (password + "x").toCharArray())).isFalse();
            assertThat(c.checkPassword("nobody", password.toCharArray())).isFalse();
            try (var conn = db.connection(); var s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT password_hash FROM web_user WHERE username = 'admin'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("pbkdf2-sha256$600000$").doesNotContain(password);
            }
        }
    }

    @Test
    void tokensAreCheckedByHash() throws Exception {
        try (Database db = Database.openH2(dir)) {
            Credentials c = new Credentials(db, new SecureRandom(), new PasswordHasher(new SecureRandom(), 1_000));
            String t = c.createToken("ci", 5);
            assertThat(c.checkToken(t, 6)).contains("ci");
            assertThat(c.checkToken(t + "x", 6)).isEmpty();
            assertThat(c.checkToken("mwt_", 6)).isEmpty();
            assertThat(c.checkToken("", 6)).isEmpty();
            assertThat(c.checkToken(null, 6)).isEmpty();
        }
    }
}
