package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mailward.check.Area;
import org.mailward.check.CheckConfig;
import org.mailward.check.CheckRunner;
import org.mailward.check.DomainReport;
import org.mailward.check.Finding;
import org.mailward.check.Severity;
import org.mailward.check.TrustStores;
import org.mailward.dns.CachingResolver;
import org.mailward.dns.CountingResolver;
import org.mailward.dns.QueryStats;
import org.mailward.dns.Resolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailward check DOMAIN...}: audit domains against CHECKS.md. Output per domain: {@code domain},
 * {@code status}, {@code findings[{id,severity,area,summary,detail,fix,record}]} (shared CLI.md). Several domains
 * stream as JSON lines / CSV rows in input order, each written as soon as it and all before it are done.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Audit domains against the rule catalogue (DMARC, report authorisation, SPF, DKIM, MX, PTR, STARTTLS/TLS, certificates, MTA-STS, TLS-RPT, DNSSEC/DANE, UK profile).")
public final class CheckCommand implements Callable<Integer> {

    /** Exit code for --fail-on (shared CLI.md). */
    public static final int FAIL_ON_EXIT = 3;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DOMAIN", arity = "0..*", description = "Domains to check.")
    List<String> domains = new ArrayList<>();

    @Option(names = "--json", description = "JSON: one object for one domain, JSON lines for several.")
    boolean json;

    @Option(names = "--csv", description = "CSV: one row per finding (header first).")
    boolean csv;

    @Option(names = "--from-file", paramLabel = "FILE", description = "Read domains from FILE (one per line, # comments), '-' for stdin.")
    String fromFile;

    @Option(names = "--concurrency", paramLabel = "N", description = "Domains checked at once (default: ${DEFAULT-VALUE}).")
    int concurrency = 16;

    @Option(names = "--smtp-port", paramLabel = "PORT", description = "Port probed on each MX address (default: ${DEFAULT-VALUE}).")
    int smtpPort = 25;

    @Option(names = "--https-port", paramLabel = "PORT", description = "Port of the MTA-STS policy host (default: ${DEFAULT-VALUE}).")
    int httpsPort = 443;

    @Option(names = "--no-smtp", description = "Do not open SMTP connections (DNS-only checks).")
    boolean noSmtp;

    @Option(names = "--egress-verified", description = "Outbound port 25 from this machine is known to work: an MX that never answers is an ERROR, not INCONCLUSIVE.")
    boolean egressVerified;

    @Option(names = "--trust-store", paramLabel = "FILE", description = "Trust anchors (PEM bundle or PKCS#12/JKS) for certificate checks. Default: the JDK's.")
    Path trustStore;

    @Option(names = "--profile", paramLabel = "uk|generic", description = "Rule profile. Default: uk for UK-government domains, else generic.")
    CheckConfig.Profile profile;

    @Option(names = "--non-sending", description = "The domains send no mail (UK-NONSENDING-* rules).")
    boolean nonSending;

    @Option(names = "--approved-mx", paramLabel = "HOST", split = ",", description = "Approved MX host names (MX-DUPLICATE-OR-UNAPPROVED).")
    List<String> approvedMx = new ArrayList<>();

    @Option(names = "--treat-as-public", paramLabel = "CIDR", split = ",", description = "Address ranges not reported as private (lab networks).")
    List<String> treatAsPublic = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Read timeout of SMTP/HTTPS probes (default: ${DEFAULT-VALUE}).")
    double timeout = 10;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", description = "Exit 3 when a finding at or above this severity exists (error, warn, info).")
    Severity failOn;

    @Option(names = "--output", paramLabel = "FILE", description = "Write results to FILE instead of stdout.")
    Path output;

    @Option(names = "--resume", description = "With --output: skip domains already in FILE and append the rest.")
    boolean resume;

    @Option(names = "--no-color", description = "No colour in text output.")
    boolean noColor;

    @Option(names = {"--selector", "--dkim-selector"}, paramLabel = "S", split = ",", description = "DKIM selectors to check (a missing key is an error); common ones are probed too.")
    List<String> selectors = new ArrayList<>();

    @Option(names = "--no-dkim-probe", description = "Do not probe the built-in list of common DKIM selectors.")
    boolean noDkimProbe;

