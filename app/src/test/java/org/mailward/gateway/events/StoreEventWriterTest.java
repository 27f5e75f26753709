package org.mailward.gateway.events;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.store.Database;

/** The event store contract on the embedded H2 default. */
class StoreEventWriterTest extends StoreEventWriterContract {

    @TempDir
    Path dir;
    int n;

    @Override
    Database openFresh() throws Exception {
        return Database.openH2(dir.resolve("db" + n++));
    }
}
