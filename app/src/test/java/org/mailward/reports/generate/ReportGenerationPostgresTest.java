package org.mailward.reports.generate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.mailward.store.Database;
import org.mailward.testing.PostgresServer;

/** Report generation on a real PostgreSQL (a throwaway Debian cluster on 127.0.0.1; skipped when not installed). */
@Tag("interop")
class ReportGenerationPostgresTest extends ReportGenerationContract {

    static PostgresServer pg;

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    Database openFresh() throws Exception {
        return Database.open(pg.createDatabase("mailward_gen"), "", "");
    }
}