    @Option(names = "--dmarc-mode", paramLabel = "bis|7489", description = "DMARC policy discovery: bis (RFC 9989 DNS tree walk, default) or 7489 (Public Suffix List).")
    String dmarcMode = "bis";

    @Option(names = "--uk-central-rua", paramLabel = "URI", description = "UK central DMARC aggregate address (default: ${DEFAULT-VALUE}).")
    String ukCentralRua = CheckConfig.UK_DMARC_CENTRAL_RUA;

    @Option(names = "--uk-central-ruf", paramLabel = "URI", description = "Central DMARC failure-report address named by the GOV.UK guidance (default: ${DEFAULT-VALUE}).")
    String ukCentralRuf = CheckConfig.UK_DMARC_CENTRAL_RUF;

    @Option(names = "--uk-central-tlsrpt", paramLabel = "URI", description = "UK central TLS-RPT address (default: ${DEFAULT-VALUE}).")
    String ukCentralTlsRpt = CheckConfig.UK_TLSRPT_CENTRAL;

    @Option(names = "--uk-central-reporting", paramLabel = "on|off", description = "Check for the UK central reporting addresses (default: ${DEFAULT-VALUE}).")
    String ukCentralReporting = "on";

    @Option(names = "--bimi", description = "Run the optional BIMI module (BIMI-* rules; off by default and in the UK profile).")
    boolean bimi;

    @Option(names = "--bimi-selector", paramLabel = "S", description = "BIMI selector to check with --bimi (default: ${DEFAULT-VALUE}).")
    String bimiSelector = "default";

    @Option(names = "--no-ns-consistency", description = "Do not ask each authoritative nameserver directly (GEN-NS-INCONSISTENT).")
    boolean noNsConsistency;

    @Option(names = "--rpki-vrps", paramLabel = "FILE", description = "Turn the optional RPKI module on: validated ROA payloads (rpki-client/Routinator JSON export). Needs --rpki-routes.")
    Path rpkiVrps;

    @Option(names = "--rpki-routes", paramLabel = "FILE", description = "Route announcements for the RPKI module: lines 'PREFIX ASN'.")
    Path rpkiRoutes;

