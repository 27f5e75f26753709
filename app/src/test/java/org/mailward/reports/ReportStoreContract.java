package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailward.reports.IngestResult.Status;
import org.mailward.store.Database;
import org.mailward.store.Retention;
import org.mailward.testing.ReportCorpus;
import org.mailward.testing.ReportCorpus.Sample;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Expected;
import org.mailward.testing.ReportGenerator.Row;
import org.mailward.testing.ReportGenerator.Schema;

/**
 * The store and ingest tests, run against each engine: {@link ReportStoreH2Test} (default run) and
 * {@link ReportStorePostgresTest} (interop, a throwaway PostgreSQL cluster). Expected totals come from the
 * generator's model, never from the parser under test.
 */
abstract class ReportStoreContract {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    Database db;
    ReportRepository repo;
    ReportIngest ingest;

    /** A fresh, empty, migrated database. */
    abstract Database openFresh() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = openFresh();
        repo = new ReportRepository(db);
        ingest = new ReportIngest(repo, CLOCK, IngestLimits.defaults());
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyCorpusSampleIngestsWithTheModelsTotals() throws SQLException {
        List<Sample> corpus = ReportCorpus.build(ReportCorpus.SEED);
        Set<String> seen = new HashSet<>();
        Map<String, Long> messagesPerDomain = new HashMap<>();
        int expectedStoredAggregates = 0;
        for (Sample s : corpus) {
            List<IngestResult> results = ingest.ingest("corpus/" + s.name(), s.bytes());
            List<IngestResult> ok = results.stream().filter(r -> r.status() != Status.FAILED).toList();
            long failed = results.stream().filter(r -> r.status() == Status.FAILED).count();
            assertThat(failed).as("failed parts of %s: %s", s.name(), results).isEqualTo(s.failures());
            assertThat(ok).as(s.name()).hasSameSizeAs(s.reports());
            for (int i = 0; i < ok.size(); i++) {
                IngestResult r = ok.get(i);
                Expected e = s.reports().get(i);
                boolean isNew = seen.add(e.key());
                assertThat(r.status()).as(s.name()).isEqualTo(isNew ? Status.STORED : Status.DUPLICATE);
                assertThat(r.kind().label()).isEqualTo(e.kind());
                assertThat(r.orgName()).isEqualTo(e.orgName());
                assertThat(r.reportId()).isEqualTo(e.reportId());
                assertThat(r.domain()).isEqualTo(e.domain());
                assertThat(r.records()).as(s.name()).isEqualTo(e.records());
                assertThat(r.messages()).as(s.name()).isEqualTo(e.messages());
                assertThat(r.begin()).isEqualTo(e.begin());
                assertThat(r.end()).isEqualTo(e.end());
                if (e.expectWarnings()) {
                    assertThat(r.warnings()).as("warnings for %s", s.name()).isNotEmpty();
                } else {
                    assertThat(r.warnings()).as("warnings for %s", s.name()).isEmpty();
                }
                if (isNew && e.kind().equals("dmarc-aggregate")) {
                    expectedStoredAggregates++;
                    messagesPerDomain.merge(e.domain(), e.messages(), Long::sum);
                }
            }
        }
        assertThat(repo.count("aggregate_report")).isEqualTo(expectedStoredAggregates);
        for (var e : messagesPerDomain.entrySet()) {
            assertThat(repo.summary(e.getKey(), 0, Long.MAX_VALUE).messages()).as(e.getKey()).isEqualTo(e.getValue());
        }
        // failed inputs are kept raw, with their reasons
        assertThat(repo.unparsed()).hasSize((int) corpus.stream().filter(s -> s.failures() > 0).count());
        assertThat(repo.count("ingest_failure")).isEqualTo(corpus.stream().mapToInt(Sample::failures).sum());
    }

