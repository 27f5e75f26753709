package org.mailward.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mailward.reports.IngestResult.Status;
import org.mailward.store.Database;
import org.mailward.testing.PostgresServer;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Deviation;
import org.mailward.testing.ReportGenerator.Schema;

/**
 * Mailward against Debian's dmarcts-report-parser (run by bench/reports-vs-dmarcts, not a test): generates N aggregate
 * reports (the size mix of {@link IngestBenchmark}: 1 to 5,000 records; half .xml.gz, half .zip, as issue 7 asks),
 * starts one throwaway PostgreSQL cluster, ingests the same files with Mailward ({@link ReportIngest}, one thread,
 * as {@code mailward reports ingest DIR} does) into one database and with dmarcts-report-parser ({@code -z DIR/*},
 * one process) into another, times both, reads back what each stored (reports, records, messages) and prints the
 * rates and their ratio. Generation is not timed.
 *
 * <p>Arguments: {@code [--reports N] [--seed S] [--parser PATH] [--keep]}. The parser's output goes to
 * {@code dmarcts.log} in the work directory (kept with {@code --keep}).
 */
public final class DmarctsComparisonBenchmark {

    record Stored(long reports, long records, long messages) {
    }

    /** cpuSeconds: the ingesting process's own user + system time (the PostgreSQL server's is not counted), -1 if unknown. */
    record Run(String name, double seconds, double cpuSeconds, Stored stored) {
        double reportsPerSecond() {
            return stored.reports / seconds;
        }

