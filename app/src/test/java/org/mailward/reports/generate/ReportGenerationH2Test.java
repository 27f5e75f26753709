package org.mailward.reports.generate;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;

/** Report generation on the embedded H2 file database (the default engine). */
class ReportGenerationH2Test extends ReportGenerationContract {

    @TempDir
    Path dir;

    @Override
    Database openFresh() throws Exception {
        return Database.openH2(dir);
    }
}
