package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mailward.check.world.TestWorld;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.records.DkimKeyFile;
import org.mailward.records.DmarcRollout;
import org.mailward.records.PublishedRecord;
import org.mailward.records.RecordsGenerator;

/**
 * Records round trip (issue 6): what the records generator prints, loaded as a zone on top of the test world (its MX
 * hosts, SMTP/TLS endpoints and MTA-STS policy servers), passes the checker with no ERROR finding, for every rollout
 * stage, in both profiles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordsRoundTripTest {

    private TestWorld world;
    private DkimKeyFile.Result.Ok key;

    @BeforeAll
    void start() throws Exception {
        world = TestWorld.shared();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        byte[] der = g.generateKeyPair().getPrivate().getEncoded();
        key = (DkimKeyFile.Result.Ok) DkimKeyFile.fromPem("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n");
    }


    // One runner for the class (its probe cache is shared); the published zone is swapped per plan.
    private final AtomicReference<ZoneFileResolver> published = new AtomicReference<>(ZoneFileResolver.fromText(""));
    private CheckRunner runner;

    private DomainReport publishAndCheck(RecordsGenerator.Plan plan) {
        StringBuilder zone = new StringBuilder();
        for (PublishedRecord r : plan.records()) {
            zone.append(r.zoneLine()).append('\n');
        }
        published.set(ZoneFileResolver.fromText(zone.toString()));
        if (runner == null) {
            Resolver base = world.resolver();
            // A published RRset replaces the world's RRset of the same name and type; everything else is the world's.
            Resolver patched = (n, t) -> {
                var a = published.get().query(n, t);
                return a.hasRecords() ? a : base.query(n, t);
            };
            runner = new CheckRunner(world.config(patched).build());
        }
        return runner.check(plan.domain());
    }

    private static Set<String> errors(DomainReport r) {
        return r.findings().stream().filter(f -> f.severity() == Severity.ERROR).map(f -> f.id() + " " + f.summary()).collect(Collectors.toSet());
    }

    @Test
    void genericProfileEveryStage() {
        for (DmarcRollout stage : DmarcRollout.values()) {
            RecordsGenerator.Plan plan = new RecordsGenerator("perfect.test").profile(RecordsGenerator.Profile.GENERIC).stage(stage)
                    .spf(List.of(), List.of("127.0.0.0/24", "::1/128"), "-all").dkim("s2026", key)
                    .mtaSts("enforce", List.of("mx.perfect.test")).tlsrpt(List.of("mailto:tlsrpt@perfect.test"))
                    .rua(List.of("dmarc@reports.test"))
                    .generate(Optional.of(world.resolver()), Clock.fixed(TestWorld.NOW, ZoneOffset.UTC));
            assertThat(plan.records()).extracting(PublishedRecord::name).contains("_dmarc.perfect.test.", "perfect.test.",
                    "s2026._domainkey.perfect.test.", "_mta-sts.perfect.test.", "_smtp._tls.perfect.test.", "perfect.test._report._dmarc.reports.test.");
            assertThat(plan.spf()).get().matches(c -> c.withinLimits() && c.lookups() == 0);
            DomainReport r = publishAndCheck(plan);
            assertThat(errors(r)).as(stage.label()).isEmpty();
            if (stage == DmarcRollout.REJECT) {
                assertThat(r.findings()).as("reject stage: nothing at all to say").isEmpty();
            }
        }
    }

    @Test
    void ukProfileEveryStage() {
        for (DmarcRollout stage : DmarcRollout.values()) {
            RecordsGenerator.Plan plan = new RecordsGenerator("central.gov.uk").profile(RecordsGenerator.Profile.UK_GOV).stage(stage)
                    .generate(Optional.of(world.resolver()), Clock.fixed(TestWorld.NOW, ZoneOffset.UTC));
            DomainReport r = publishAndCheck(plan);
            assertThat(errors(r)).as(stage.label()).isEmpty();
            assertThat(r.ids()).contains("UK-DMARC-ROLLOUT-STAGE").doesNotContain("UK-DMARC-CENTRAL-RUA", "UK-DMARC-OWN-RUA", "UK-TLSRPT-CENTRAL");
        }
    }

    @Test
    void spfLookupsThroughIncludesAreCounted() {
        // reports.test has no SPF record: the include is a permerror (RFC 7208 5.2), which the count reports.
        RecordsGenerator.Plan bad = new RecordsGenerator("perfect.test").spf(List.of("reports.test"), List.of(), "~all")
                .generate(Optional.of(world.resolver()), Clock.fixed(TestWorld.NOW, ZoneOffset.UTC));
        assertThat(bad.spf()).get().matches(c -> !c.withinLimits());
        assertThat(bad.notes()).anyMatch(n -> n.startsWith("SPF check: permerror"));
    }
}
