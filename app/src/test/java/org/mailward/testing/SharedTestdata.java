package org.mailward.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the public conformance suites in {@code ../shared/testdata} (the surefire property {@code mailward.shared},
 * else {@code ../shared} or {@code ../../shared} from the working directory). In a clone without them the tests
 * that need them are skipped with a message saying so, never failed.
 */
public final class SharedTestdata {

    private SharedTestdata() {
    }

    /** The directory {@code testdata/<sub>}, or skips the calling test when it is absent. */
    public static Path dir(String sub) {
        Path found = locate().map(p -> p.resolve("testdata").resolve(sub)).filter(Files::isDirectory).orElse(null);
        Assumptions.assumeTrue(found != null,
                "shared testdata '" + sub + "' not found (set -Dmailward.shared=DIR pointing at the shared folder): skipping");
        return found;
    }

    /** The file {@code testdata/<path>}, or skips the calling test when it is absent. */
    public static Path file(String path) {
        Path found = locate().map(p -> p.resolve("testdata").resolve(path)).filter(Files::isRegularFile).orElse(null);
        Assumptions.assumeTrue(found != null,
                "shared testdata file '" + path + "' not found (set -Dmailward.shared=DIR pointing at the shared folder): skipping");
        return found;
    }

    private static java.util.Optional<Path> locate() {
        String prop = System.getProperty("mailward.shared");
        if (prop != null && Files.isDirectory(Path.of(prop, "testdata"))) {
            return java.util.Optional.of(Path.of(prop));
        }
        for (String candidate : new String[] {"../shared", "../../shared", "../../../shared"}) {
            Path p = Path.of(candidate).toAbsolutePath().normalize();
            if (Files.isDirectory(p.resolve("testdata"))) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }
}
