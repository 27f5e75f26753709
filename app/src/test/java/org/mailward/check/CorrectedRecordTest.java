package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.mailward.check.world.TestWorld;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;

/**
 * The corrected records the DMARC, REPORTAUTH, SPF and UK areas print are real fixes: for every such finding in the test
 * world, publishing its {@code record} (overlaid on the world's zone) and checking the domain again makes that rule
 * go away. DNS-only (no SMTP probes), so it is fast.
 */
class CorrectedRecordTest {

    // Rules whose record is advice for the next step rather than a correction of the finding itself.
    private static final Set<String> NOT_A_FIX = Set.of("UK-DMARC-ROLLOUT-STAGE", "DMARC-POLICY-QUARANTINE");

    @Test
    void publishingTheCorrectedRecordClearsTheFinding() throws Exception {
        TestWorld world = TestWorld.shared();
        {
            Resolver base = world.resolver();
            CheckRunner runner = new CheckRunner(world.config(base).probeSmtp(false).build());
            Map<String, DomainReport> before = new ConcurrentHashMap<>();
            List<String> domains = world.expected().entrySet().stream().filter(e -> e.getValue().stream().anyMatch(id -> id.startsWith("DMARC")
                    || id.startsWith("REPORTAUTH") || id.startsWith("SPF") || id.startsWith("UK-") || id.equals("MX-NULL-BUT-SENDING"))).map(Map.Entry::getKey).toList();
            runner.checkAll(domains, 4, r -> before.put(r.domain(), r));
            List<String> failures = new ArrayList<>();
            int checked = 0;
            for (DomainReport r : before.values()) {
                for (Finding f : r.findings()) {
                    boolean ours = f.area() == Area.DMARC || f.area() == Area.REPORTAUTH || f.area() == Area.SPF || f.id().startsWith("UK-DMARC")
                            || f.id().startsWith("UK-NONSENDING") || f.id().equals("MX-NULL-BUT-SENDING");
                    if (!ours || f.record().isEmpty() || NOT_A_FIX.contains(f.id())) {
                        continue;
                    }
                    String zone = f.record().get() + "\n";
                    ZoneFileResolver overlay = ZoneFileResolver.fromText(zone);
                    // The published RRset replaces the world's RRset of that name and type only.
                    Resolver patched = (n, t) -> {
                        var a = overlay.query(n, t);
                        return a.hasRecords() ? a : base.query(n, t);
                    };
                    DomainReport after = new CheckRunner(world.config(patched).probeSmtp(false).build()).check(r.domain());
                    checked++;
                    if (after.ids().contains(f.id()) && after.findings().stream().anyMatch(g -> g.id().equals(f.id()) && g.severity() == f.severity())) {
                        failures.add(r.domain() + " " + f.id() + " still there after publishing:\n" + f.record().get() + "\n -> "
                                + after.findings().stream().filter(g -> g.id().equals(f.id())).map(Finding::summary).toList());
                    }
                }
            }
            assertThat(checked).isGreaterThan(30);
            assertThat(failures).isEmpty();
        }
    }
}
