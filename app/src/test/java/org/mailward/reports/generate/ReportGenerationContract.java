package org.mailward.reports.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.reports.AggregateReport;
import org.mailward.reports.AggregateReport.AggregateRecord;
import org.mailward.reports.AggregateReport.Schema;
import org.mailward.testing.DmarcSchemas;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.IngestResult;
import org.mailward.reports.ParseOutcome;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportKind;
import org.mailward.reports.ReportRepository;
import org.mailward.reports.TlsReport;
import org.mailward.reports.TlsReportParser;
import org.mailward.reports.generate.ReportGeneration.Delivery;
import org.mailward.reports.generate.ReportGeneration.Kind;
import org.mailward.reports.generate.ReportGeneration.Planned;
import org.mailward.store.Database;
import org.mailward.testing.GatewayEventRows;
import org.mailward.testing.SmtpSink;

/**
 * Receiver-side report generation end to end on a store (H2 and PostgreSQL subclasses): gateway event rows in, reports out; the reports validate
 * against the schemas, come back through our own ingest with the rows' totals, go only to authorised destinations
 * within their size limits, and are sent to a local SMTP sink.
 */
abstract class ReportGenerationContract {

    static final ReporterIdentity ME = new ReporterIdentity("Receiver Test Org", "dmarc-reports@receiver.test", "receiver.test");
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(GatewayEventRows.END + 3600), ZoneOffset.UTC);

    Database db;

    /** A new, empty, migrated store. */
    abstract Database openFresh() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = openFresh();
        GatewayEventRows.insertSampleDay(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    ReportGeneration generation(Schema schema) {
        return new ReportGeneration(new GatewayEventReader(db), destinations(), ME, schema, CLOCK);
    }

    static ReportDestinations destinations() {
        return new ReportDestinations(ZoneFileResolver.fromText(GatewayEventRows.ZONE), PublicSuffixList.bundled());
    }

    /** The number of in-day rows per policy domain, counted from the table itself (not from the generator). */
    private Map<String, Long> rowsPerDomain() throws Exception {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT policy_domain, COUNT(*) FROM auth_event"
                + " WHERE event_ts >= ? AND event_ts < ? AND policy_domain IS NOT NULL GROUP BY policy_domain")) {
            ps.setLong(1, GatewayEventRows.BEGIN);
            ps.setLong(2, GatewayEventRows.END);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void aggregateReportsValidateAgainstTheSchema(Schema schema) throws Exception {
        Validator validator = DmarcSchemas.validator(schema);
        List<GeneratedAggregate> reports = new AggregateReportGenerator(new GatewayEventReader(db), ME, schema)
                .generate(GatewayEventRows.BEGIN, GatewayEventRows.END);
        assertThat(reports).extracting(GeneratedAggregate::policyDomain).containsExactly("example.com", "example.org");
        for (GeneratedAggregate r : reports) {
            validator.validate(new StreamSource(new ByteArrayInputStream(r.xml())));
            assertThat(gunzip(r.gzip())).isEqualTo(r.xml());
        }
        assertThat(reports.stream().collect(Collectors.toMap(GeneratedAggregate::policyDomain, GeneratedAggregate::eventRows)))
                .isEqualTo(rowsPerDomain());
    }

    @Test
    void aggregateReportContent() throws Exception {
        GeneratedAggregate com = new AggregateReportGenerator(new GatewayEventReader(db), ME, Schema.RFC7489)
                .generate(GatewayEventRows.BEGIN, GatewayEventRows.END).get(0);
        AggregateReport r = com.report();
        assertThat(com.fileName()).isEqualTo("receiver.test!example.com!" + GatewayEventRows.BEGIN + "!"
                + (GatewayEventRows.END - 1) + ".xml.gz");
        assertThat(r.begin()).isEqualTo(GatewayEventRows.BEGIN);
        assertThat(r.end()).isEqualTo(GatewayEventRows.END - 1);
        assertThat(r.orgName()).isEqualTo("Receiver Test Org");
        assertThat(r.email()).isEqualTo("dmarc-reports@receiver.test");
        // the newest policy of the day: p=reject (one early row was evaluated under p=none)
        assertThat(r.policy().p()).isEqualTo("reject");
        assertThat(r.policy().aspf()).isEqualTo("s");
        // the p=none row and the five p=reject rows from 192.0.2.1 are one record of 6
        assertThat(r.records()).extracting(x -> x.sourceIp() + " " + x.count() + " " + x.disposition() + " " + x.dkim() + "/" + x.spf())
                .containsExactlyInAnyOrder("192.0.2.1 6 none pass/pass", "198.51.100.7 2 reject fail/fail",
                        "198.51.100.8 2 none fail/fail", "192.0.2.1 1 none pass/fail");
        AggregateRecord list = r.records().stream().filter(x -> x.sourceIp().equals("198.51.100.8")).findFirst().orElseThrow();
        assertThat(list.reasons()).extracting(o -> o.type() + "=" + o.comment())
                .containsExactly("mailing_list=forwarded by a list", "local_policy=override allow-list");
        assertThat(list.dkimResults()).extracting(d -> d.domain() + ":" + d.result()).containsExactly("lists.example:pass", "example.com:fail");
        assertThat(list.envelopeTo()).isEqualTo("receiver.test,other.test");
        // the report id is stable: a second run gives the same id (and so a duplicate at the receiver)
        GeneratedAggregate again = new AggregateReportGenerator(new GatewayEventReader(db), ME, Schema.RFC7489)
                .generate(GatewayEventRows.BEGIN, GatewayEventRows.END).get(0);
        assertThat(again.report().reportId()).isEqualTo(r.reportId());
        assertThat(again.xml()).isEqualTo(com.xml());
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void ourOwnIngestReadsTheGeneratedReportsWithTheRowsTotals(Schema schema) throws Exception {
        List<GeneratedAggregate> reports = new AggregateReportGenerator(new GatewayEventReader(db), ME, schema)
                .generate(GatewayEventRows.BEGIN, GatewayEventRows.END);
        ReportRepository repo = new ReportRepository(db);
        ReportIngest ingest = new ReportIngest(repo, CLOCK, IngestLimits.defaults());
        Map<String, Long> expected = rowsPerDomain();
        for (GeneratedAggregate r : reports) {
            List<IngestResult> results = ingest.ingest(r.fileName(), r.gzip());
            assertThat(results).hasSize(1);
            IngestResult res = results.get(0);
            assertThat(res.status()).as(res.error()).isEqualTo(IngestResult.Status.STORED);
            assertThat(res.warnings()).isEmpty();
            assertThat(res.domain()).isEqualTo(r.policyDomain());
            assertThat(res.messages()).isEqualTo(expected.get(r.policyDomain()));
            assertThat(res.records()).isEqualTo(r.report().records().size());
            assertThat(repo.summary(r.policyDomain(), 0, Long.MAX_VALUE).messages()).isEqualTo(expected.get(r.policyDomain()));
            // the same report again is a duplicate, not counted twice
            assertThat(ingest.ingest(r.fileName(), r.gzip()).get(0).status()).isEqualTo(IngestResult.Status.DUPLICATE);
        }
        // DMARC pass per the rows: aligned DKIM or SPF
        long pass = count("SELECT COUNT(*) FROM auth_event WHERE event_ts >= ? AND event_ts < ? AND policy_domain = 'example.com'"
                + " AND (dkim_aligned = 'pass' OR spf_aligned = 'pass')");
        assertThat(repo.summary("example.com", 0, Long.MAX_VALUE).dmarcPass()).isEqualTo(pass);
    }

    private long count(String sql) throws Exception {
        try (var c = db.connection(); var ps = c.prepareStatement(sql)) {
            ps.setLong(1, GatewayEventRows.BEGIN);
            ps.setLong(2, GatewayEventRows.END);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void tlsReportsParseWithOurParserWithTheRowsTotals() throws Exception {
        List<GeneratedTlsReport> reports = new TlsReportGenerator(new GatewayEventReader(db), ME)
                .generate(GatewayEventRows.BEGIN, GatewayEventRows.END);
        assertThat(reports).extracting(GeneratedTlsReport::domain).containsExactly("example.net", "example.org");
        for (GeneratedTlsReport r : reports) {
            TlsReport parsed = ((ParseOutcome.Ok<TlsReport>) new TlsReportParser().parse(r.json())).value();
            assertThat(parsed.warnings()).isEmpty();
            long ok = countTls(r.domain(), "result = 'success'");
            long bad = countTls(r.domain(), "result <> 'success'");
            assertThat(parsed.successTotal()).isEqualTo(ok).isEqualTo(r.successful());
            assertThat(parsed.failureTotal()).isEqualTo(bad).isEqualTo(r.failed());
            assertThat(parsed.begin()).isEqualTo(GatewayEventRows.BEGIN);
            assertThat(parsed.end()).isEqualTo(GatewayEventRows.END - 1);
            assertThat(parsed.orgName()).isEqualTo(ME.orgName());
            // failure details add up to the failure count
            assertThat(parsed.policies().stream().flatMap(p -> p.failures().stream()).mapToLong(TlsReport.FailureDetail::failedSessionCount).sum())
                    .isEqualTo(bad);
            assertThat(gunzip(r.gzip())).isEqualTo(r.json());
        }
        TlsReport net = ((ParseOutcome.Ok<TlsReport>) new TlsReportParser().parse(reports.get(0).json())).value();
        assertThat(net.policies()).hasSize(1);
        assertThat(net.policies().get(0).policyType()).isEqualTo("no-policy-found");
        assertThat(net.policies().get(0).failures()).extracting(f -> f.resultType() + " " + f.receivingMxHostname() + " "
                + f.receivingIp() + " " + f.failedSessionCount())
                .containsExactly("certificate-not-trusted mx1.example.net 192.0.2.25 2", "starttls-not-supported mx2.example.net 192.0.2.26 1");
        TlsReport org = ((ParseOutcome.Ok<TlsReport>) new TlsReportParser().parse(reports.get(1).json())).value();
        assertThat(org.policies().get(0).policyType()).isEqualTo("sts");
        assertThat(org.policies().get(0).policyString()).containsExactly("version: STSv1", "mode: enforce", "mx: mx.example.org", "max_age: 86400");
        assertThat(org.policies().get(0).mxHosts()).containsExactly("mx.example.org");
        // and through the ingest loop, as the receiving side would store it
        IngestResult stored = new ReportIngest(new ReportRepository(db), CLOCK, IngestLimits.defaults())
                .ingest(reports.get(0).fileName(), reports.get(0).gzip()).get(0);
        assertThat(stored.kind()).isEqualTo(ReportKind.TLSRPT);
        assertThat(stored.status()).isEqualTo(IngestResult.Status.STORED);
        assertThat(stored.messages()).isEqualTo(countTls("example.net", "1 = 1"));
    }

    private long countTls(String domain, String cond) throws Exception {
        try (var c = db.connection(); var ps = c.prepareStatement("SELECT COUNT(*) FROM delivery_tls_event WHERE event_ts >= ?"
                + " AND event_ts < ? AND recipient_domain = ? AND " + cond)) {
            ps.setLong(1, GatewayEventRows.BEGIN);
            ps.setLong(2, GatewayEventRows.END);
            ps.setString(3, domain);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void externalDestinationsNeedTheirReportRecord() {
        ReportDestinations.Lookup com = destinations().dmarc("example.com");
        assertThat(com.destinations()).extracting(d -> d.target() + " " + d.accepted())
                .containsExactly("dmarc@example.com true", "reports@thirdparty.example false");
        assertThat(com.destinations().get(1).reason()).contains("example.com._report._dmarc.thirdparty.example");
        assertThat(com.destinations().get(1).maxBytes()).contains(10L << 20);
        ReportDestinations.Lookup org = destinations().dmarc("example.org");
        assertThat(org.destinations()).extracting(d -> d.target() + " " + d.accepted())
                .containsExactly("agg@reports.example.net true", "tiny@example.org true");
        assertThat(org.destinations().get(0).reason()).contains("authorised by example.org._report._dmarc.reports.example.net");
        // the same third party with the authorisation record: accepted
        ReportDestinations withRecord = new ReportDestinations(ZoneFileResolver.fromText(GatewayEventRows.ZONE
                + "example.com._report._dmarc.thirdparty.example. IN TXT \"v=DMARC1;\"\n"), PublicSuffixList.bundled());
        assertThat(withRecord.dmarc("example.com").destinations()).allMatch(Destination::accepted);
        // a rua in the authorising record replaces the destination, only with addresses at the same host
        ReportDestinations redirect = new ReportDestinations(ZoneFileResolver.fromText(GatewayEventRows.ZONE
                + "example.com._report._dmarc.thirdparty.example. IN TXT \"v=DMARC1; rua=mailto:customer42@thirdparty.example!1m,mailto:x@elsewhere.example\"\n"),
                PublicSuffixList.bundled());
        assertThat(redirect.dmarc("example.com").destinations()).extracting(d -> d.target() + " " + d.accepted() + " " + d.maxBytes().orElse(0L))
                .containsExactly("dmarc@example.com true 0", "customer42@thirdparty.example true 1048576", "x@elsewhere.example false 0");
        // a record that is not v=DMARC1 does not authorise
        ReportDestinations wrongRecord = new ReportDestinations(ZoneFileResolver.fromText(GatewayEventRows.ZONE
                + "example.com._report._dmarc.thirdparty.example. IN TXT \"v=spf1 -all\"\n"), PublicSuffixList.bundled());
        assertThat(wrongRecord.dmarc("example.com").destinations().get(1).accepted()).isFalse();
        // no DMARC record now: nothing, with a note
        assertThat(destinations().dmarc("nodmarc.test").destinations()).isEmpty();
        assertThat(destinations().dmarc("nodmarc.test").notes()).singleElement().asString().contains("no DMARC record");
    }

    @Test
    void sizeLimitRefusesTheTooSmallDestinationOnly() throws Exception {
        Planned org = plan(Schema.RFC7489).stream().filter(p -> p.kind() == Kind.DMARC_AGGREGATE && p.domain().equals("example.org"))
                .findFirst().orElseThrow();
        assertThat(org.destinations()).extracting(d -> d.target() + " " + d.accepted())
                .containsExactly("agg@reports.example.net true", "tiny@example.org false");
        assertThat(org.destinations().get(1).reason()).contains("over the limit of 100 bytes");
        assertThat(org.mailRecipients()).containsExactly("agg@reports.example.net");
        assertThat(mailText(org)).contains("To: agg@reports.example.net\r\n").doesNotContain("tiny@");
        // RFC 7489 7.2.2: the refused destination gets a short error report instead, naming the report and its size
        assertThat(org.sizeErrors()).singleElement().satisfies(e -> {
            assertThat(e.destination().target()).isEqualTo("tiny@example.org");
            assertThat(e.reportBytes()).isGreaterThan(100);
            String err = new String(e.mail(), StandardCharsets.US_ASCII);
            Map<String, String> fields = errorFields(err);
            assertThat(fields).containsEntry("Report-Domain", "example.org")
                    .containsEntry("Report-ID", "<" + org.reportId() + "@receiver.test>")
                    .containsEntry("Report-Size", Long.toString(e.reportBytes()))
                    .containsEntry("Submitter", "receiver.test")
                    .containsEntry("Submitting-URI", "mailto:tiny@example.org")
                    .containsKey("Report-Date");
            assertThat(err).contains("To: tiny@example.org\r\n", "From: dmarc-reports@receiver.test\r\n")
                    .doesNotContain("application/gzip");
            assertThat((long) e.mail().length).isLessThan(e.reportBytes());
        });
        // the other report (example.com) had no limit problem: no error report
        assertThat(plan(Schema.RFC7489).get(0).sizeErrors()).isEmpty();
    }

    @Test
    void aLimitThatNoDestinationMeetsLeavesOnlyErrorReports() throws Exception {
        // both addresses limited below the report size: no report mail at all, one error report each
        ReportDestinations limited = new ReportDestinations(ZoneFileResolver.fromText(GatewayEventRows.ZONE.replace(
                "rua=mailto:agg@reports.example.net,mailto:tiny@example.org!100", "rua=mailto:a@example.org!1k,mailto:b@example.org!200")
                + "example.org._report._dmarc.reports.example.net. IN TXT \"v=DMARC1\"\n"), PublicSuffixList.bundled());
        Planned org = new ReportGeneration(new GatewayEventReader(db), limited, ME, Schema.RFC7489, CLOCK)
                .plan(GatewayEventRows.BEGIN, GatewayEventRows.END).stream()
                .filter(p -> p.kind() == Kind.DMARC_AGGREGATE && p.domain().equals("example.org")).findFirst().orElseThrow();
        assertThat(org.mail()).isEmpty();
        assertThat(org.destinations()).noneMatch(Destination::accepted);
        assertThat(org.sizeErrors()).extracting(e -> e.destination().target()).containsExactlyInAnyOrder("a@example.org", "b@example.org");
        // Report-Size is the size of the report mail that would have gone to that address (its To: alone)
        for (ReportGeneration.SizeError e : org.sizeErrors()) {
            assertThat(e.reportBytes()).isGreaterThan(e.destination().maxBytes().orElseThrow());
            assertThat(errorFields(new String(e.mail(), StandardCharsets.US_ASCII))).containsEntry("Report-Size", Long.toString(e.reportBytes()));
        }
        try (SmtpSink sink = new SmtpSink()) {
            SmtpReportSender smtp = new SmtpReportSender(sink.address(), "receiver.test", java.time.Duration.ofSeconds(10));
            List<Delivery> sent = new ReportGeneration(new GatewayEventReader(db), limited, ME, Schema.RFC7489, CLOCK).deliver(org, smtp, null);
            assertThat(sent).extracting(Delivery::destination).containsExactlyInAnyOrder("error report to mailto:a@example.org",
                    "error report to mailto:b@example.org");
            assertThat(sent).allMatch(Delivery::ok);
            assertThat(sink.received()).extracting(r -> String.join(",", r.rcptTo())).containsExactlyInAnyOrder("a@example.org", "b@example.org");
        }
    }

    /** The field-value pairs of the first text/plain part of an RFC 7489 7.2.2 error report. */
    static Map<String, String> errorFields(String mail) {
        int first = mail.indexOf("Content-Type: text/plain");
        String part = mail.substring(mail.indexOf("\r\n\r\n", first) + 4);
        part = part.substring(0, part.indexOf("\r\n--"));
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : part.split("\r\n")) {
            int c = line.indexOf(": ");
            out.put(line.substring(0, c), line.substring(c + 2));
        }
        return out;
    }

    @Test
    void allAcceptedMailtoDestinationsShareOneMail() throws Exception {
        ReportDestinations authorised = new ReportDestinations(ZoneFileResolver.fromText(GatewayEventRows.ZONE
                + "example.com._report._dmarc.thirdparty.example. IN TXT \"v=DMARC1\"\n"), PublicSuffixList.bundled());
        Planned com = new ReportGeneration(new GatewayEventReader(db), authorised, ME, Schema.RFC7489, CLOCK)
                .plan(GatewayEventRows.BEGIN, GatewayEventRows.END).get(0);
        assertThat(com.mailRecipients()).containsExactly("dmarc@example.com", "reports@thirdparty.example");
        assertThat(mailText(com)).contains("To: dmarc@example.com,\r\n\treports@thirdparty.example\r\n");
    }

    @Test
    void aggregateMailHasTheRfc7489Form() throws Exception {
        Planned com = plan(Schema.RFC7489).get(0);
        assertThat(com.domain()).isEqualTo("example.com");
        String mail = mailText(com);
        String headers = mail.substring(0, mail.indexOf("\r\n\r\n") + 2);
        assertThat(headers).contains("From: dmarc-reports@receiver.test\r\n", "To: dmarc@example.com\r\n", "MIME-Version: 1.0\r\n",
                "Subject: Report Domain: example.com Submitter: receiver.test Report-ID: <" + com.reportId() + "@receiver.test>\r\n",
                "Content-Type: multipart/mixed;");
        assertThat(headers).containsPattern("Date: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\r\n");
        assertThat(mail).contains("Content-Type: text/plain; charset=us-ascii", "Content-Type: application/gzip;",
                "filename=\"" + com.fileName() + "\"", "Content-Transfer-Encoding: base64");
        assertThat(mail.chars().allMatch(c -> c < 128)).isTrue();
        assertThat(mail.lines().mapToInt(String::length).max().orElse(0)).isLessThanOrEqualTo(998);
        // the mail itself goes through our ingest (.eml) with the same totals
        IngestResult res = new ReportIngest(new ReportRepository(db), CLOCK, IngestLimits.defaults()).ingest("report.eml", com.mail()).get(0);
        assertThat(res.status()).as(res.error()).isEqualTo(IngestResult.Status.STORED);
        assertThat(res.messages()).isEqualTo(rowsPerDomain().get("example.com"));
    }

    @Test
    void tlsMailHasTheRfc8460Form() throws Exception {
        Planned net = plan(Schema.RFC7489).stream().filter(p -> p.kind() == Kind.TLSRPT && p.domain().equals("example.net"))
                .findFirst().orElseThrow();
        assertThat(net.destinations()).extracting(d -> d.uri() + " " + d.accepted())
                .containsExactly("mailto:tls@example.net true", "https://tlsrpt.example.net/v1/report true");
        String mail = mailText(net);
        assertThat(mail).contains("TLS-Report-Domain: example.net\r\n", "TLS-Report-Submitter: receiver.test\r\n",
                "Subject: Report Domain: example.net Submitter: receiver.test Report-ID: <" + net.reportId() + "@receiver.test>\r\n",
                "Content-Type: multipart/report; report-type=\"tlsrpt\";", "Content-Type: application/tlsrpt+gzip;",
                "filename=\"receiver.test!example.net!" + GatewayEventRows.BEGIN + "!" + (GatewayEventRows.END - 1) + ".json.gz\"");
        IngestResult res = new ReportIngest(new ReportRepository(db), CLOCK, IngestLimits.defaults()).ingest("tls.eml", net.mail()).get(0);
        assertThat(res.kind()).isEqualTo(ReportKind.TLSRPT);
        assertThat(res.messages()).isEqualTo(countTls("example.net", "1 = 1"));
        // example.org publishes no TLS-RPT record: the report is made, nothing is sent
        Planned org = plan(Schema.RFC7489).stream().filter(p -> p.kind() == Kind.TLSRPT && p.domain().equals("example.org"))
                .findFirst().orElseThrow();
        assertThat(org.destinations()).isEmpty();
        assertThat(org.mail()).isEmpty();
        assertThat(org.notes()).singleElement().asString().contains("no TLS-RPT record at _smtp._tls.example.org");
    }

    @Test
    void deliverSendsMailToTheSinkAndPostsHttps() throws Exception {
        List<String[]> posts = new ArrayList<>();
        HttpsPoster poster = (URI uri, String type, byte[] body) -> {
            posts.add(new String[] {uri.toString(), type, Integer.toString(body.length)});
            return new HttpsPoster.Posted(201, "");
        };
        ReportGeneration gen = generation(Schema.RFC7489);
        List<Planned> plan = gen.plan(GatewayEventRows.BEGIN, GatewayEventRows.END);
        try (SmtpSink sink = new SmtpSink()) {
            SmtpReportSender smtp = new SmtpReportSender(sink.address(), "receiver.test", java.time.Duration.ofSeconds(10));
            List<Delivery> all = new ArrayList<>();
            for (Planned p : plan) {
                all.addAll(gen.deliver(p, smtp, poster));
            }
            assertThat(all).allMatch(Delivery::ok);
            // example.com (home address), example.org (authorised third party), example.net TLS-RPT by mail
            // and the RFC 7489 7.2.2 error report to tiny@example.org (!100), after example.org's report
            assertThat(sink.received()).extracting(r -> r.mailFrom() + " -> " + String.join(",", r.rcptTo()))
                    .containsExactly("dmarc-reports@receiver.test -> dmarc@example.com",
                            "dmarc-reports@receiver.test -> agg@reports.example.net",
                            "dmarc-reports@receiver.test -> tiny@example.org",
                            "dmarc-reports@receiver.test -> tls@example.net");
            List<Planned> withMail = plan.stream().filter(p -> p.mail().length > 0).toList();
            assertThat(sink.received().get(0).data()).isEqualTo(withMail.get(0).mail());
            assertThat(sink.received().get(1).data()).isEqualTo(withMail.get(1).mail());
            assertThat(sink.received().get(2).data()).isEqualTo(withMail.get(1).sizeErrors().get(0).mail());
            assertThat(sink.received().get(3).data()).isEqualTo(withMail.get(2).mail());
            assertThat(posts).hasSize(1);
            assertThat(posts.get(0)[0]).isEqualTo("https://tlsrpt.example.net/v1/report");
            assertThat(posts.get(0)[1]).isEqualTo("application/tlsrpt+gzip");
        }
        // an unreachable submission port is a failed delivery, not an exception
        SmtpReportSender dead = new SmtpReportSender(new java.net.InetSocketAddress("127.0.0.1", 1), "receiver.test", java.time.Duration.ofSeconds(2));
        List<Delivery> failed = gen.deliver(plan.get(0), dead, poster);
        assertThat(failed).singleElement().matches(d -> !d.ok() && d.detail().startsWith("SMTP:"));
    }

    private List<Planned> plan(Schema schema) throws Exception {
        return generation(schema).plan(GatewayEventRows.BEGIN, GatewayEventRows.END);
    }

    private static String mailText(Planned p) {
        return new String(p.mail(), StandardCharsets.US_ASCII);
    }

    static byte[] gunzip(byte[] gz) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
