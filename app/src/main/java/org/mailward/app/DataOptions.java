package org.mailward.app;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --data DIR} (H2 database, spool, keys; default ./data) and {@code --db JDBC_URL} (shared CLI.md). */
public final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory: database, spool, keys (default: ${DEFAULT-VALUE}).")
    Path data = Path.of("data");

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "Database URL (PostgreSQL in production). Default: H2 under the data directory.")
    String db;

    public Path dataDir() {
        return data;
    }

    public Optional<String> jdbcUrl() {
        return Optional.ofNullable(db);
    }
}