    @Test
    void summaryTotalsPerSourceMatchTheModel() throws SQLException {
        ReportGenerator g = new ReportGenerator(42);
        Map<String, long[]> expected = new HashMap<>();
        long pass = 0;
        long total = 0;
        for (int day = 0; day < 5; day++) {
            Aggregate a = g.aggregate(day % 2 == 0 ? Schema.RFC7489 : Schema.DMARC_2_0, "summary.example", 30, 20_000 + day, Set.of());
            for (Row r : a.rows()) {
                long[] t = expected.computeIfAbsent(r.ip(), k -> new long[3]);
                t[0] += r.count();
                t[1] += r.spf().equals("pass") ? r.count() : 0;
                t[2] += r.dkim().equals("pass") ? r.count() : 0;
                total += r.count();
                pass += r.dmarcPass() ? r.count() : 0;
            }
            assertThat(ingest.ingest("day" + day + ".xml", ReportGenerator.utf8(ReportGenerator.xml(a))))
                    .extracting(IngestResult::status).containsExactly(Status.STORED);
        }
        ReportRepository.DomainSummary s = repo.summary("summary.example", 0, Long.MAX_VALUE);
        assertThat(s.messages()).isEqualTo(total);
        assertThat(s.dmarcPass()).isEqualTo(pass);
        assertThat(s.dmarcFail()).isEqualTo(total - pass);
        assertThat(s.reports()).isEqualTo(5);
        assertThat(s.sources()).hasSize(expected.size());
        for (var src : s.sources()) {
            long[] t = expected.get(src.ip());
            assertThat(new long[] {src.messages(), src.spfAligned(), src.dkimAligned()}).as(src.ip()).containsExactly(t);
        }
        // the period filter: only the first two days
        long firstTwo = repo.summary("summary.example", 20_000 * 86_400L, 20_002 * 86_400L).reports();
        assertThat(firstTwo).isEqualTo(2);
    }

    @Test
    void sameBytesTwiceAreStoredOnceAndReportedAsDuplicates() throws SQLException {
        ReportGenerator g = new ReportGenerator(1);
        byte[] xml = ReportGenerator.utf8(ReportGenerator.xml(g.aggregate(Schema.RFC7489, "dup.example", 3, 20_100, Set.of())));
        assertThat(ingest.ingest("a.xml", xml)).extracting(IngestResult::status).containsExactly(Status.STORED);
        assertThat(ingest.ingest("b.xml", xml)).extracting(IngestResult::status).containsExactly(Status.DUPLICATE);
        assertThat(repo.count("raw_report")).isEqualTo(1);
        assertThat(repo.count("aggregate_report")).isEqualTo(1);
        assertThat(repo.summary("dup.example", 0, Long.MAX_VALUE).reports()).isEqualTo(1);
    }

