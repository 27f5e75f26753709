package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailward.check.world.TestWorld;
import org.mailward.dns.NetworkResolver;
import org.mailward.testing.KnotServer;

/**
 * The same test world, but DNS served by a real knotd over the network (NetworkResolver): every domain must produce
 * the same finding ids as with the zone-file resolver. The hostile huge-TXT domain is left out (its RRset does not
 * fit in a DNS message), and so are the domains with their own nameservers (GEN-NS-INCONSISTENT).
 */
@Tag("interop")
class CheckWorldKnotInteropTest {

    @Test
    void knotServedWorldGivesTheSameFindings() throws Exception {
        try (TestWorld world = new TestWorld()) {
            Map<String, StringBuilder> zones = new LinkedHashMap<>();
            for (String apex : List.of("test", "gov.uk", "uk", "in-addr.arpa", "ip6.arpa")) {
                zones.put(apex, new StringBuilder());
            }
            for (String line : world.zoneText().lines().toList()) {
                if (line.contains("hugetxt") || world.delegated().stream().anyMatch(d -> line.contains(d + ". "))) {
                    continue; // NS records below "test" would be delegations in knot; those domains have their own servers
                }
                String name = line.substring(0, line.indexOf(' ')).replaceAll("\\.$", "");
                for (String apex : zones.keySet()) {
                    if (name.endsWith("." + apex)) {
                        zones.get(apex).append(line).append('\n');
                        break;
                    }
                }
            }
            Map<String, String> texts = new LinkedHashMap<>();
            zones.forEach((k, v) -> texts.put(k, v.toString()));
            try (KnotServer knot = KnotServer.start(texts)) {
                NetworkResolver net = new NetworkResolver(List.of(knot.address()), Duration.ofSeconds(2), 1);
                CheckRunner runner = new CheckRunner(world.config(world.wrap(net)).build());
                Map<String, DomainReport> reports = new ConcurrentHashMap<>();
                List<String> domains = new ArrayList<>(world.expected().keySet());
                domains.remove("hugetxt.test");
                domains.removeAll(world.delegated());
                runner.checkAll(domains, 8, r -> reports.put(r.domain(), r));
                List<String> mismatches = new ArrayList<>();
                for (String d : domains) {
                    Set<String> want = new TreeSet<>(world.expected().get(d));
                    if (!reports.get(d).ids().equals(want)) {
                        mismatches.add(d + ": expected " + want + " got " + reports.get(d).ids() + " " + reports.get(d).findings().stream().filter(f -> f.id().startsWith("GEN")).map(Finding::subject).toList());
                    }
                }
                assertThat(mismatches).isEmpty();
            }
        }
    }
}
