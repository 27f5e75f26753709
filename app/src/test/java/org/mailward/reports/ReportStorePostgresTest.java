package org.mailward.reports;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.mailward.store.Database;
import org.mailward.testing.PostgresServer;

/** The store contract on a real PostgreSQL (a throwaway Debian cluster on 127.0.0.1). */
@Tag("interop")
class ReportStorePostgresTest extends ReportStoreContract {

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

    private String url;

    @Override
    Database openFresh() throws Exception {
        url = pg.createDatabase("mailward_test");
        return Database.open(url, "", "");
    }

    @Override
    String url() {
        return url;
    }
}
