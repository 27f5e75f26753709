package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailward.store.Database;
import org.mailward.testing.ReportGenerator;

/**
 * {@link DashboardQueries} against the generator's model, run on each engine (H2 and PostgreSQL subclasses):
 * the figures the dashboard, API and advisor show are recomputed here from the generated reports, not from SQL.
 */
abstract class DashboardQueriesContract {

    static final long DAY0 = 20_500;
    static final int DAYS = 9;

    abstract Database openFresh() throws Exception;

    Database db;
    DashboardQueries q;
    final Map<String, long[]> model = new TreeMap<>(); // messages, pass, reports
    final Map<String, Map<String, long[]>> sources = new TreeMap<>(); // messages, pass, spf, dkim
    final Map<String, Long> tlsFailures = new TreeMap<>(); // domain|type|mx -> sessions
    final Map<String, long[]> tlsTotals = new TreeMap<>(); // success, failure
    final Map<String, String[]> policies = new TreeMap<>(); // domain -> p published in the report of each day
    final Map<String, Map<String, TreeSet<String>>> reporters = new TreeMap<>(); // domain -> ip -> orgs
    int inputs;
    final long now = (DAY0 + DAYS) * 86_400 + 100;

    @BeforeEach
    void fill() throws Exception {
        db = openFresh();
        q = new DashboardQueries(db);
        ReportIngest ingest = new ReportIngest(new ReportRepository(db),
                Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC), IngestLimits.defaults());
        ReportGenerator gen = new ReportGenerator(99);
        for (String domain : List.of("a.example", "b.example")) {
            for (int d = 0; d < DAYS; d++) {
                ReportGenerator.Aggregate a = gen.aggregate(ReportGenerator.Schema.RFC7489, domain, 2 + d, DAY0 + d, Set.of());
                ingest.ingest("agg-" + domain + d, ReportGenerator.utf8(ReportGenerator.xml(a)));
                inputs++;
                policies.computeIfAbsent(domain, k -> new String[DAYS])[d] = a.p();
                long[] t = model.computeIfAbsent(domain, k -> new long[3]);
                t[2]++;
                for (ReportGenerator.Row r : a.renderedRows()) {
                    long[] s = sources.computeIfAbsent(domain, k -> new TreeMap<>()).computeIfAbsent(r.ip(), k -> new long[4]);
                    t[0] += r.count();
                    s[0] += r.count();
                    if (r.dmarcPass()) {
                        t[1] += r.count();
                        s[1] += r.count();
                    }
                    s[2] += r.spf().equals("pass") ? r.count() : 0;
                    s[3] += r.dkim().equals("pass") ? r.count() : 0;
                    reporters.computeIfAbsent(domain, k -> new TreeMap<>()).computeIfAbsent(r.ip(), k -> new TreeSet<>())
                            .add(a.orgName());
                }
            }
            ReportGenerator.Tls tls = gen.tls(domain, 3, DAY0 + 1);
            ingest.ingest("tls-" + domain, ReportGenerator.utf8(ReportGenerator.json(tls)));
            inputs++;
            long[] tt = tlsTotals.computeIfAbsent(domain, k -> new long[2]);
            for (ReportGenerator.TlsPolicy p : tls.policies()) {
                tt[0] += p.success();
                tt[1] += p.failure();
                for (ReportGenerator.TlsFailure f : p.failures()) {
                    tlsFailures.merge(domain + "|" + f.resultType() + "|" + f.mx(), f.sessions(), Long::sum);
                }
            }
        }
        ingest.ingest("broken.xml", ReportGenerator.utf8("<feedback><report_metadata>"));
        inputs++;
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void overviewEqualsTheModel() throws Exception {
        List<DashboardQueries.DomainOverview> o = q.overview(now - 30 * 86_400L, now + 1);
        assertThat(o).extracting(DashboardQueries.DomainOverview::domain).containsExactlyInAnyOrderElementsOf(model.keySet());
        for (DashboardQueries.DomainOverview d : o) {
            long[] t = model.get(d.domain());
            assertThat(new long[] {d.messages(), d.dmarcPass(), d.reports()}).as(d.domain()).containsExactly(t);
            assertThat(d.trend()).hasSize(DAYS);
            assertThat(d.trend().stream().mapToLong(DashboardQueries.DayPoint::messages).sum()).isEqualTo(t[0]);
        }
        // busiest first
        assertThat(o.get(0).messages()).isGreaterThanOrEqualTo(o.get(o.size() - 1).messages());
        // a period before every report is empty
        assertThat(q.overview(0, DAY0 * 86_400L)).isEmpty();
    }

    @Test
    void overviewPolicyIsTheLatestReportsBeforeTheEndOfThePeriod() throws Exception {
        for (int last = 0; last < DAYS; last++) {
            // periods ending after the report of day `last`: from the start, and from that day only
            for (long since : new long[] {0, (DAY0 + last) * 86_400L}) {
                List<DashboardQueries.DomainOverview> o = q.overview(since, (DAY0 + last + 1) * 86_400L);
                assertThat(o).hasSize(model.size());
                for (DashboardQueries.DomainOverview d : o) {
                    assertThat(d.policy()).as("%s up to day %d", d.domain(), last).isEqualTo(policies.get(d.domain())[last]);
                    assertThat(d.pct()).isEqualTo(100);
                    assertThat(d.policy()).isEqualTo(q.domain(d.domain(), since, (DAY0 + last + 1) * 86_400L).orElseThrow().policy());
                }
            }
        }
    }

