package org.mailward.reports.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.store.Database;
import org.mailward.testing.DovecotServer;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Attachment;
import org.mailward.testing.ReportGenerator.Schema;

/**
 * {@link ImapReportFetcher} against a real Dovecot (Debian dovecot-imapd, a throwaway instance on 127.0.0.1 with a
 * self-signed certificate): report mails are APPENDed unseen, fetched, stored with the generator's totals, and
 * marked only after the store.
 */
@Tag("interop")
class ImapReportFetcherInteropTest {

    @TempDir
    Path data;
    DovecotServer dovecot;
    Database db;
    ReportIngest ingest;
    final ReportGenerator gen = new ReportGenerator(5092L);
    final Map<String, Long> expectedMessages = new HashMap<>();
    final List<byte[]> mails = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dovecot = DovecotServer.start();
        db = Database.openH2(data);
        ingest = new ReportIngest(new ReportRepository(db), Clock.systemUTC(), IngestLimits.defaults());
        String[] domains = {"example.gov.uk", "example.org.uk"};
        for (int i = 0; i < 4; i++) {
            Aggregate a = gen.aggregate(i % 2 == 0 ? Schema.RFC7489 : Schema.DMARC_2_0, domains[i % 2], 3 + i, 20_400 + i, Set.of());
            expectedMessages.merge(a.domain(), a.messages(), Long::sum);
            mails.add(ReportGenerator.eml("noreply-dmarc@reporter" + i + ".example", "Report domain: " + a.domain(),
                    "m" + i + "." + a.reportId() + "@reporter.example",
                    List.of(new Attachment(a.domain() + ".xml.gz", "application/gzip",
                            ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(a)))))));
        }
    }

    @AfterEach
    void stop() {
        if (db != null) {
            db.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    ImapReportFetcher fetcher(boolean implicitTls, SSLContext tls) {
        int port = implicitTls ? dovecot.imapsPort() : dovecot.imapPort();
        ImapMailbox mb = new ImapMailbox(implicitTls, DovecotServer.USER, "127.0.0.1", port, "INBOX");
        return new ImapReportFetcher(mb, dovecot.password(), tls, Duration.ofSeconds(10));
    }

    @Test
    void unseenReportMailsAreStoredWithTheirTotalsThenMarkedSeenAndNotFetchedAgain() throws Exception {
        byte[] notAReport = "From: someone@example.net\r\nSubject: hello\r\nMessage-ID: <x1@example.net>\r\n\r\njust text\r\n"
                .getBytes(StandardCharsets.UTF_8);
        List<byte[]> all = new ArrayList<>(mails);
        all.add(notAReport);
        dovecot.append("INBOX", all);
        List<FetchedMessage> seen = new CopyOnWriteArrayList<>();

        FetchSummary s = fetcher(true, dovecot.clientTls()).fetch(ingest, new AfterFetch.Seen(), seen::add);

        assertThat(s.found()).isEqualTo(5);
        assertThat(s.stored()).isEqualTo(5);
        assertThat(s.errors()).isZero();
        assertThat(s.reportsStored()).isEqualTo(4);
        assertThat(s.reportsFailed()).as("the mail without a report is kept raw in the failed state").isEqualTo(1);
        assertThat(seen).extracting(FetchedMessage::action).containsOnly("seen");
        assertThat(seen).extracting(FetchedMessage::uid).isSorted();
        ReportRepository repo = new ReportRepository(db);
        for (Map.Entry<String, Long> e : expectedMessages.entrySet()) {
            assertThat(repo.summary(e.getKey(), 0, Long.MAX_VALUE).messages()).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(repo.count("raw_report")).isEqualTo(5);
        assertThat(repo.unparsed()).hasSize(1);
        List<DovecotServer.Stored> onServer = dovecot.messages("INBOX");
        assertThat(onServer).hasSize(5).allMatch(DovecotServer.Stored::seen);
        // the bytes stored are the bytes on the server (BODY.PEEK[] verbatim)
        byte[] firstOnServer = onServer.get(0).bytes();
        assertThat(repo.unparsed().get(0).content()).isEqualTo(onServer.get(4).bytes());
        assertThat(new String(firstOnServer, StandardCharsets.UTF_8)).contains("Report domain:");

        List<FetchedMessage> again = new ArrayList<>();
        FetchSummary s2 = fetcher(true, dovecot.clientTls()).fetch(ingest, new AfterFetch.Seen(), again::add);
        assertThat(s2.found()).isZero();
        assertThat(again).isEmpty();
        assertThat(repo.count("raw_report")).isEqualTo(5);
        for (Map.Entry<String, Long> e : expectedMessages.entrySet()) {
            assertThat(repo.summary(e.getKey(), 0, Long.MAX_VALUE).messages()).as("no double counting").isEqualTo(e.getValue());
        }
    }

    @Test
    void starttlsAndMoveToAnotherFolder() throws Exception {
        dovecot.append("INBOX", mails.subList(0, 2));
        dovecot.createFolder("Processed");
        List<FetchedMessage> out = new ArrayList<>();

        FetchSummary s = fetcher(false, dovecot.clientTls()).fetch(ingest, new AfterFetch.Move("Processed"), out::add);

        assertThat(s.stored()).isEqualTo(2);
        assertThat(s.reportsStored()).isEqualTo(2);
        assertThat(out).extracting(FetchedMessage::action).containsOnly("moved");
        assertThat(dovecot.messages("INBOX")).isEmpty();
        assertThat(dovecot.messages("Processed")).hasSize(2).allMatch(DovecotServer.Stored::seen);
    }

    @Test
    void deleteExpungesOnlyAfterTheStore() throws Exception {
        dovecot.append("INBOX", mails.subList(0, 3));
        FetchSummary s = fetcher(true, dovecot.clientTls()).fetch(ingest, new AfterFetch.Delete(), m -> { });
        assertThat(s.stored()).isEqualTo(3);
        assertThat(dovecot.messages("INBOX")).isEmpty();
        assertThat(new ReportRepository(db).count("raw_report")).isEqualTo(3);
    }

    @Test
    void aDatabaseFailureLeavesEveryMailUnseenForTheNextRun() throws Exception {
        dovecot.append("INBOX", mails.subList(0, 2));
        Database broken = Database.openH2(data.resolve("broken"));
        broken.close(); // every store now throws SQLException
        ReportIngest failing = new ReportIngest(new ReportRepository(broken), Clock.systemUTC(), IngestLimits.defaults());
        List<FetchedMessage> out = new ArrayList<>();

        FetchSummary s = fetcher(true, dovecot.clientTls()).fetch(failing, new AfterFetch.Delete(), out::add);

        assertThat(s.found()).isEqualTo(2);
        assertThat(s.stored()).isZero();
        assertThat(s.errors()).isEqualTo(2);
        assertThat(out).allSatisfy(m -> {
            assertThat(m.status()).isEqualTo(FetchedMessage.Status.ERROR);
            assertThat(m.action()).isEqualTo("none");
            assertThat(m.error()).contains("left unseen");
        });
        assertThat(dovecot.messages("INBOX")).hasSize(2).noneMatch(DovecotServer.Stored::seen).noneMatch(DovecotServer.Stored::deleted);

        // the next run with a working database takes them
        FetchSummary s2 = fetcher(true, dovecot.clientTls()).fetch(ingest, new AfterFetch.Seen(), m -> { });
        assertThat(s2.stored()).isEqualTo(2);
        assertThat(s2.reportsStored()).isEqualTo(2);
    }

    @Test
    void aMailRefusedBeforeTheRawStoreIsNotMarkedOrDeleted() throws Exception {
        dovecot.append("INBOX", mails.subList(0, 1));
        IngestLimits tiny = new IngestLimits(100, 1000, 10, 2, 1000);
        ReportIngest small = new ReportIngest(new ReportRepository(db), Clock.systemUTC(), tiny);
        List<FetchedMessage> out = new ArrayList<>();
        FetchSummary s = fetcher(true, dovecot.clientTls()).fetch(small, new AfterFetch.Delete(), out::add);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(out.get(0).error()).contains("left in the mailbox").contains("over the limit");
        assertThat(dovecot.messages("INBOX")).hasSize(1).noneMatch(DovecotServer.Stored::seen).noneMatch(DovecotServer.Stored::deleted);
    }

    @Test
    void anUntrustedCertificateIsRefusedBeforeLoginAndNothingChanges() throws Exception {
        dovecot.append("INBOX", mails.subList(0, 1));
        assertThatThrownBy(() -> fetcher(true, SSLContext.getDefault()).fetch(ingest, new AfterFetch.Seen(), m -> { }))
                .isInstanceOf(ImapReportFetcher.FetchException.class)
                .satisfies(e -> assertThat(((ImapReportFetcher.FetchException) e).authentication()).isFalse());
        assertThat(dovecot.messages("INBOX")).hasSize(1).noneMatch(DovecotServer.Stored::seen);
    }

    @Test
    void aHostNameIsVerifiedAgainstTheCertificate() throws Exception {
        dovecot.append("INBOX", mails.subList(0, 1));
        ImapReportFetcher byName = new ImapReportFetcher(new ImapMailbox(true, DovecotServer.USER, "localhost",
                dovecot.imapsPort(), "INBOX"), dovecot.password(), dovecot.clientTls(), Duration.ofSeconds(10));
        assertThat(byName.fetch(ingest, new AfterFetch.Seen(), m -> { }).stored()).isEqualTo(1);
    }

    @Test
    void aWrongPasswordIsAnAuthenticationError() throws Exception {
        ImapReportFetcher f = new ImapReportFetcher(new ImapMailbox(true, DovecotServer.USER, "127.0.0.1", dovecot.imapsPort(), "INBOX"),
                "wrong", dovecot.clientTls(), Duration.ofSeconds(10));
        assertThatThrownBy(() -> f.fetch(ingest, new AfterFetch.Seen(), m -> { }))
                .isInstanceOf(ImapReportFetcher.FetchException.class)
                .satisfies(e -> assertThat(((ImapReportFetcher.FetchException) e).authentication()).isTrue());
    }

}
