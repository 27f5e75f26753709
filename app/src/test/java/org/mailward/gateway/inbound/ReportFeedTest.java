package org.mailward.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.smtp.Mailbox;
import org.mailward.store.Database;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;

/** The report inbox: durable before 250, removed only after the database stored it, retried after a database outage. */
class ReportFeedTest {

    @TempDir
    Path dir;

    static ReportIngest ingest(Database db) {
        return new ReportIngest(new ReportRepository(db), Clock.systemUTC(), IngestLimits.defaults());
    }

    static byte[] report(Aggregate a) {
        return ReportGenerator.utf8(ReportGenerator.xml(a));
    }

    static void awaitEmpty(ReportFeed f) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!f.waiting().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(f.waiting()).isEmpty();
    }

    @Test
    void addressesMatchCaseInsensitively() throws Exception {
        try (ReportFeed f = new ReportFeed(dir.resolve("inbox"), List.of("DMARC@Example.gov.uk"), false, Optional.empty(), Duration.ofSeconds(1))) {
            assertThat(f.isReportAddress(Mailbox.of("dmarc", "example.gov.uk"))).isTrue();
            assertThat(f.isReportAddress(Mailbox.of("alice", "example.gov.uk"))).isFalse();
            assertThat(ReportFeed.NONE.isReportAddress(Mailbox.of("dmarc", "example.gov.uk"))).isFalse();
        }
    }

    @Test
    void withoutADatabaseReportsWaitInTheInboxAndAreIngestedOnTheNextStart() throws Exception {
        Aggregate a = new ReportGenerator(11).aggregate(ReportGenerator.Schema.RFC7489, "example.gov.uk", 4, 20_460, Set.of());
        try (ReportFeed f = new ReportFeed(dir.resolve("inbox"), List.of("dmarc@example.gov.uk"), false, Optional.empty(), Duration.ofMillis(50)).start()) {
            f.store("0000000000001AAAAAA", report(a));
            Thread.sleep(200);
            assertThat(f.waiting()).hasSize(1);
        }
        try (Database db = Database.openH2(dir.resolve("db"));
             ReportFeed f = new ReportFeed(dir.resolve("inbox"), List.of("dmarc@example.gov.uk"), false, Optional.of(ingest(db)), Duration.ofMillis(50)).start()) {
            awaitEmpty(f);
            assertThat(new ReportRepository(db).summary("example.gov.uk", 0, Long.MAX_VALUE).messages()).isEqualTo(a.messages());
        }
    }

    @Test
    void aDatabaseErrorKeepsTheFileUntilTheStoreWorks() throws Exception {
        Aggregate a = new ReportGenerator(12).aggregate(ReportGenerator.Schema.RFC7489, "example.gov.uk", 3, 20_461, Set.of());
        Database broken = Database.openH2(dir.resolve("broken"));
        broken.close();
        try (ReportFeed f = new ReportFeed(dir.resolve("inbox"), List.of("dmarc@example.gov.uk"), false, Optional.of(ingest(broken)), Duration.ofMillis(50)).start()) {
            f.store("0000000000002BBBBBB", report(a));
            Thread.sleep(500); // several failed attempts
            assertThat(f.waiting()).as("never deleted before a commit").hasSize(1);
        }
        try (Database db = Database.openH2(dir.resolve("db"));
             ReportFeed f = new ReportFeed(dir.resolve("inbox"), List.of("dmarc@example.gov.uk"), false, Optional.of(ingest(db)), Duration.ofMillis(50)).start()) {
            awaitEmpty(f);
            assertThat(new ReportRepository(db).summary("example.gov.uk", 0, Long.MAX_VALUE).messages()).isEqualTo(a.messages());
        }
    }

    @Test
    void aReportRefusedBeforeTheRawStoreIsKeptInTheFailedDirectory() throws Exception {
        Aggregate a = new ReportGenerator(13).aggregate(ReportGenerator.Schema.RFC7489, "example.gov.uk", 3, 20_462, Set.of());
        try (Database db = Database.openH2(dir.resolve("db"));
             ReportFeed f = new ReportFeed(dir.resolve("inbox"), List.of("dmarc@example.gov.uk"), false,
                     Optional.of(new ReportIngest(new ReportRepository(db), Clock.systemUTC(), new IngestLimits(100, 1000, 10, 2, 1000))),
                     Duration.ofMillis(50)).start()) {
            f.store("0000000000003CCCCCC", report(a));
            awaitEmpty(f);
            assertThat(dir.resolve("inbox/failed/0000000000003CCCCCC.eml")).exists();
            assertThat(new ReportRepository(db).count("raw_report")).isZero();
        }
    }
}
