package org.mailward.reports.generate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailward.store.Database;
import org.mailward.testing.PostgresCluster;

/** Report generation on a real PostgreSQL (a throwaway Debian cluster on 127.0.0.1; skipped when not installed). */
@Tag("interop")
class ReportGenerationPostgresTest extends ReportGenerationContract {

    @RegisterExtension
    static final PostgresCluster PG = new PostgresCluster();

    @Override
    Database openFresh() throws Exception {
        return PG.openFresh("mailward_gen");
    }
}
