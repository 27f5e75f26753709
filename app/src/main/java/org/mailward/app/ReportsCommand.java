package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.IngestResult;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.reports.ReportRepository.DomainSummary;
import org.mailward.reports.ReportRepository.SourceSummary;
import org.mailward.store.Database;
import org.mailward.store.Retention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mailward reports ingest|fetch|summary|reparse|retention|generate}: DMARC and TLS-RPT report ingest, totals and generation. */
@Command(name = "reports", mixinStandardHelpOptions = true,
        description = "Ingest DMARC aggregate/failure and TLS-RPT reports and show their totals.",
        subcommands = {
            ReportsCommand.Ingest.class,
            ReportsCommand.Summary.class,
            ReportsCommand.Reparse.class,
            ReportsFetchCommand.class,
            ReportsCommand.RetentionCmd.class,
            ReportsGenerateCommand.class,
            ReportsWebCommands.Serve.class,
            ReportsWebCommands.Token.class,
            ReportsWebCommands.Advise.class,
        })
public final class ReportsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Database open(DataOptions data) {
        try {
            if (data.jdbcUrl().isPresent()) {
                return Database.open(data.jdbcUrl().get(), "", "");
            }
            return Database.openH2(data.dataDir());
        } catch (SQLException e) {
            throw new UsageError("cannot open the database: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> json(IngestResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file());
        m.put("part", r.part());
        m.put("status", r.status().label());
        m.put("kind", r.kind().label());
        m.put("orgName", r.orgName());
        m.put("reportId", r.reportId());
        m.put("begin", r.begin());
        m.put("end", r.end());
        m.put("domain", r.domain());
        m.put("records", r.records());
        m.put("messages", r.messages());
        m.put("warnings", r.warnings());
        m.put("error", r.error().isEmpty() ? null : r.error());
        return m;
    }

    static void print(PrintWriter out, List<IngestResult> results, boolean json) {
        for (IngestResult r : results) {
            if (json) {
                out.println(Json.write(json(r)));
            } else if (r.status() == IngestResult.Status.FAILED) {
                out.println("failed     " + r.file() + (r.part().isEmpty() ? "" : " [" + r.part() + "]") + ": " + r.error());
            } else {
                out.printf("%-10s %s %s %s %s report %s (%d records, %d messages%s)%n", r.status().label(), r.file(),
                        r.kind().label(), r.domain(), r.orgName(), r.reportId(), r.records(), r.messages(),
                        r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warnings");
                for (String w : r.warnings()) {
                    out.println("           warning: " + w);
                }
            }
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Ingest report files and directories (XML, .xml.gz, .zip, .eml, mbox, TLS-RPT .json/.json.gz). "
                    + "Raw bytes are stored before parsing; failures are kept for 'reports reparse'.")
    static final class Ingest implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Option(names = "--json", description = "One JSON object per report found (JSON lines).")
        boolean json;

        @Option(names = "--watch", description = "After ingesting, keep watching the directories and ingest new files (until interrupted).")
        boolean watch;

        @Option(names = "--watch-interval", paramLabel = "SECONDS", description = "Polling interval for --watch (default: ${DEFAULT-VALUE}).")
        double watchInterval = 5;

        @Mixin
        DataOptions data;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws IOException, SQLException, InterruptedException {
            for (Path p : paths) {
                if (!Files.exists(p)) {
                    throw new UsageError("no such file or directory: " + p);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Database db = open(data)) {
                ReportIngest ingest = new ReportIngest(new ReportRepository(db), time.clock(), IngestLimits.defaults());
                print(out, ingest.ingestPaths(paths), json);
                out.flush();
                if (watch) {
                    try {
                        watchLoop(ingest, out);
                    } catch (InterruptedException e) {
                        // interrupted: stop watching; the flag stays cleared so that the pool closes cleanly
                        out.flush();
                    }
                }
            }
            return ExitCodes.OK;
        }

        /** Polls the directories; a file is ingested once its size has been stable for one interval. */
        private void watchLoop(ReportIngest ingest, PrintWriter out) throws IOException, SQLException, InterruptedException {
            Map<Path, Long> seen = new LinkedHashMap<>();
            Map<Path, Long> pending = new LinkedHashMap<>();
            for (Path p : paths) {
                for (Path f : files(p)) {
                    seen.put(f, Files.size(f));
                }
            }
            long sleep = (long) (watchInterval * 1000);
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(sleep);
                for (Path p : paths) {
                    for (Path f : files(p)) {
                        if (seen.containsKey(f)) {
                            continue;
                        }
                        long size = Files.size(f);
                        Long before = pending.put(f, size);
                        if (before != null && before == size) {
                            pending.remove(f);
                            seen.put(f, size);
                            print(out, ingest.ingestFile(f), json);
                            out.flush();
                        }
                    }
                }
            }
        }

        private static List<Path> files(Path p) throws IOException {
            if (!Files.isDirectory(p)) {
                return List.of();
            }
            try (var s = Files.walk(p)) {
                return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
            }
        }
    }

    @Command(name = "reparse", mixinStandardHelpOptions = true,
            description = "Parse again every stored raw report that failed (or was never finished).")
    static final class Reparse implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "One JSON object per report (JSON lines).")
        boolean json;

        @Mixin
        DataOptions data;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws SQLException {
            try (Database db = open(data)) {
                ReportIngest ingest = new ReportIngest(new ReportRepository(db), time.clock(), IngestLimits.defaults());
                print(spec.commandLine().getOut(), ingest.reparse(), json);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Totals per source IP for a domain from the stored aggregate reports.")
    static final class Summary implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The policy domain.")
        String domain;

        @Option(names = "--since", paramLabel = "TIMESTAMP", description = "Reports whose period begins at or after this (RFC 3339 or Unix seconds).")
        String since;

        @Option(names = "--until", paramLabel = "TIMESTAMP", description = "Reports whose period begins before this (RFC 3339 or Unix seconds).")
        String until;

        @Option(names = "--ptr", description = "Look up the PTR name of each source (uses --resolver/--zone).")
        boolean ptr;

        @Option(names = "--json", description = "One JSON object.")
        boolean json;

        @Mixin
        DataOptions data;

        @Mixin
        DnsOptions dns;

        @Override
        public Integer call() throws SQLException {
            long from = since == null ? 0 : TimeOptions.parse(since).getEpochSecond();
            long to = until == null ? Long.MAX_VALUE : TimeOptions.parse(until).getEpochSecond();
            DomainSummary s;
            try (Database db = open(data)) {
                s = new ReportRepository(db).summary(domain, from, to);
            }
            Resolver resolver = ptr ? dns.resolver(Clock.systemUTC()) : null;
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, Object>> sources = new ArrayList<>();
            for (SourceSummary src : s.sources()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ip", src.ip());
                m.put("ptr", resolver == null ? "" : ptr(resolver, src.ip()));
                m.put("messages", src.messages());
                m.put("spfAligned", src.spfAligned());
                m.put("dkimAligned", src.dkimAligned());
                m.put("dmarcPass", src.dmarcPass());
                m.put("disposition", src.disposition());
                m.put("dispositions", new java.util.TreeMap<>(src.dispositions()));
                sources.add(m);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("domain", s.domain());
                m.put("messages", s.messages());
                m.put("dmarcPass", s.dmarcPass());
                m.put("dmarcFail", s.dmarcFail());
                m.put("reports", s.reports());
                m.put("sources", sources);
                out.println(Json.write(m));
            } else {
                out.printf("%s: %d messages in %d reports, DMARC pass %d, fail %d%n", s.domain(), s.messages(), s.reports(),
                        s.dmarcPass(), s.dmarcFail());
                out.printf("  %-40s %-30s %10s %10s %10s %s%n", "source", "ptr", "messages", "spf-align", "dkim-align", "disposition");
                for (Map<String, Object> m : sources) {
                    out.printf("  %-40s %-30s %10d %10d %10d %s%n", m.get("ip"), m.get("ptr"), m.get("messages"),
                            m.get("spfAligned"), m.get("dkimAligned"), m.get("disposition"));
                }
            }
            return ExitCodes.OK;
        }

        private static String ptr(Resolver resolver, String ip) {
            try {
                if (!ip.matches("[0-9a-fA-F:.]+")) {
                    return "";
                }
                DnsAnswer a = resolver.query(Resolver.reverseName(InetAddress.getByName(ip)), RecordType.PTR);
                return a.records().stream().filter(r -> r instanceof DnsRecord.Ptr).map(r -> ((DnsRecord.Ptr) r).target())
                        .findFirst().orElse("");
            } catch (UnknownHostException e) {
                return "";
            }
        }
    }

    @Command(name = "retention", mixinStandardHelpOptions = true,
            description = "Show or set how many days reports are kept, and delete what is older (--apply).")
    static final class RetentionCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--days", paramLabel = "N", description = "Keep reports whose period ended in the last N days.")
        Integer days;

        @Option(names = "--apply", description = "Delete reports older than the retention period now.")
        boolean apply;

        @Option(names = "--json", description = "One JSON object.")
        boolean json;

        @Mixin
        DataOptions data;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws SQLException {
            if (days != null && days < 1) {
                throw new UsageError("--days must be at least 1");
            }
            try (Database db = open(data)) {
                Retention retention = new Retention(db);
                if (days != null) {
                    retention.setRetentionDays(days);
                }
                Retention.Deleted deleted = apply ? retention.apply(time.clock().instant()) : new Retention.Deleted(0, 0, 0, 0);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("retentionDays", retention.retentionDays().isPresent() ? retention.retentionDays().getAsInt() : null);
                m.put("deletedAggregateReports", deleted.aggregateReports());
                m.put("deletedTlsReports", deleted.tlsReports());
                m.put("deletedFailureReports", deleted.failureReports());
                m.put("deletedRawReports", deleted.rawReports());
                PrintWriter out = spec.commandLine().getOut();
                out.println(json ? Json.write(m) : m.toString());
            }
            return ExitCodes.OK;
        }
    }
}
