package org.mailward.reports;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;

class DashboardQueriesH2Test extends DashboardQueriesContract {

    @TempDir
    Path dir;

    @Override
    Database openFresh() throws Exception {
        return Database.openH2(dir);
    }
}
