package org.mailward.reports;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;

/** The store contract on the embedded H2 file database (the default engine). */
class ReportStoreH2Test extends ReportStoreContract {

    @TempDir
    Path dir;

    @Override
    Database openFresh() throws Exception {
        return Database.openH2(dir);
    }

    @Override
    String url() {
        return Database.h2Url(dir);
    }
}
