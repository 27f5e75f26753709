package org.mailward.testing;

import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mailward.store.Database;

/**
 * A throwaway PostgreSQL cluster for one test class ({@code @RegisterExtension static final PostgresCluster PG = ...}):
 * started before the class's tests (they are skipped when the server binaries are not installed, see
 * {@link PostgresServer#start()}), stopped after them. Each test opens a fresh database with {@link #openFresh}.
 */
public final class PostgresCluster implements BeforeAllCallback, AfterAllCallback {

    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = PostgresServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** A new, empty database; its JDBC URL. */
    public String createDatabase(String prefix) throws SQLException {
        return server.createDatabase(prefix);
    }

    /** A new, empty database, opened (migrations applied by {@link Database#open}). */
    public Database openFresh(String prefix) throws SQLException {
        return Database.open(createDatabase(prefix), "", "");
    }
}
