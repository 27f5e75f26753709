package org.mailward.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mailward.reports.IngestResult.Status;
import org.mailward.reports.ReportRepository.RawReport;
import org.mailward.reports.Unpacker.Payload;

/**
 * The ingest loop: store the raw bytes first, then unpack and parse, then store each report (duplicates by
 * organisation and report id are recognised and not stored twice), then mark the raw report parsed or failed with
 * its reasons. Bad input yields failed results, never an exception, so one bad file never blocks the ones behind
 * it. Only database and file-system failures throw (I/O, not verdicts).
 */
public final class ReportIngest {

    private final ReportRepository repository;
    private final Clock clock;
    private final IngestLimits limits;
    private final AggregateReportParser aggregateParser;
    private final TlsReportParser tlsParser = new TlsReportParser();
    private final FailureReportParser failureParser = new FailureReportParser();

    public ReportIngest(ReportRepository repository, Clock clock, IngestLimits limits) {
        this.repository = repository;
        this.clock = clock;
        this.limits = limits;
        this.aggregateParser = new AggregateReportParser(limits.maxXmlElements());
    }

    /** Ingests files, and every regular file under directories (sorted, hidden files skipped). */
    public List<IngestResult> ingestPaths(List<Path> paths) throws IOException, SQLException {
        List<IngestResult> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(p)) {
                    files = walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted().toList();
                }
                for (Path f : files) {
                    out.addAll(ingestReadable(f));
                }
            } else {
                out.addAll(ingestReadable(p));
            }
        }
        return out;
    }

    /** One file of a batch: a file that cannot be read is a failed result, and the batch goes on. */
    private List<IngestResult> ingestReadable(Path file) throws SQLException {
        try {
            return ingestFile(file);
        } catch (IOException e) {
            return List.of(IngestResult.failed(file.toString(), "", ReportKind.UNKNOWN, "cannot read: " + e, 0));
        }
    }

    public List<IngestResult> ingestFile(Path file) throws IOException, SQLException {
        long size = Files.size(file);
        if (size > limits.maxInputBytes()) {
            return List.of(IngestResult.failed(file.toString(), "", ReportKind.UNKNOWN,
                    "refused: input is " + size + " bytes, over the limit of " + limits.maxInputBytes(), 0));
        }
        return ingest(file.toString(), Files.readAllBytes(file));
    }

    /** Ingests one input (file, mail, upload) under a name that says where it came from. */
    public List<IngestResult> ingest(String origin, byte[] bytes) throws SQLException {
        long now = clock.instant().getEpochSecond();
        if (bytes.length > limits.maxInputBytes()) {
            return List.of(IngestResult.failed(origin, "", ReportKind.UNKNOWN,
                    "refused: input is " + bytes.length + " bytes, over the limit of " + limits.maxInputBytes(), 0));
        }
        RawReport raw = repository.storeRaw(origin, bytes, now);
        return process(origin, raw.id(), bytes, now);
    }

    /** Parses again every raw report that is failed or was never finished (after a parser fix, say). */
    public List<IngestResult> reparse() throws SQLException {
        List<IngestResult> out = new ArrayList<>();
        long now = clock.instant().getEpochSecond();
        for (RawReport raw : repository.unparsed()) {
            out.addAll(process(raw.origin(), raw.id(), raw.content(), now));
        }
        return out;
    }

    private List<IngestResult> process(String origin, long rawId, byte[] bytes, long now) throws SQLException {
        List<IngestResult> out = new ArrayList<>();
        List<String[]> failures = new ArrayList<>();
        for (Payload p : Unpacker.unpack(fileName(origin), bytes, limits)) {
            IngestResult r = switch (p) {
                case Payload.AggregateXml x -> switch (aggregateParser.parse(x.bytes())) {
                    case ParseOutcome.Ok<AggregateReport> ok -> stored(origin, p.part(), rawId, ok.value(),
                            repository.insertAggregate(rawId, ok.value(), now));
                    case ParseOutcome.Rejected<AggregateReport> rej ->
                        IngestResult.failed(origin, p.part(), ReportKind.DMARC_AGGREGATE, rej.reason(), rawId);
                };
                case Payload.TlsJson j -> switch (tlsParser.parse(j.bytes())) {
                    case ParseOutcome.Ok<TlsReport> ok -> stored(origin, p.part(), rawId, ok.value(),
                            repository.insertTls(rawId, ok.value(), now));
                    case ParseOutcome.Rejected<TlsReport> rej ->
                        IngestResult.failed(origin, p.part(), ReportKind.TLSRPT, rej.reason(), rawId);
                };
                case Payload.Arf a -> switch (failureParser.parse(a.message(), a.bytes())) {
                    case ParseOutcome.Ok<FailureReport> ok -> stored(origin, p.part(), rawId, ok.value(),
                            repository.insertFailure(rawId, ok.value(), now));
                    case ParseOutcome.Rejected<FailureReport> rej ->
                        IngestResult.failed(origin, p.part(), ReportKind.DMARC_FAILURE, rej.reason(), rawId);
                };
                case Payload.Unreadable u -> IngestResult.failed(origin, u.part(), u.kind(), u.reason(), rawId);
            };
            if (r.status() == Status.FAILED) {
                failures.add(new String[] {r.part(), r.error()});
            }
            out.add(r);
        }
        repository.finish(rawId, failures, now);
        return out;
    }

    private static String fileName(String origin) {
        int slash = Math.max(origin.lastIndexOf('/'), origin.lastIndexOf('\\'));
        return slash >= 0 ? origin.substring(slash + 1) : origin;
    }

    private static IngestResult stored(String file, String part, long rawId, AggregateReport r, boolean isNew) {
        return new IngestResult(file, part, isNew ? Status.STORED : Status.DUPLICATE, ReportKind.DMARC_AGGREGATE,
                r.orgName(), r.reportId(), r.begin(), r.end(), r.policy().domain(), r.records().size(), r.messages(),
                r.warnings(), "", rawId);
    }

    private static IngestResult stored(String file, String part, long rawId, TlsReport r, boolean isNew) {
        return new IngestResult(file, part, isNew ? Status.STORED : Status.DUPLICATE, ReportKind.TLSRPT,
                r.orgName(), r.reportId(), r.begin(), r.end(), r.domain(), r.policies().size(),
                r.successTotal() + r.failureTotal(), r.warnings(), "", rawId);
    }

    private static IngestResult stored(String file, String part, long rawId, FailureReport r, boolean isNew) {
        return new IngestResult(file, part, isNew ? Status.STORED : Status.DUPLICATE, ReportKind.DMARC_FAILURE,
                r.orgName(), r.reportId(), r.arrival(), r.arrival(), r.domain(), 1, r.incidents(), r.warnings(), "", rawId);
    }
}