    @Test
    void domainDetailEqualsTheModelPerSource() throws Exception {
        for (String domain : model.keySet()) {
            DashboardQueries.DomainDetail d = q.domain(domain.toUpperCase(), 0, now + 1).orElseThrow();
            assertThat(d.messages()).isEqualTo(model.get(domain)[0]);
            assertThat(d.dmarcPass()).isEqualTo(model.get(domain)[1]);
            assertThat(d.reportDays()).isEqualTo(DAYS);
            Map<String, long[]> seen = new TreeMap<>();
            d.sources().forEach(s -> seen.put(s.ip(), new long[] {s.messages(), s.dmarcPass(), s.spfAligned(), s.dkimAligned()}));
            assertThat(seen.keySet()).isEqualTo(sources.get(domain).keySet());
            sources.get(domain).forEach((ip, v) -> assertThat(seen.get(ip)).as(ip).containsExactly(v));
            // every organisation that reported the source, sorted
            d.sources().forEach(s -> assertThat(s.reporters()).as(s.ip())
                    .containsExactlyElementsOf(reporters.get(domain).get(s.ip())));
            assertThat(d.reports()).isEqualTo(model.get(domain)[2]);
        }
        assertThat(q.domain("unknown.example", 0, now + 1)).isEmpty();
    }

    @Test
    void adviceUsesTheWindowsTraffic() throws Exception {
        for (String domain : model.keySet()) {
            RolloutAdvisor.Advice a = q.advise(domain, now, 30, Optional.of(new RolloutAdvisor.Stage("quarantine", 50))).orElseThrow();
            long[] t = model.get(domain);
            assertThat(a.messages()).isEqualTo(t[0]);
            assertThat(a.failing()).isEqualTo(t[0] - t[1]);
            assertThat(a.expectedQuarantined()).isCloseTo((t[0] - t[1]) * 0.5, within(1e-6));
            assertThat(a.reportDays()).isEqualTo(DAYS);
        }
        // a short window sees only the reports that begin inside it (now is 100 s into the day after the last report)
        String domain = model.keySet().iterator().next();
        RolloutAdvisor.Advice recent = q.advise(domain, now, 3, Optional.empty()).orElseThrow();
        long inWindow = java.util.stream.LongStream.range(0, DAYS).filter(d -> (DAY0 + d) * 86_400 >= now - 3 * 86_400L).count();
        assertThat(inWindow).isEqualTo(2);
        assertThat(recent.reportDays()).isEqualTo((int) inWindow);
        assertThat(recent.messages()).isLessThan(model.get(domain)[0]);
    }

    @Test
    void tlsFailuresByTypeAndMx() throws Exception {
        Map<String, Long> seen = new TreeMap<>();
        for (DashboardQueries.TlsFailureRow r : q.tlsFailures(0, now + 1)) {
            seen.put(r.domain() + "|" + r.resultType() + "|" + r.mx(), r.sessions());
        }
        assertThat(seen).isEqualTo(tlsFailures);
        Map<String, long[]> totals = new TreeMap<>();
        q.tlsTotals(0, now + 1).forEach(t -> totals.put(t.domain(), new long[] {t.success(), t.failure()}));
        assertThat(totals.keySet()).isEqualTo(tlsTotals.keySet());
        tlsTotals.forEach((k, v) -> assertThat(totals.get(k)).containsExactly(v));
    }

    @Test
    void rawReportsAndIngestErrors() throws Exception {
        List<DashboardQueries.RawRow> all = q.rawReports(Optional.empty(), 1000, Long.MAX_VALUE);
        assertThat(all).hasSize(inputs);
        assertThat(all.get(0).id()).isGreaterThan(all.get(all.size() - 1).id());
        List<DashboardQueries.RawRow> failed = q.rawReports(Optional.of("failed"), 1000, Long.MAX_VALUE);
        assertThat(failed).singleElement().satisfies(r -> assertThat(r.origin()).isEqualTo("broken.xml"));
        assertThat(q.rawContent(failed.get(0).id())).hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("<feedback><report_metadata>"));
        assertThat(q.rawReports(Optional.empty(), 5, all.get(4).id())).hasSize(5).allMatch(r -> r.id() < all.get(4).id());
        assertThat(q.ingestFailures(100)).singleElement().satisfies(f -> {
            assertThat(f.rawId()).isEqualTo(failed.get(0).id());
            assertThat(f.reason()).isNotBlank();
        });
    }

    @Test
    void otherDomainPassesAreReadFromTheRawResults() {
        String json = "{\"dkim\":[{\"domain\":\"esp.example\",\"result\":\"pass\"}],\"spf\":[{\"domain\":\"bounce.a.example\",\"result\":\"pass\"}]}";
        assertThat(DashboardQueries.otherPasses(json, "a.example")).containsExactly(true, false);
        assertThat(DashboardQueries.otherPasses("{\"spf\":[{\"domain\":\"esp.example\",\"result\":\"PASS\"}]}", "a.example"))
                .containsExactly(false, true);
        assertThat(DashboardQueries.otherPasses("not json", "a.example")).containsExactly(false, false);
        assertThat(DashboardQueries.otherPasses(null, "a.example")).containsExactly(false, false);
    }
}
