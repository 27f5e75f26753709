package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;

/** Batch runs: every domain ends in the sink or in the failure callback, never nowhere. */
class CheckRunnerTest {

    private static final String ZONE = """
            a.test. 300 IN TXT "v=spf1 -all"
            b.test. 300 IN TXT "v=spf1 -all"
            c.test. 300 IN TXT "v=spf1 -all"
            """;

    /** A resolver with a bug for every name under b.test (an Error escapes the Resolver contract). */
    private static CheckRunner runner() {
        Resolver zone = ZoneFileResolver.fromText(ZONE);
        Resolver buggy = (name, type) -> {
            if (Resolver.normalise(name).endsWith("b.test")) {
                throw new AssertionError("bug for " + name);
            }
            return zone.query(name, type);
        };
        return new CheckRunner(CheckConfig.builder(buggy).probeSmtp(false).profile(CheckConfig.Profile.GENERIC).build());
    }

    @Test
    void aBugInOneDomainIsReportedAndTheOthersAreChecked() throws Exception {
        List<String> done = new ArrayList<>();
        Map<String, Throwable> failed = new ConcurrentHashMap<>();
        runner().checkAll(List.of("a.test", "b.test", "c.test"), 2, r -> done.add(r.domain()), failed::put);
        assertThat(done).containsExactlyInAnyOrder("a.test", "c.test");
        assertThat(failed).containsOnlyKeys("b.test");
        assertThat(failed.get("b.test")).isInstanceOf(AssertionError.class).hasMessageContaining("bug for");
    }

    @Test
    void theShortFormThrowsAtTheEndAfterCheckingTheRest() {
        List<String> done = new ArrayList<>();
        assertThatThrownBy(() -> runner().checkAll(List.of("a.test", "b.test", "c.test"), 1, r -> done.add(r.domain())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("checking b.test");
        assertThat(done).containsExactlyInAnyOrder("a.test", "c.test");
    }
}
