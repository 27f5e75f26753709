package org.mailward.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Attachment;
import org.mailward.testing.ReportGenerator.Deviation;
import org.mailward.testing.ReportGenerator.Expected;
import org.mailward.testing.ReportGenerator.Schema;

/**
 * The project's own sample corpus: files in every supported wrapper, each with the reports it must yield (from
 * the generator's model). {@link #main} writes it to a directory; the committed copies live in
 * {@code app/src/test/resources/reports-corpus} (seed {@link #SEED}) and {@code demo/reports} (seed
 * {@link #DEMO_SEED}).
 *
 * <p>Usage: {@code ReportCorpus DIR [SEED]}.
 */
public final class ReportCorpus {

    public static final long SEED = 7489L;
    public static final long DEMO_SEED = 9990L;

    /** One file and what ingest must find in it; {@code failures} counts the parts that must fail. */
    public record Sample(String name, byte[] bytes, List<Expected> reports, int failures) {
    }

    private ReportCorpus() {
    }

    public static List<Sample> build(long seed) {
        ReportGenerator g = new ReportGenerator(seed);
        List<Sample> out = new ArrayList<>();
        long day = 20_390; // 2025-10-30
        String[] domains = {"example.gov.uk", "example.org.uk", "service.example.gov.uk"};

        // 1. Plain valid XML in both schemas.
        Aggregate a1 = g.aggregate(Schema.RFC7489, domains[0], 6, day, Set.of());
        out.add(new Sample("01-rfc7489.xml", ReportGenerator.utf8(ReportGenerator.xml(a1)), List.of(a1.expected()), 0));
        Aggregate a2 = g.aggregate(Schema.DMARC_2_0, domains[0], 4, day + 1, Set.of());
        out.add(new Sample("02-dmarc-2.0.xml", ReportGenerator.utf8(ReportGenerator.xml(a2)), List.of(a2.expected()), 0));

        // 2. Each deviation on its own.
        int i = 3;
        for (Deviation d : Deviation.values()) {
            Schema s = d == Deviation.NO_NAMESPACE || d == Deviation.MISSING_OPTIONAL ? Schema.RFC7489 : (i % 2 == 0 ? Schema.DMARC_2_0 : Schema.RFC7489);
            Aggregate a = g.aggregate(s, domains[i % 3], 3 + i % 4, day + i, EnumSet.of(d));
            out.add(new Sample(String.format("%02d-deviation-%s.xml", i, d.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')),
                    ReportGenerator.utf8(ReportGenerator.xml(a)), List.of(a.expected()), 0));
            i++;
        }

        // 3. Wrappers: .xml.gz, .zip (two reports), .eml with a gz attachment, .eml with a zip, mbox of two mails.
        Aggregate gz = g.aggregate(Schema.RFC7489, domains[1], 20, day + 20, EnumSet.of(Deviation.NO_NAMESPACE));
        out.add(new Sample(String.format("%02d-google.com!%s!%d!%d.xml.gz", i++, gz.domain(), gz.begin(), gz.end()),
                ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(gz))), List.of(gz.expected()), 0));
        Aggregate z1 = g.aggregate(Schema.RFC7489, domains[1], 8, day + 21, Set.of());
        Aggregate z2 = g.aggregate(Schema.DMARC_2_0, domains[2], 5, day + 21, Set.of());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("report-1.xml", ReportGenerator.utf8(ReportGenerator.xml(z1)));
        entries.put("report-2.xml", ReportGenerator.utf8(ReportGenerator.xml(z2)));
        out.add(new Sample(String.format("%02d-two-reports.zip", i++), ReportGenerator.zip(entries),
                List.of(z1.expected(), z2.expected()), 0));
        Aggregate e1 = g.aggregate(Schema.RFC7489, domains[0], 12, day + 22, EnumSet.of(Deviation.NO_NAMESPACE));
        out.add(new Sample(String.format("%02d-report-gz.eml", i++), ReportGenerator.eml("noreply-dmarc-support@google.com",
                "Report domain: " + e1.domain() + " Submitter: google.com Report-ID: " + e1.reportId(), "m1." + e1.reportId() + "@google.com",
                List.of(new Attachment("google.com!" + e1.domain() + ".xml.gz", "application/gzip",
                        ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(e1)))))), List.of(e1.expected()), 0));
        Aggregate e2 = g.aggregate(Schema.DMARC_2_0, domains[2], 7, day + 23, Set.of());
        out.add(new Sample(String.format("%02d-report-zip.eml", i++), ReportGenerator.eml("dmarcreport@microsoft.com",
                "Report Domain: " + e2.domain(), "m2." + e2.reportId() + "@microsoft.com",
                List.of(new Attachment("report.zip", "application/zip",
                        ReportGenerator.zip(Map.of(e2.domain() + ".xml", ReportGenerator.utf8(ReportGenerator.xml(e2))))))),
                List.of(e2.expected()), 0));
        Aggregate m1 = g.aggregate(Schema.RFC7489, domains[0], 3, day + 24, Set.of());
        Aggregate m2 = g.aggregate(Schema.RFC7489, domains[1], 9, day + 24, EnumSet.of(Deviation.UPPER_CASE_VALUES));
        var t1 = g.tls(domains[0], 2, day + 24);
        List<byte[]> mails = List.of(
                ReportGenerator.eml("dmarc@yahoo.com", "Report Domain: " + m1.domain(), "mb1@yahoo.com",
                        List.of(new Attachment("a.xml", "text/xml", ReportGenerator.utf8(ReportGenerator.xml(m1))))),
                ReportGenerator.eml("dmarc@yahoo.com", "Report Domain: " + m2.domain(), "mb2@yahoo.com",
                        List.of(new Attachment("b.xml.gz", "application/gzip", ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(m2)))))),
                ReportGenerator.eml("tlsrpt@mail.example", "Report Domain: " + t1.policies().get(0).domain(), "mb3@mail.example",
                        List.of(new Attachment("tls.json.gz", "application/tlsrpt+gzip", ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.json(t1)))))));
        out.add(new Sample(String.format("%02d-inbox.mbox", i++), ReportGenerator.mbox(mails),
                List.of(m1.expected(), m2.expected(), t1.expected()), 0));

        // 4. TLS-RPT, plain and gzip.
        var t2 = g.tls(domains[1], 1, day + 25);
        out.add(new Sample(String.format("%02d-tlsrpt.json", i++), ReportGenerator.utf8(ReportGenerator.json(t2)), List.of(t2.expected()), 0));
        var t3 = g.tls(domains[2], 3, day + 26);
        out.add(new Sample(String.format("%02d-tlsrpt.json.gz", i++), ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.json(t3))),
                List.of(t3.expected()), 0));

        // 5. DMARC failure reports (ARF).
        var f1 = g.failure(domains[0], day * 86_400L + 3_600);
        out.add(new Sample(String.format("%02d-failure-report.eml", i++), ReportGenerator.utf8(ReportGenerator.arf(f1)), List.of(f1.expected()), 0));

        // 6. A duplicate: the first report again, in another wrapper (recognised, not counted twice).
        out.add(new Sample(String.format("%02d-duplicate-of-01.xml.gz", i++), ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(a1))),
                List.of(a1.expected()), 0));

        // 7. Broken: a truncated report and a mail with no report, kept in a failed state.
        Aggregate broken = g.aggregate(Schema.RFC7489, domains[0], 4, day + 27, Set.of());
        String text = ReportGenerator.xml(broken);
        out.add(new Sample(String.format("%02d-broken-truncated.xml", i++), ReportGenerator.utf8(text.substring(0, text.length() / 2)), List.of(), 1));
        out.add(new Sample(String.format("%02d-broken-no-attachment.eml", i), ReportGenerator.eml("someone@example.net", "hello", "x@example.net", List.of()),
                List.of(), 1));
        return out;
    }

    public static void write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        for (Sample s : build(seed)) {
            Files.write(dir.resolve(s.name()), s.bytes());
        }
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), args.length > 1 ? Long.parseLong(args[1]) : SEED);
    }
}
