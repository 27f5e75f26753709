package org.mailward.web;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mailward.reports.AggregateReport;
import org.mailward.reports.DashboardQueries;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.IngestResult;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.store.Database;
import org.mailward.testing.PostgresServer;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.DkimResult;
import org.mailward.testing.ReportGenerator.Row;
import org.mailward.testing.ReportGenerator.Schema;

/**
 * Dashboard latency benchmark (run by bench/dashboard-p95, not a test; issue 7 "Speed": pages for a domain with one
 * year of data under 200 ms at p95). Fills a fresh database (H2 file and/or a throwaway PostgreSQL cluster) through
 * the real ingest with one year of aggregate reports for one domain ({@code bench.example}: every day a report from
 * each of {@code --reporters} organisations, a few big reporters with up to {@code --max-rows} rows, most with a
 * handful; sources drawn from a pool of the domain's own servers, services signing with their own domain, and a
 * long tail of forgers) plus {@code --other-domains} domains with a small report every few days, and daily TLS-RPT
 * reports. Then starts the {@link WebServer} on 127.0.0.1, logs in through the login form (pages) and creates an
 * API token (API), warms up, and requests each page {@code --requests} times in turn, printing p50/p95/max per
 * page and whether p95 is under 200 ms. Latency is measured from sending the request to the last byte of the body.
 * "JVM CPU" is this process's CPU time per timed request (server and client side; with PostgreSQL the database
 * server's CPU is not in it): on a machine shared with other work it shows what a request costs, independent of
 * the wait for a CPU.
 *
 * <p>Arguments: {@code [--engine h2|postgresql|both] [--days 365] [--reporters 50] [--max-rows 200]
 * [--other-domains 1000] [--requests 200] [--warmup 20] [--seed 1]}.
 */
public final class DashboardBenchmark {

    static final String DOMAIN = "bench.example";
    static final long TARGET_MS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Options(String engine, int days, int reporters, int maxRows, int otherDomains, int requests, int warmup, long seed) {
    }

