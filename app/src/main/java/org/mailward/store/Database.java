package org.mailward.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * An open, migrated database: a HikariCP pool over H2 (embedded file, the default) or PostgreSQL (by URL).
 * {@link #open} runs the Flyway migrations before returning, so callers always see the current schema.
 *
 * <p>Pitfall: H2 runs in PostgreSQL mode ({@code MODE=PostgreSQL}) so that one set of migrations and the same SQL
 * serve both engines; keep new SQL within what both accept (the store tests run on both).
 */
public final class Database implements AutoCloseable {

    /** Which engine is behind the URL. */
    public enum Engine { H2, POSTGRESQL }

    private final HikariDataSource pool;
    private final Engine engine;
    private final String url;

    private Database(HikariDataSource pool, Engine engine, String url) {
        this.pool = pool;
        this.engine = engine;
        this.url = url;
    }

    /** The JDBC URL of the default embedded database: {@code <dataDir>/mailward} (H2 adds {@code .mv.db}). */
    public static String h2Url(Path dataDir) {
        Path base = dataDir.toAbsolutePath().normalize().resolve("mailward");
        return "jdbc:h2:file:" + base + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    /** Opens (creating if needed) the embedded H2 database under the data directory. */
    public static Database openH2(Path dataDir) throws SQLException {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new SQLException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        return open(h2Url(dataDir), "", "");
    }

    /**
     * Opens the database at a JDBC URL ({@code jdbc:postgresql://host:port/db?user=..&password=..} or
     * {@code jdbc:h2:...}) and migrates it. User and password may be empty when the URL carries them.
     */
    public static Database open(String jdbcUrl, String user, String password) throws SQLException {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Engine engine;
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            engine = Engine.H2;
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            engine = Engine.POSTGRESQL;
        } else {
            throw new SQLException("unsupported database URL (expected jdbc:h2: or jdbc:postgresql:): " + redact(jdbcUrl));
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (!user.isEmpty()) {
            config.setUsername(user);
        }
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
        config.setPoolName("mailward");
        config.setMaximumPoolSize(engine == Engine.H2 ? 4 : 8);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        config.setDriverClassName(engine == Engine.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
        if (engine == Engine.POSTGRESQL) {
            // one multi-row INSERT per JDBC batch instead of one round trip per row (report rows come in batches)
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new SQLException("cannot connect to " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new SQLException("database migration failed on " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        return new Database(pool, engine, jdbcUrl);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The URL without a password parameter, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public Engine engine() {
        return engine;
    }

    /** The URL with any password hidden. */
    public String describe() {
        return redact(url);
    }

    @Override
    public void close() {
        pool.close();
    }
}