    @Option(names = "--data", paramLabel = "DIR", description = "Use the DMARC reports stored under DIR ([REPORTS] parts of the DKIM rules). Off when not given.")
    Path reportsData;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "As --data, from this database URL.")
    String reportsDb;

    @Option(names = "--stats", description = "At the end, print DNS statistics to stderr: queries sent (per domain), distinct questions, questions repeated within their TTL, per type and answer status.")
    boolean stats;

    @Mixin
    DnsOptions dns;

    @Mixin
    TimeOptions time;

    @Override
    public Integer call() throws Exception {
        if (json && csv) {
            throw new UsageError("--json and --csv are exclusive");
        }
        if (resume && output == null) {
            throw new UsageError("--resume needs --output FILE");
        }
        if (failOn == Severity.INCONCLUSIVE) {
            throw new UsageError("--fail-on inconclusive is not allowed: an inconclusive check is never a failure");
        }
        List<String> todo = collectDomains();
        if (todo.isEmpty()) {
            throw new UsageError("no domain given (DOMAIN... or --from-file FILE)");
        }
        Set<String> done = resume && Files.exists(output) ? alreadyDone(output) : Set.of();
        List<String> remaining = todo.stream().filter(d -> !done.contains(Resolver.normalise(d))).toList();
        PrintWriter err = spec.commandLine().getErr();
        if (!done.isEmpty()) {
            err.println("resume: " + (todo.size() - remaining.size()) + " domain(s) already in " + output.getFileName() + ", " + remaining.size() + " to check");
        }
        Clock clock = time.clock();
        // --stats counts what really goes out: below the shared cache, so a cache hit is not a query
        CountingResolver sent = new CountingResolver(dns.uncached());
        CachingResolver cache = new CachingResolver(sent, clock);
        QueryStats queryStats = new QueryStats(Clock.systemUTC(), cache::lifetime);
        if (stats) {
            sent.observe(queryStats);
        }
        CheckConfig.Builder b = CheckConfig.builder(cache).resolverLabel(dns.resolvers.isEmpty()
                        ? (dns.zones.isEmpty() ? "system resolver" : "zone files") : String.join(",", dns.resolvers))
                .clock(clock).smtpPort(smtpPort).httpsPort(httpsPort).probeSmtp(!noSmtp).egressVerified(egressVerified)
                .nonSending(nonSending).approvedMx(new LinkedHashSet<>(approvedMx)).treatAsPublic(treatAsPublic)
                .readTimeout(Duration.ofMillis((long) (timeout * 1000))).connectionDeadline(Duration.ofMillis((long) (timeout * 3000)));
        if (profile != null) {
            b.profile(profile);
        }
        b.dkimSelectors(selectors).probeDkim(!noDkimProbe);
        if (!bimiSelector.matches("[A-Za-z0-9_-]{1,63}(\\.[A-Za-z0-9_-]{1,63})*")) {
            throw new UsageError("--bimi-selector: not a DNS label: " + bimiSelector);
        }
        b.bimi(bimi).bimiSelector(bimiSelector).nsConsistency(!noNsConsistency);
        if ((rpkiVrps == null) != (rpkiRoutes == null)) {
            throw new UsageError("--rpki-vrps and --rpki-routes go together");
        }
        if (rpkiVrps != null) {
            try {
                b.rpki(new org.mailward.check.rpki.OriginValidation(
                        org.mailward.check.rpki.Vrps.parse(Files.readString(rpkiVrps, StandardCharsets.UTF_8)),
                        org.mailward.check.rpki.Routes.parse(Files.readString(rpkiRoutes, StandardCharsets.UTF_8))));
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new UsageError("RPKI data: " + e.getMessage());
            }
        }
        b.dmarcMode(switch (dmarcMode.toLowerCase(Locale.ROOT)) {
            case "bis", "9989", "dmarcbis" -> org.mailward.auth.dmarc.DiscoveryMode.DMARCBIS;
            case "7489", "rfc7489" -> org.mailward.auth.dmarc.DiscoveryMode.RFC7489;
            default -> throw new UsageError("--dmarc-mode: bis or 7489, not " + dmarcMode);
        });
        switch (ukCentralReporting.toLowerCase(Locale.ROOT)) {
            case "on" -> b.ukDmarcCentralRua(ukCentralRua).ukDmarcCentralRuf(ukCentralRuf).ukTlsRptCentral(ukCentralTlsRpt);
            case "off" -> b.ukDmarcCentralRua("").ukDmarcCentralRuf("").ukTlsRptCentral("");
            default -> throw new UsageError("--uk-central-reporting: on or off, not " + ukCentralReporting);
        }
        if (trustStore != null) {
            try {
                b.trustAnchors(TrustStores.load(trustStore));
            } catch (IOException e) {
                throw new UsageError("--trust-store: " + e.getMessage(), e);
            }
        }
        org.mailward.store.Database reports = null;
        if (reportsData != null || reportsDb != null) {
            DataOptions d = new DataOptions();
            if (reportsData != null) {
                d.data = reportsData;
            }
            d.db = reportsDb;
            reports = ReportsCommand.open(d);
            b.reportedSelectors(new StoredReportSelectors(reports.dataSource(), clock));
        }
        CheckRunner runner = new CheckRunner(b.build());
        boolean batch = todo.size() > 1;
        Writer sink = output == null ? spec.commandLine().getOut()
                : Files.newBufferedWriter(output, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        resume ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        PrintWriter out = sink instanceof PrintWriter p ? p : new PrintWriter(sink, true);
        boolean colour = !noColor && output == null && !json && !csv && System.console() != null && System.getenv("NO_COLOR") == null;
        if (csv && !(resume && !done.isEmpty())) {
            out.println("domain,status,id,severity,area,subject,summary,detail,fix,record");
        }
        Map<Integer, DomainReport> pending = new HashMap<>();
        Map<String, String> failedDomains = new HashMap<>();
        int[] next = {0};
        int[] finished = {0};
        Map<DomainReport.Status, Integer> counts = new EnumMap<>(DomainReport.Status.class);
        boolean[] failed = {false};
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < remaining.size(); i++) {
            positions.computeIfAbsent(Resolver.normalise(remaining.get(i)), k -> new ArrayList<>()).add(i);
        }
        long start = System.nanoTime();
        int[] internal = {0};
        try {
            runner.checkAll(remaining, concurrency, r -> {
                finished[0]++;
                counts.merge(r.status(), 1, Integer::sum);
                if (failOn != null && r.findings().stream().anyMatch(f -> f.severity() != Severity.INCONCLUSIVE && f.severity().rank() >= failOn.rank())) {
                    failed[0] = true;
                }
                if (batch) {
                    err.println("[" + finished[0] + "/" + remaining.size() + "] " + r.domain() + " " + r.status().label() + " (" + r.findings().size()
                            + " findings, " + r.millis() + " ms)");
                    err.flush();
                }
                for (int pos : positions.getOrDefault(r.domain(), List.of())) {
                    pending.put(pos, r);
                }
                while (pending.containsKey(next[0])) {
                    DomainReport p = pending.remove(next[0]);
                    if (p == null) {
                        emitFailure(out, remaining.get(next[0]), failedDomains.get(Resolver.normalise(remaining.get(next[0]))));
                    } else {
                        emit(out, p, colour);
                    }
                    next[0]++;
                }
                out.flush();
            }, (domain, e) -> {
                // A bug in one domain's check: say so on stderr (with the trace), keep the output order with an
                // {"domain","error"} line (no status: there is no verdict), go on, and exit 1 at the end.
                finished[0]++;
                internal[0]++;
                err.println("internal error checking " + domain + ": " + e);
                e.printStackTrace(err);
                err.flush();
                String d = Resolver.normalise(domain);
                DomainReport failedReport = null;
                for (int pos : positions.getOrDefault(d, List.of())) {
                    pending.put(pos, failedReport);
                }
                failedDomains.put(d, e.toString());
                while (pending.containsKey(next[0])) {
                    DomainReport r = pending.remove(next[0]);
                    if (r == null) {
                        emitFailure(out, remaining.get(next[0]), failedDomains.get(Resolver.normalise(remaining.get(next[0]))));
                    } else {
                        emit(out, r, colour);
                    }
                    next[0]++;
                }
                out.flush();
            });
        } finally {
            if (reports != null) {
                reports.close();
            }
        }
        out.flush();
        if (output != null) {
            out.close();
        }
        if (batch) {
            long secs = (System.nanoTime() - start) / 1_000_000_000L;
            err.println("checked " + remaining.size() + " domain(s) in " + secs + " s: " + counts.getOrDefault(DomainReport.Status.PASS, 0) + " pass, "
                    + counts.getOrDefault(DomainReport.Status.WARNING, 0) + " warning, " + counts.getOrDefault(DomainReport.Status.ERROR, 0)
                    + " error; " + runner.probedAddresses() + " SMTP address(es) probed");
        }
        if (stats) {
            err.println(QueryStats.describe(queryStats.snapshot(), remaining.size()));
            err.flush();
        }
        if (internal[0] > 0) {
            err.println(internal[0] + " domain(s) could not be checked because of an internal error (see above)");
            return ExitCodes.INTERNAL;
        }
        return failed[0] ? FAIL_ON_EXIT : ExitCodes.OK;
    }

    /** The line of a domain whose check failed with an internal error: no status (there is no verdict). */
    private void emitFailure(PrintWriter out, String domain, String error) {
        String d = Resolver.normalise(domain);
        String message = "internal error: " + error;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("domain", d);
            m.put("error", message);
            out.println(Json.write(m));
        } else if (csv) {
            out.println(csvRow(d, "", "", "", "", "", message, "", "", ""));
        } else {
            out.println(d + ": " + message);
        }
    }

    private void emit(PrintWriter out, DomainReport r, boolean colour) {
        if (json) {
            out.println(Json.write(toJson(r)));
        } else if (csv) {
            if (r.findings().isEmpty()) {
                out.println(csvRow(r.domain(), r.status().label(), "", "", "", "", "", "", "", ""));
            }
            for (Finding f : sorted(r.findings())) {
                out.println(csvRow(r.domain(), r.status().label(), f.id(), f.severity().label(), f.area().label(), f.subject(), f.summary(),
                        f.detail(), f.fix(), f.record().orElse("")));
            }
        } else {
            text(out, r, colour);
        }
    }

    /** The JSON shape of CLI.md (plus subject, why, evidence, areas and manual items). */
    static Map<String, Object> toJson(DomainReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", r.domain());
        m.put("status", r.status().label());
        List<Map<String, Object>> fs = new ArrayList<>();
        for (Finding f : sorted(r.findings())) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", f.id());
            o.put("severity", f.severity().label());
            o.put("area", f.area().label());
            o.put("subject", f.subject());
            o.put("summary", f.summary());
            o.put("detail", f.detail());
            o.put("why", f.why());
            o.put("fix", f.fix());
            o.put("record", f.record().orElse(null));
            o.put("evidence", f.evidence().stream().map(e -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("query", e.query());
                x.put("status", e.status());
                x.put("answer", e.answer());
                x.put("source", e.source());
                x.put("at", e.at().toString());
                return x;
            }).toList());
            fs.add(o);
        }
        m.put("findings", fs);
        Map<String, String> areas = new LinkedHashMap<>();
        for (Area a : Area.values()) {
            if (r.areas().containsKey(a)) {
                areas.put(a.label(), r.areas().get(a).label());
            }
        }
        m.put("areas", areas);
        m.put("manual", r.manual());
        m.put("dnsQuestions", r.dnsQuestions());
        return m;
    }

    private void text(PrintWriter out, DomainReport r, boolean colour) {
        out.println(paint(colour, r.status() == DomainReport.Status.PASS ? "32" : r.status() == DomainReport.Status.WARNING ? "33" : "31",
                r.domain() + ": " + r.status().label().toUpperCase(Locale.ROOT)) + "  (" + r.findings().size() + " findings)");
        StringBuilder areas = new StringBuilder("  areas:");
        r.areas().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> areas.append(' ').append(e.getKey().label()).append('=').append(e.getValue().label()));
        out.println(areas);
        for (Finding f : sorted(r.findings())) {
            String sev = switch (f.severity()) {
                case ERROR -> paint(colour, "31", "ERROR");
                case WARN -> paint(colour, "33", "WARN ");
                case INFO -> paint(colour, "36", "INFO ");
                case INCONCLUSIVE -> paint(colour, "35", "INCONCLUSIVE");
            };
            out.println("  " + sev + " " + f.id() + "  " + f.summary());
            if (!f.detail().isEmpty()) {
                out.println("        seen: " + f.detail());
            }
            if (!f.why().isEmpty()) {
                out.println("        why:  " + f.why());
            }
            out.println("        fix:  " + f.fix());
            f.record().ifPresent(rec -> out.println("        publish: " + rec.replace("\r\n", "\\r\\n ")));
        }
        for (String m : r.manual()) {
            out.println("  MANUAL " + m);
        }
    }

    private static String paint(boolean colour, String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    private static List<Finding> sorted(List<Finding> fs) {
        return fs.stream().sorted((a, b) -> a.severity().rank() != b.severity().rank() ? Integer.compare(b.severity().rank(), a.severity().rank())
                : a.id().compareTo(b.id())).toList();
    }

    static String csvRow(String... cells) {
        StringBuilder sb = new StringBuilder();
        for (String c : cells) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            String v = c == null ? "" : c;
            if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
                sb.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(v);
            }
        }
        return sb.toString();
    }

    private List<String> collectDomains() throws IOException {
        List<String> all = new ArrayList<>(domains);
        if (fromFile != null) {
            List<String> lines = fromFile.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                    : readLines(Path.of(fromFile));
            for (String l : lines) {
                String t = l.replaceAll("#.*", "").trim();
                if (!t.isEmpty()) {
                    all.add(t.split("[\\s,]+")[0]);
                }
            }
        }
        for (String d : all) {
            if (!d.matches("(?i)[a-z0-9_.-]+\\.?") || d.length() > 253) {
                throw new UsageError("not a domain name: " + d);
            }
        }
        return all;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageError("--from-file: cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** Domains already present in an output file: the "domain" of JSON lines, or the first CSV column. */
    private static Set<String> alreadyDone(Path file) throws IOException {
        Set<String> s = new LinkedHashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                try {
                    var node = Json.MAPPER.readTree(line);
                    if (node.hasNonNull("domain") && !node.has("error")) {
                        s.add(Resolver.normalise(node.get("domain").asText()));
                    }
                } catch (IOException e) {
                    // a line cut by an interrupted run: that domain is checked again
                }
            } else if (!line.startsWith("domain,") && line.contains(",") && !line.matches("[^,]*,,.*")) {
                s.add(Resolver.normalise(line.substring(0, line.indexOf(','))));
            }
        }
        return s;
    }
}
