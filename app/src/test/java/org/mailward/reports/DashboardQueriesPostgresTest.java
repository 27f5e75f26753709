package org.mailward.reports;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailward.store.Database;
import org.mailward.testing.PostgresCluster;

/** The dashboard's queries on a real PostgreSQL (a throwaway Debian cluster on 127.0.0.1). */
@Tag("interop")
class DashboardQueriesPostgresTest extends DashboardQueriesContract {

    @RegisterExtension
    static final PostgresCluster PG = new PostgresCluster();

    @Override
    Database openFresh() throws Exception {
        return PG.openFresh("mailward_dash");
    }
}
