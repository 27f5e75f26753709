package org.mailward.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void defaultDatabaseIsAnH2FileUnderTheDataDirectory() throws Exception {
        Path data = dir.resolve("data");
        try (Database db = Database.openH2(data)) {
            assertThat(db.engine()).isEqualTo(Database.Engine.H2);
            Retention.Settings.put(db, "x", "1");
            Retention.Settings.put(db, "x", "2");
            assertThat(Retention.Settings.get(db, "x")).hasValue("2");
        }
        assertThat(Files.exists(data.resolve("mailward.mv.db"))).isTrue();
        // two data directories never share state
        try (Database other = Database.openH2(dir.resolve("other"))) {
            assertThat(Retention.Settings.get(other, "x")).isEmpty();
        }
        try (Database again = Database.openH2(data)) {
            assertThat(Retention.Settings.get(again, "x")).hasValue("2");
        }
    }

    @Test
    void unsupportedOrUnreachableDatabasesAreClearErrorsWithoutPasswords() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://127.0.0.1/x", "", ""))
                .isInstanceOf(SQLException.class).hasMessageContaining("unsupported database URL");
        // a closed loopback port: connection refused, reported with the password hidden
        assertThatThrownBy(() -> Database.open("jdbc:postgresql://127.0.0.1:1/x?user=a&password=secret&connectTimeout=2", "", ""))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password=***")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }

    @Test
    void retentionRejectsNonsense() throws Exception {
        try (Database db = Database.openH2(dir)) {
            Retention r = new Retention(db);
            assertThat(r.retentionDays()).isEmpty();
            assertThatThrownBy(() -> r.setRetentionDays(0)).isInstanceOf(IllegalArgumentException.class);
            r.setRetentionDays(30);
            assertThat(r.retentionDays()).hasValue(30);
        }
    }
}