    public static void main(String[] args) throws Exception {
        String engine = "both";
        int days = 365;
        int reporters = 50;
        int maxRows = 200;
        int others = 1000;
        int requests = 200;
        int warmup = 20;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--engine" -> engine = args[++i];
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--reporters" -> reporters = Integer.parseInt(args[++i]);
                case "--max-rows" -> maxRows = Integer.parseInt(args[++i]);
                case "--other-domains" -> others = Integer.parseInt(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Options o = new Options(engine, days, reporters, maxRows, others, requests, warmup, seed);
        boolean ok = true;
        for (String e : engine.equals("both") ? List.of("h2", "postgresql") : List.of(engine)) {
            ok &= run(e, o);
        }
        System.out.println(ok ? "ALL PAGES p95 < " + TARGET_MS + " ms" : "SOME PAGES MISSED p95 < " + TARGET_MS + " ms");
    }

    private static boolean run(String engine, Options o) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Path work = Files.createTempDirectory("mailward-dash-bench");
        PostgresServer pg = null;
        Database db;
        if (engine.equals("postgresql")) {
            if (PostgresServer.binaries().isEmpty()) {
                System.out.println("SKIPPED postgresql: server binaries not installed (apt-get install postgresql)");
                return true;
            }
            pg = PostgresServer.start();
            db = Database.open(pg.createDatabase("dash"), "", "");
        } else {
            db = Database.openH2(work.resolve("data"));
        }
        long lastDay = 20_400; // 2025-11-08; the clock stands an hour into the day after
        Clock clock = Clock.fixed(Instant.ofEpochSecond((lastDay + 1) * 86_400 + 3600), ZoneOffset.UTC);
        try {
            long t0 = System.nanoTime();
            long[] filled = fill(db, clock, o, lastDay);
            System.out.printf("%n[%s] filled in %.0f s: %s has %d reports, %d rows over %d days; %d other domains with %d reports,"
                            + " %d rows; %d TLS reports (load average %.1f)%n", engine, (System.nanoTime() - t0) / 1e9, DOMAIN,
                    filled[0], filled[1], o.days, o.otherDomains, filled[2], filled[3], filled[4], os.getSystemLoadAverage());
            SecureRandom random = new SecureRandom();
            Credentials credentials = new Credentials(db, random);
            String password = credentials.ensureAdmin(clock.instant().getEpochSecond()).orElseThrow();
            String token = credentials.createToken("bench", clock.instant().getEpochSecond());
            try (WebServer server = new WebServer(new DashboardQueries(db), credentials, clock, random, false).start("127.0.0.1", 0)) {
                String base = "http://127.0.0.1:" + server.port();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String session = login(http, base, password);
                List<String[]> pages = List.of(
                        new String[] {"overview", "/"},
                        new String[] {"domain", "/domains/" + DOMAIN},
                        new String[] {"fix", "/domains/" + DOMAIN + "/fix"},
                        new String[] {"advisor", "/domains/" + DOMAIN + "/advisor"},
                        new String[] {"tls", "/tls"},
                        new String[] {"raw", "/raw"},
                        new String[] {"api overview", "/api/v1/overview"},
                        new String[] {"api domain", "/api/v1/domains/" + DOMAIN},
                        new String[] {"api advice", "/api/v1/domains/" + DOMAIN + "/advice"},
                        new String[] {"api tls", "/api/v1/tls"},
                        new String[] {"api raw", "/api/v1/raw"});
                boolean ok = true;
                System.out.printf("[%s] %d requests per page after %d warm-up requests (default window: last %d days)%n", engine,
                        o.requests, o.warmup, WebServer.DEFAULT_DAYS);
                System.out.printf("  %-14s %8s %8s %8s %8s %9s %9s  %s%n", "page", "p50 ms", "p95 ms", "max ms", "mean ms", "JVM CPU",
                        "bytes", "p95 < 200 ms");
                for (String[] p : pages) {
                    ok &= measure(http, base + p[1], p[0], p[1].startsWith("/api/") ? "Bearer " + token : null, session, o);
                }
                System.out.printf("[%s] load average %.1f on %d cores%n", engine, os.getSystemLoadAverage(), os.getAvailableProcessors());
                return ok;
            }
        } finally {
            db.close();
            if (pg != null) {
                pg.close();
            }
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static boolean measure(HttpClient http, String url, String name, String bearer, String session, Options o) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (bearer != null) {
            b.header("Authorization", bearer);
        } else {
            b.header("Cookie", WebServer.SESSION_COOKIE + "=" + session);
        }
        HttpRequest req = b.build();
        long bytes = 0;
        for (int i = 0; i < o.warmup; i++) {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            bytes = r.body().length;
        }
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        double[] ms = new double[o.requests];
        for (int i = 0; i < o.requests; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode());
            }
            bytes = r.body().length;
        }
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / o.requests;
        Arrays.sort(ms);
        double p95 = percentile(ms, 95);
        double mean = Arrays.stream(ms).average().orElse(0);
        System.out.printf(Locale.ROOT, "  %-14s %8.1f %8.1f %8.1f %8.1f %9.1f %9d  %s%n", name, percentile(ms, 50), p95, ms[ms.length - 1],
                mean, cpuMs, bytes, p95 < TARGET_MS ? "yes" : "NO");
        return p95 < TARGET_MS;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The login form, as a browser fills it: the double-submit token from the form and its cookie. */
    private static String login(HttpClient http, String base, String password) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"").matcher(form.body());
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the login page");
        }
        String csrf = m.group(1);
        String body = "_csrf=" + csrf + "&username=" + Credentials.ADMIN + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&next=/";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", WebServer.LOGIN_COOKIE + "=" + csrf)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(WebServer.SESSION_COOKIE + "=")) {
                return c.substring(WebServer.SESSION_COOKIE.length() + 1, c.indexOf(';'));
            }
        }
        throw new IllegalStateException("login failed: " + r.statusCode());
    }

    /**
     * Fills the year; returns {domain reports, domain rows, other reports, other rows, TLS reports}. TLS reports go
     * through the real ingest; the aggregate reports (tens of thousands: the real ingest would take most of an hour
     * on the loaded 2-core machine) are written with JDBC batches, one transaction per day, in exactly the rows
     * ReportRepository writes (raw_report with the gzipped XML, status parsed; aggregate_report; aggregate_row with
     * the same auth_results JSON). Sources of the domain: 120 own servers and 30 addresses of services that sign
     * with their own domain (DKIM pass for another domain, not aligned) send most mail; 3,000 forger addresses send
     * the rest, a few messages each.
     */
    static long[] fill(Database db, Clock clock, Options o, long lastDay) throws Exception {
        ReportIngest ingest = new ReportIngest(new ReportRepository(db), clock, IngestLimits.defaults());
        Random rnd = new Random(o.seed);
        ReportGenerator tlsGen = new ReportGenerator(o.seed);
        long[] out = new long[5];
        for (long day = lastDay - o.days + 1; day <= lastDay; day++) {
            ReportGenerator.Tls t = tlsGen.tls(DOMAIN, 1 + rnd.nextInt(3), day);
            store(ingest, "tls-" + DOMAIN + "-" + day + ".json", ReportGenerator.utf8(ReportGenerator.json(t)));
            out[4]++;
            for (int d = (int) (day % 500); d < o.otherDomains; d += 500) {
                String dom = "d" + d + ".example";
                ReportGenerator.Tls tt = tlsGen.tls(dom, 1, day);
                store(ingest, "tls-" + dom + "-" + day + ".json", ReportGenerator.utf8(ReportGenerator.json(tt)));
                out[4]++;
            }
        }
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            own.add(i % 4 == 3 ? "2001:db8:1::" + Integer.toHexString(i + 1) : "198.51.100." + (i + 1));
        }
        List<String> services = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            services.add("203.0.113." + (i + 1));
        }
        List<String> forgers = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            // test addresses only, never contacted
            forgers.add(i % 3 == 2 ? "2001:db8:bad::" + Integer.toHexString(i + 1) : "10.9." + (i / 250) + "." + (1 + i % 250));
        }
        long rawId;
        long reportId;
        long rowId;
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            rawId = max(st, "raw_report");
            reportId = max(st, "aggregate_report");
            rowId = max(st, "aggregate_row");
        }
        int serial = 0;
        long now = clock.instant().getEpochSecond();
        for (long day = lastDay - o.days + 1; day <= lastDay; day++) {
            List<Aggregate> reports = new ArrayList<>();
            for (int r = 0; r < o.reporters; r++) {
                // a few big reporters, some medium, most small
                int max = r < 3 ? o.maxRows : r < 13 ? Math.max(1, o.maxRows / 4) : Math.max(1, o.maxRows / 20);
                int rows = 1 + rnd.nextInt(max);
                List<Row> list = new ArrayList<>(rows);
                for (int k = 0; k < rows; k++) {
                    list.add(domainRow(rnd, own, services, forgers));
                }
                String org = "reporter" + r + ".example";
                reports.add(new Aggregate(r % 3 == 0 ? Schema.DMARC_2_0 : Schema.RFC7489, org, "dmarc@" + org,
                        "bench-" + (++serial), DOMAIN, day * 86_400, day * 86_400 + 86_399,
                        day > lastDay - 60 ? "quarantine" : "none", list, Set.of()));
                out[0]++;
                out[1] += rows;
            }
            for (int d = 0; d < o.otherDomains; d++) {
                // every other domain reports about every ten days, on its own days
                if ((day + d) % 10 != 0) {
                    continue;
                }
                String dom = "d" + d + ".example";
                int rows = 1 + rnd.nextInt(5);
                List<Row> list = new ArrayList<>(rows);
                for (int k = 0; k < rows; k++) {
                    boolean pass = rnd.nextInt(5) != 0;
                    list.add(new Row("198.18." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254)), 1 + rnd.nextInt(50),
                            pass ? "none" : "quarantine", pass ? "pass" : "fail", pass ? "pass" : "fail", dom, dom,
                            List.of(new DkimResult(dom, "s1", pass ? "pass" : "fail")), dom, pass ? "pass" : "fail"));
                }
                String org = "reporter" + (d % o.reporters) + ".example";
                reports.add(new Aggregate(Schema.RFC7489, org, "dmarc@" + org, "bench-" + (++serial), dom, day * 86_400,
                        day * 86_400 + 86_399, "none", list, Set.of()));
                out[2]++;
                out[3] += rows;
            }
            long[] ids = write(db, reports, now, rawId, reportId, rowId);
            rawId = ids[0];
            reportId = ids[1];
            rowId = ids[2];
        }
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            // the identity columns continue after the ids written here
            st.execute("ALTER TABLE raw_report ALTER COLUMN id RESTART WITH " + (rawId + 1));
            st.execute("ALTER TABLE aggregate_report ALTER COLUMN id RESTART WITH " + (reportId + 1));
            st.execute("ALTER TABLE aggregate_row ALTER COLUMN id RESTART WITH " + (rowId + 1));
            if (db.engine() == Database.Engine.POSTGRESQL) {
                st.execute("ANALYZE");
            }
        }
        return out;
    }

    private static long max(Statement st, String table) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One day's reports in one transaction; returns the last ids used. */
    private static long[] write(Database db, List<Aggregate> reports, long now, long rawId, long reportId, long rowId) throws Exception {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement raw = c.prepareStatement("INSERT INTO raw_report (id, received_at, origin, sha256, size_bytes,"
                    + " content, status, parsed_at) VALUES (?, ?, ?, ?, ?, ?, 'parsed', ?)");
                 PreparedStatement rep = c.prepareStatement("INSERT INTO aggregate_report (id, raw_id, report_key, schema_name,"
                         + " org_name, email, report_id, begin_ts, end_ts, domain, adkim, aspf, p, sp, pct, record_count, message_count,"
                         + " stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'r', 'r', ?, ?, 100, ?, ?, ?)");
                 PreparedStatement row = c.prepareStatement("INSERT INTO aggregate_row (id, report_id, domain, begin_ts, source_ip,"
                         + " message_count, disposition, dkim_eval, spf_eval, header_from, envelope_from, auth_results)"
                         + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Aggregate a : reports) {
                    byte[] gz = ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(a)));
                    raw.setLong(1, ++rawId);
                    raw.setLong(2, now);
                    raw.setString(3, "bench-" + a.reportId() + ".xml.gz");
                    raw.setString(4, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(gz)));
                    raw.setLong(5, gz.length);
                    raw.setBytes(6, gz);
                    raw.setLong(7, now);
                    raw.addBatch();
                    int i = 1;
                    rep.setLong(i++, ++reportId);
                    rep.setLong(i++, rawId);
                    rep.setString(i++, "agg:" + a.orgName().toLowerCase(Locale.ROOT) + "\n" + a.reportId());
                    rep.setString(i++, a.schema() == Schema.DMARC_2_0 ? "dmarc-2.0" : "rfc7489");
                    rep.setString(i++, a.orgName());
                    rep.setString(i++, a.email());
                    rep.setString(i++, a.reportId());
                    rep.setLong(i++, a.begin());
                    rep.setLong(i++, a.end());
                    rep.setString(i++, a.domain());
                    rep.setString(i++, a.p());
                    rep.setString(i++, a.p());
                    rep.setInt(i++, a.rows().size());
                    rep.setLong(i++, a.messages());
                    rep.setLong(i, now);
                    rep.addBatch();
                    for (Row r : a.rows()) {
                        i = 1;
                        row.setLong(i++, ++rowId);
                        row.setLong(i++, reportId);
                        row.setString(i++, a.domain());
                        row.setLong(i++, a.begin());
                        row.setString(i++, r.ip());
                        row.setLong(i++, r.count());
                        row.setString(i++, r.disposition());
                        row.setString(i++, r.dkim());
                        row.setString(i++, r.spf());
                        row.setString(i++, r.headerFrom());
                        row.setString(i++, r.envelopeFrom());
                        Map<String, Object> auth = new LinkedHashMap<>();
                        auth.put("dkim", r.dkimResults().stream().map(k -> new AggregateReport.DkimAuth(k.domain(), k.selector(), k.result(), "")).toList());
                        auth.put("spf", List.of(new AggregateReport.SpfAuth(r.spfDomain(), "mfrom", r.spfResult(), "")));
                        row.setString(i, JSON.writeValueAsString(auth));
                        row.addBatch();
                    }
                }
                raw.executeBatch();
                rep.executeBatch();
                row.executeBatch();
            }
            c.commit();
        }
        return new long[] {rawId, reportId, rowId};
    }

    private static Row domainRow(Random rnd, List<String> own, List<String> services, List<String> forgers) {
        int kind = rnd.nextInt(100);
        if (kind < 70) {
            String ip = own.get(rnd.nextInt(own.size()));
            boolean dkim = rnd.nextInt(20) != 0;
            boolean spf = rnd.nextInt(10) != 0;
            boolean pass = dkim || spf;
            return new Row(ip, 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 5000 : 200), pass ? "none" : "quarantine",
                    dkim ? "pass" : "fail", spf ? "pass" : "fail", DOMAIN, DOMAIN,
                    List.of(new DkimResult(DOMAIN, "s2025", dkim ? "pass" : "fail")), DOMAIN, spf ? "pass" : "softfail");
        }
        if (kind < 80) {
            String ip = services.get(rnd.nextInt(services.size()));
            String esp = "esp" + (ip.hashCode() & 7) + ".example";
            return new Row(ip, 1 + rnd.nextInt(300), "none", "fail", "fail", DOMAIN, "bounce." + esp,
                    List.of(new DkimResult(esp, "esp", "pass")), "bounce." + esp, "pass");
        }
        String ip = forgers.get(rnd.nextInt(forgers.size()));
        return new Row(ip, 1 + rnd.nextInt(5), "quarantine", "fail", "fail", DOMAIN, "forged.example", List.of(),
                "forged.example", rnd.nextBoolean() ? "fail" : "none");
    }

    private static void store(ReportIngest ingest, String origin, byte[] bytes) throws Exception {
        for (IngestResult r : ingest.ingest(origin, bytes)) {
            if (r.status() != IngestResult.Status.STORED) {
                throw new IllegalStateException("fill: " + origin + " was not stored: " + r.status() + " " + r.error());
            }
        }
    }
}