    @Test
    void failedReportsAreKeptRawAndReparseable() throws SQLException {
        ReportGenerator g = new ReportGenerator(2);
        Aggregate a = g.aggregate(Schema.DMARC_2_0, "reparse.example", 50, 20_200, Set.of());
        byte[] gz = ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(a)));
        // a deployment with too tight a limit refuses it...
        ReportIngest tight = new ReportIngest(repo, CLOCK, new IngestLimits(1 << 20, 2_000, 100, 5, 1_000_000));
        List<IngestResult> first = tight.ingest("tight.xml.gz", gz);
        assertThat(first).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.error()).contains("expands beyond");
        });
        assertThat(repo.unparsed()).singleElement().satisfies(raw -> {
            assertThat(raw.status()).isEqualTo("failed");
            assertThat(raw.content()).isEqualTo(gz);
        });
        // ...and after the limit is raised, reparse stores it from the kept raw bytes
        List<IngestResult> again = ingest.reparse();
        assertThat(again).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.STORED);
            assertThat(r.messages()).isEqualTo(a.messages());
            assertThat(r.records()).isEqualTo(50);
        });
        assertThat(repo.unparsed()).isEmpty();
        assertThat(repo.count("ingest_failure")).isZero();
        assertThat(ingest.reparse()).isEmpty();
    }

    @Test
    void badInputNeverStopsTheReportsBehindIt() throws SQLException {
        ReportGenerator g = new ReportGenerator(3);
        Aggregate good = g.aggregate(Schema.RFC7489, "after.example", 2, 20_300, Set.of());
        List<byte[]> inputs = List.of(
                "<feedback><report_metadata>".getBytes(),
                "{\"policies\": [".getBytes(),
                new byte[] {0x1f, (byte) 0x8b, 1, 2, 3},
                new byte[] {'P', 'K', 3, 4, 0, 0},
                new byte[0],
                ReportGenerator.utf8(ReportGenerator.xml(good)));
        int i = 0;
        List<IngestResult> last = List.of();
        for (byte[] in : inputs) {
            last = ingest.ingest("input-" + i++, in);
            assertThat(last).isNotEmpty();
        }
        assertThat(last).extracting(IngestResult::status).containsExactly(Status.STORED);
        assertThat(repo.unparsed()).hasSize(5);
    }

    @Test
    void tlsReportsStorePoliciesAndFailureDetails() throws SQLException {
        ReportGenerator g = new ReportGenerator(4);
        var t = g.tls("tls.example", 3, 20_400);
        List<IngestResult> r = ingest.ingest("tls.json", ReportGenerator.utf8(ReportGenerator.json(t)));
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.status()).isEqualTo(Status.STORED);
            assertThat(x.messages()).isEqualTo(t.expected().messages());
        });
        assertThat(repo.count("tlsrpt_policy")).isEqualTo(3);
        assertThat(repo.count("tlsrpt_failure")).isEqualTo(t.policies().stream().mapToLong(p -> p.failures().size()).sum());
    }

    @Test
    void retentionDeletesReportsOlderThanTheSetting() throws SQLException {
        ReportGenerator g = new ReportGenerator(5);
        long today = CLOCK.instant().getEpochSecond() / 86_400;
        Aggregate old = g.aggregate(Schema.RFC7489, "ret.example", 4, today - 400, Set.of());
        Aggregate recent = g.aggregate(Schema.RFC7489, "ret.example", 4, today - 10, Set.of());
        ingest.ingest("old.xml", ReportGenerator.utf8(ReportGenerator.xml(old)));
        ingest.ingest("recent.xml", ReportGenerator.utf8(ReportGenerator.xml(recent)));
        Retention retention = new Retention(db);
        assertThat(retention.apply(CLOCK.instant()).total()).as("no setting: nothing deleted").isZero();
        retention.setRetentionDays(365);
        assertThat(retention.retentionDays()).hasValue(365);
        Retention.Deleted d = retention.apply(CLOCK.instant());
        assertThat(d.aggregateReports()).isEqualTo(1);
        assertThat(repo.count("aggregate_report")).isEqualTo(1);
        assertThat(repo.count("aggregate_row")).isEqualTo(4);
        assertThat(repo.summary("ret.example", 0, Long.MAX_VALUE).messages()).isEqualTo(recent.messages());
        // the raw report was received "now": kept until it is itself older than the cut-off
        assertThat(d.rawReports()).isZero();
        assertThat(new Retention(db).deleteOlderThan(CLOCK.instant().plusSeconds(86_400)).rawReports()).isEqualTo(2);
    }

    /** The JDBC URL of the database {@link #openFresh} opened. */
    abstract String url();

    @Test
    void reopeningFindsTheSchemaCurrentAndTheDataThere() throws Exception {
        ReportGenerator g = new ReportGenerator(6);
        Aggregate a = g.aggregate(Schema.RFC7489, "reopen.example", 3, 20_600, Set.of());
        ingest.ingest("r.xml", ReportGenerator.utf8(ReportGenerator.xml(a)));
        db.close();
        db = Database.open(url(), "", "");
        ReportRepository again = new ReportRepository(db);
        assertThat(again.summary("reopen.example", 0, Long.MAX_VALUE).messages()).isEqualTo(a.messages());
        try (var c = db.connection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            List<String> versions = new java.util.ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
            // every migration on the classpath (V<n>__*.sql), each applied once, in order
            List<String> files;
            try (var list = java.nio.file.Files.list(java.nio.file.Path.of(
                    ReportStoreContract.class.getResource("/db/migration").toURI()))) {
                files = list.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                        .map(n -> n.substring(1, n.indexOf("__"))).sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
            }
            assertThat(files).contains("1", "2");
            assertThat(versions).as("each migration applied once").containsExactlyElementsOf(files);
        }
    }
}
