package org.mailward.reports;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailward.store.Database;
import org.mailward.testing.PostgresCluster;

/** The store contract on a real PostgreSQL (a throwaway Debian cluster on 127.0.0.1). */
@Tag("interop")
class ReportStorePostgresTest extends ReportStoreContract {

    @RegisterExtension
    static final PostgresCluster PG = new PostgresCluster();

    private String url;

    @Override
    Database openFresh() throws Exception {
        url = PG.createDatabase("mailward_test");
        return Database.open(url, "", "");
    }

    @Override
    String url() {
        return url;
    }
}
