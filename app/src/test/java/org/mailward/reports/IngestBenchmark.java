package org.mailward.reports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mailward.reports.IngestResult.Status;
import org.mailward.store.Database;
import org.mailward.testing.PostgresServer;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Deviation;
import org.mailward.testing.ReportGenerator.Schema;

/**
 * Ingest benchmark (run by bench/reports-ingest, not a test): generates N aggregate reports (sizes 1 to 5,000
 * records: 80% up to 20, 15% up to 500, 5% up to 5,000; both schemas; plain, gzip and zip), writes them to a
 * directory, then ingests the directory into a fresh H2 (or PostgreSQL) database and prints reports/s and
 * records/s. Generation is not timed.
 *
 * <p>Arguments: {@code [--reports N] [--engine h2|postgresql] [--seed S] [--dir DIR]} ({@code --dir}: ingest the
 * files already there instead of generating). {@code -Dkeep=1} keeps the generated files and database.
 */
public final class IngestBenchmark {

    public static void main(String[] args) throws Exception {
        int n = 10_000;
        String engine = "h2";
        long seed = 1;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--reports" -> n = Integer.parseInt(args[++i]);
                case "--engine" -> engine = args[++i];
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("mailward-bench");
        Path files = dir != null ? dir : work.resolve("reports");
        long expectedRecords = 0;
        long expectedMessages = 0;
        if (dir == null || !Files.isDirectory(dir)) {
            Files.createDirectories(files);
            long t0 = System.nanoTime();
            ReportGenerator g = new ReportGenerator(seed);
            for (int i = 0; i < n; i++) {
                int size = sizeOf(g.random().nextInt(100), g);
                Schema schema = i % 3 == 0 ? Schema.DMARC_2_0 : Schema.RFC7489;
                Set<Deviation> dev = i % 10 == 0 ? EnumSet.of(Deviation.NO_NAMESPACE) : Set.of();
                Aggregate a = g.aggregate(schema, "d" + (i % 10_000) + ".example", size, 20_000 + i / 10_000, dev);
                expectedRecords += a.renderedRows().size();
                expectedMessages += a.messages();
                byte[] xml = ReportGenerator.utf8(ReportGenerator.xml(a));
                String base = String.format("r%05d", i);
                switch (i % 3) {
                    case 0 -> Files.write(files.resolve(base + ".xml.gz"), ReportGenerator.gzip(xml));
                    case 1 -> Files.write(files.resolve(base + ".zip"), ReportGenerator.zip(Map.of(base + ".xml", xml)));
                    default -> Files.write(files.resolve(base + ".xml"), xml);
                }
            }
            System.err.printf("generated %d reports, %d records in %.1f s into %s%n", n, expectedRecords,
                    (System.nanoTime() - t0) / 1e9, files);
        }
        List<Path> inputs;
        try (Stream<Path> s = Files.list(files)) {
            inputs = s.sorted().toList();
        }
        long bytes = 0;
        for (Path p : inputs) {
            bytes += Files.size(p);
        }
        if (System.getProperty("parseOnly") != null) {
            long t0 = System.nanoTime();
            long recs = 0;
            AggregateReportParser parser = new AggregateReportParser();
            for (Path p : inputs) {
                for (var payload : Unpacker.unpack(p.toString(), Files.readAllBytes(p), IngestLimits.defaults())) {
                    if (payload instanceof Unpacker.Payload.AggregateXml x
                            && parser.parse(x.bytes()) instanceof ParseOutcome.Ok<AggregateReport> ok) {
                        recs += ok.value().records().size();
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("parse only: %d records in %.1f s: records/s=%.0f%n", recs, secs, recs / secs);
        }
        PostgresServer pg = null;
        Database db;
        if (engine.equals("postgresql")) {
            pg = PostgresServer.start();
            db = Database.open(pg.createDatabase("bench"), "", "");
        } else {
            db = Database.openH2(work.resolve("data"));
        }
        try {
            ReportIngest ingest = new ReportIngest(new ReportRepository(db), Clock.systemUTC(), IngestLimits.defaults());
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long stored = 0;
            long records = 0;
            long messages = 0;
            List<String> failures = new ArrayList<>();
            for (Path p : inputs) {
                for (IngestResult r : ingest.ingestFile(p)) {
                    if (r.status() == Status.STORED) {
                        stored++;
                        records += r.records();
                        messages += r.messages();
                    } else if (r.status() == Status.FAILED && failures.size() < 5) {
                        failures.add(r.file() + ": " + r.error());
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            System.out.printf("engine=%s reports=%d stored=%d records=%d messages=%d input=%.1f MB time=%.1f s "
                            + "reports/s=%.0f records/s=%.0f (JVM CPU %.1f s; load average %.1f on %d cores)%n", engine,
                    inputs.size(), stored, records, messages, bytes / 1e6, secs, stored / secs, records / secs, cpu,
                    os.getSystemLoadAverage(), os.getAvailableProcessors());
            if (expectedRecords > 0 && (records != expectedRecords || messages != expectedMessages)) {
                System.out.printf("MISMATCH: expected %d records / %d messages from the generator%n", expectedRecords, expectedMessages);
            }
            failures.forEach(f -> System.out.println("failed: " + f));
        } finally {
            db.close();
            if (pg != null) {
                pg.close();
            }
            if (System.getProperty("keep") == null) {
                try (Stream<Path> s = Files.walk(work)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            } else {
                System.err.println("kept " + work);
            }
        }
    }

    /** 80% of reports have 1-20 records, 15% 21-500, 5% 501-5,000. */
    static int sizeOf(int percentile, ReportGenerator g) {
        if (percentile < 80) {
            return 1 + g.random().nextInt(20);
        }
        if (percentile < 95) {
            return 21 + g.random().nextInt(480);
        }
        return 501 + g.random().nextInt(4500);
    }
}