        double recordsPerSecond() {
            return stored.records / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = 300;
        long seed = 1;
        String parser = "/usr/sbin/dmarcts-report-parser";
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--reports" -> n = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--parser" -> parser = args[++i];
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!Files.isExecutable(Path.of(parser))) {
            System.out.println("SKIPPED: " + parser + " is not installed (apt-get install dmarcts-report-parser libdbd-pg-perl)");
            return;
        }
        if (PostgresServer.binaries().isEmpty()) {
            System.out.println("SKIPPED: PostgreSQL server binaries not installed (apt-get install postgresql)");
            return;
        }
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Path work = Files.createTempDirectory("mailward-vs-dmarcts");
        Path files = work.resolve("reports");
        Files.createDirectories(files);
        Stored expected = generate(files, n, seed);
        long bytes = 0;
        try (Stream<Path> s = Files.list(files)) {
            for (Path p : s.toList()) {
                bytes += Files.size(p);
            }
        }
        System.out.printf("input: %d files (.xml.gz and .zip), %d records, %d messages, %.1f MB; load average %.1f on %d cores%n",
                expected.reports, expected.records, expected.messages, bytes / 1e6, os.getSystemLoadAverage(),
                os.getAvailableProcessors());
        PostgresServer pg = PostgresServer.start();
        try {
            Run mailward = runMailward(pg.createDatabase("mailward"), files);
            Run dmarcts = runDmarcts(parser, pg, pg.createDatabase("dmarcts"), files, work);
            for (Run r : List.of(mailward, dmarcts)) {
                System.out.printf("%-22s time=%7.1f s  reports=%d records=%d messages=%d  reports/s=%.1f records/s=%.0f  CPU %s%s%n",
                        r.name, r.seconds, r.stored.reports, r.stored.records, r.stored.messages, r.reportsPerSecond(),
                        r.recordsPerSecond(), r.cpuSeconds < 0 ? "unknown" : String.format("%.1f s", r.cpuSeconds),
                        r.stored.equals(expected) ? "" : "  MISMATCH with the generator " + expected);
            }
            double ratio = dmarcts.seconds / mailward.seconds;
            System.out.printf("ratio (dmarcts-report-parser wall time / Mailward wall time): %.1fx  (target >= 10x: %s)%n", ratio,
                    ratio >= 10 ? "met" : "NOT met");
            if (mailward.cpuSeconds > 0 && dmarcts.cpuSeconds > 0) {
                System.out.printf("ratio of the ingesting processes' CPU time: %.1fx%n", dmarcts.cpuSeconds / mailward.cpuSeconds);
            }
            System.out.printf("same totals stored by both: %s; load average after: %.1f%n",
                    mailward.stored.equals(dmarcts.stored) ? "yes" : "NO", os.getSystemLoadAverage());
        } finally {
            pg.close();
            if (keep) {
                System.err.println("kept " + work);
            } else {
                try (Stream<Path> s = Files.walk(work)) {
                    s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /** Same size mix as {@link IngestBenchmark}; even reports as .xml.gz, odd ones as .zip. Returns the totals. */
    static Stored generate(Path dir, int n, long seed) throws IOException {
        ReportGenerator g = new ReportGenerator(seed);
        long records = 0;
        long messages = 0;
        for (int i = 0; i < n; i++) {
            int size = IngestBenchmark.sizeOf(g.random().nextInt(100), g);
            Schema schema = i % 3 == 0 ? Schema.DMARC_2_0 : Schema.RFC7489;
            Set<Deviation> dev = i % 10 == 0 ? EnumSet.of(Deviation.NO_NAMESPACE) : Set.of();
            Aggregate a = g.aggregate(schema, "d" + (i % 10_000) + ".example", size, 20_000 + i / 10_000, dev);
            records += a.renderedRows().size();
            messages += a.messages();
            byte[] xml = ReportGenerator.utf8(ReportGenerator.xml(a));
            String base = String.format("r%05d", i);
            if (i % 2 == 0) {
                Files.write(dir.resolve(base + ".xml.gz"), ReportGenerator.gzip(xml));
            } else {
                Files.write(dir.resolve(base + ".zip"), ReportGenerator.zip(Map.of(base + ".xml", xml)));
            }
        }
        return new Stored(n, records, messages);
    }

    private static Run runMailward(String url, Path files) throws Exception {
        List<Path> inputs;
        try (Stream<Path> s = Files.list(files)) {
            inputs = s.sorted().toList();
        }
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (Database db = Database.open(url, "", "")) {
            ReportIngest ingest = new ReportIngest(new ReportRepository(db), Clock.systemUTC(), IngestLimits.defaults());
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            List<String> failures = new ArrayList<>();
            for (Path p : inputs) {
                for (IngestResult r : ingest.ingestFile(p)) {
                    if (r.status() == Status.FAILED && failures.size() < 5) {
                        failures.add(r.file() + ": " + r.error());
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            failures.forEach(f -> System.out.println("mailward failed: " + f));
            return new Run("Mailward", secs, cpu, count(url,
                    "SELECT (SELECT count(*) FROM aggregate_report), (SELECT count(*) FROM aggregate_row),"
                            + " (SELECT coalesce(sum(message_count), 0) FROM aggregate_row)"));
        }
    }

    /**
     * dmarcts-report-parser reads dmarcts-report-parser.conf from its working directory; with {@code $dbtype = 'Pg'}
     * it creates its tables (report, rptrecord) itself. {@code -z} takes .zip and .gz (it asks File::MimeInfo which
     * one); the glob is passed quoted so the parser expands it (no argument-list limit).
     */
    private static Run runDmarcts(String parser, PostgresServer pg, String url, Path files, Path work) throws Exception {
        String dbname = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        Path dir = work.resolve("dmarcts");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("dmarcts-report-parser.conf"), String.join("\n",
                "$debug = 0;",
                "$delete_reports = 0;",
                "$dbtype = 'Pg';",
                "$dbname = '" + dbname + "';",
                "$dbuser = 'mailward';",
                "$dbpass = '';",
                "$dbhost = '127.0.0.1';",
                "$dbport = '" + pg.port() + "';",
                "$imapreadfolder = 'unused';",
                "$maxsize_xml = 50000;",
                "$compress_xml = 0;",
                "$delete_failed = 0;",
                "1;", ""), StandardCharsets.UTF_8);
        Path log = work.resolve("dmarcts.log");
        Path times = work.resolve("dmarcts.cpu");
        List<String> command = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            command.addAll(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%U %S"));
        }
        command.addAll(List.of(parser, "-z", "--info", files.resolve("*").toString()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(6, TimeUnit.HOURS)) {
            p.destroyForcibly();
            throw new IOException("dmarcts-report-parser did not finish in 6 hours");
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> warnings = lines.stream().filter(l -> !l.startsWith("dmarcts-report-parser.pl: Adding missing table")
                && !l.startsWith("dmarcts-report-parser.pl: Processed")).toList();
        System.out.printf("dmarcts-report-parser exit %d; %s; %d other output lines%s%n", p.exitValue(),
                lines.stream().filter(l -> l.contains("Processed")).findFirst().orElse("no --info line"), warnings.size(),
                warnings.isEmpty() ? "" : ", first: " + warnings.get(0));
        if (p.exitValue() != 0) {
            throw new IOException("dmarcts-report-parser failed (exit " + p.exitValue() + "), see " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
        double cpu = -1;
        if (timed && Files.exists(times)) {
            String[] us = Files.readString(times).trim().split("\\s+");
            cpu = Double.parseDouble(us[us.length - 2]) + Double.parseDouble(us[us.length - 1]);
        }
        return new Run("dmarcts-report-parser", secs, cpu, count(url,
                "SELECT (SELECT count(*) FROM report), (SELECT count(*) FROM rptrecord),"
                        + " (SELECT coalesce(sum(rcount), 0) FROM rptrecord)"));
    }

    private static Stored count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new Stored(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }
}
