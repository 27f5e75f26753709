package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.DmarcRecordParse;
import org.mailward.auth.dmarc.DmarcRecordParser;
import org.mailward.check.Area;
import org.mailward.check.CheckConfig;
import org.mailward.check.CheckRunner;
import org.mailward.check.DomainReport;
import org.mailward.check.Finding;
import org.mailward.check.Severity;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.records.DkimKeyFile;
import org.mailward.records.DmarcRecordText;
import org.mailward.records.DmarcRollout;
import org.mailward.records.PublishedRecord;
import org.mailward.records.RecordsGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailward records DOMAIN}: the exact records to publish (shared CLI.md: {@code records[{name,type,value,ttl,
 * purpose}]}, {@code notes[]}), as master-file lines and as a table. {@code --next} reads the published DMARC record,
 * runs the checker (DNS only) and proposes the next rollout stage, or refuses when errors would make genuine mail
 * fail.
 */
@Command(name = "records", mixinStandardHelpOptions = true,
        description = "Print the records to publish (DMARC per rollout stage, report authorisations, SPF, DKIM, MTA-STS, TLS-RPT); --next proposes the next DMARC stage.")
public final class RecordsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Option(names = "--stage", paramLabel = "STAGE", description = "DMARC stage: none, quarantine:10, quarantine:25, quarantine:50, quarantine:100, reject (default: ${DEFAULT-VALUE}).")
    String stage = "none";

    @Option(names = "--next", description = "Read the published DMARC record and propose the next stage (refused when the checker finds errors).")
    boolean next;

    @Option(names = "--profile", paramLabel = "uk-gov|generic", description = "uk-gov adds the central reporting addresses of the GOV.UK guidance. Default: uk-gov for UK-government domains, else generic.")
    String profile;

    @Option(names = "--rua", paramLabel = "ADDR", split = ",", description = "Own aggregate-report addresses (default: dmarc@DOMAIN).")
    List<String> rua = new ArrayList<>();

    @Option(names = "--ruf", paramLabel = "ADDR", split = ",", description = "Own failure-report addresses (default: none).")
    List<String> ruf = new ArrayList<>();

    @Option(names = "--uk-central-rua", paramLabel = "URI", description = "Central aggregate address of the uk-gov profile (default: ${DEFAULT-VALUE}).")
    String centralRua = RecordsGenerator.UK_DMARC_CENTRAL_RUA;

    @Option(names = "--uk-central-ruf", paramLabel = "URI", description = "Central failure-report address of the uk-gov profile; empty to leave it out (default: ${DEFAULT-VALUE}).")
    String centralRuf = RecordsGenerator.UK_DMARC_CENTRAL_RUF;

    @Option(names = "--uk-central-tlsrpt", paramLabel = "URI", description = "Central TLS-RPT address of the uk-gov profile (default: ${DEFAULT-VALUE}).")
    String centralTlsRpt = RecordsGenerator.UK_TLSRPT_CENTRAL;

    @Option(names = "--uk-central-reporting", paramLabel = "on|off", description = "Include the central addresses (default: ${DEFAULT-VALUE}).")
    String centralReporting = "on";

    @Option(names = "--spf-include", paramLabel = "DOMAIN", split = ",", description = "SPF include: terms (e.g. _spf.google.com).")
    List<String> spfIncludes = new ArrayList<>();

    @Option(names = "--spf-ip", paramLabel = "CIDR", split = ",", description = "SPF ip4:/ip6: ranges.")
    List<String> spfIps = new ArrayList<>();

    @Option(names = "--spf-all", paramLabel = "~all|-all", description = "SPF default (default: ${DEFAULT-VALUE}; UK minimum is ~all).")
    String spfAll = "~all";

    @Option(names = "--dkim-selector", paramLabel = "S", description = "DKIM selector (with --dkim-key).")
    String dkimSelector;

    @Option(names = "--dkim-key", paramLabel = "FILE", description = "PEM key file: RSA or Ed25519 private key (the public key is derived) or a public key.")
    Path dkimKey;

    @Option(names = "--mta-sts", paramLabel = "enforce|testing", description = "Generate the MTA-STS record and policy file.")
    String mtaSts;

    @Option(names = "--mx", paramLabel = "HOST", split = ",", description = "MX hosts for the MTA-STS policy (default: the domain's MX records).")
    List<String> mx = new ArrayList<>();

    @Option(names = "--tlsrpt", paramLabel = "URI", split = ",", description = "TLS-RPT destinations (mailto:... or https://...).")
    List<String> tlsrpt = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "TTL of the records (default: ${DEFAULT-VALUE}; short TTLs let you fix mistakes quickly).")
    long ttl = 3600;

    @Option(names = "--json", description = "One JSON object: records[{name,type,value,ttl,purpose}], notes[], files[], next{}.")
    boolean json;

    @Mixin
    DnsOptions dns;

    @Mixin
    TimeOptions time;

    /** CLI.md contract for one record. */
    public record RecordJson(String name, String type, String value, long ttl, String purpose) {
    }

    @Override
    public Integer call() throws Exception {
        String d = Resolver.normalise(domain);
        if (d.isEmpty() || !d.contains(".")) {
            throw new UsageError("DOMAIN must be a domain name such as example.gov.uk");
        }
        Clock clock = time.clock();
        Resolver resolver = dns.resolver(clock);
        RecordsGenerator.Profile prof = profile(d);
        RecordsGenerator g = new RecordsGenerator(d).profile(prof).rua(rua).ruf(ruf).ttl(ttl);
        switch (centralReporting.toLowerCase(Locale.ROOT)) {
            case "on" -> g.central(centralRua, centralRuf, centralTlsRpt);
            case "off" -> g.central("", "", "");
            default -> throw new UsageError("--uk-central-reporting: on or off, not " + centralReporting);
        }
        Map<String, Object> nextJson = null;
        List<String> extraNotes = new ArrayList<>();
        boolean emit = true;
        if (next) {
            NextStep step = nextStep(d, resolver, clock, prof);
            nextJson = step.json();
            extraNotes.addAll(step.notes());
            emit = step.advance();
            g.stage(step.proposed().orElse(DmarcRollout.NONE));
            step.base().ifPresent(g::dmarcBase);
        } else {
            g.stage(DmarcRollout.parse(stage).orElseThrow(() -> new UsageError("--stage: one of " + DmarcRollout.labels() + ", not " + stage)));
            if (!spfIncludes.isEmpty() || !spfIps.isEmpty()) {
                if (!List.of("~all", "-all", "?all").contains(spfAll)) {
                    throw new UsageError("--spf-all: ~all or -all");
                }
                g.spf(spfIncludes, spfIps, spfAll);
            }
            if (dkimSelector != null || dkimKey != null) {
                if (dkimSelector == null || dkimKey == null) {
                    throw new UsageError("--dkim-selector and --dkim-key go together");
                }
                String pem;
                try {
                    pem = Files.readString(dkimKey, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new UsageError("--dkim-key: cannot read " + dkimKey + ": " + e.getMessage(), e);
                }
                switch (DkimKeyFile.fromPem(pem)) {
                    case DkimKeyFile.Result.Ok ok -> g.dkim(dkimSelector, ok);
                    case DkimKeyFile.Result.Invalid bad -> throw new UsageError("--dkim-key: " + bad.reason());
                }
            }
            if (mtaSts != null) {
                if (!mtaSts.equals("enforce") && !mtaSts.equals("testing")) {
                    throw new UsageError("--mta-sts: enforce or testing");
                }
                List<String> hosts = mx;
                if (hosts.isEmpty()) {
                    DnsAnswer a = resolver.query(d, RecordType.MX);
                    hosts = a.recordsOf(DnsRecord.Mx.class).stream().filter(m -> !m.exchange().isEmpty())
                            .sorted((x, y) -> Integer.compare(x.preference(), y.preference())).map(DnsRecord.Mx::exchange).distinct().toList();
                }
                g.mtaSts(mtaSts, hosts);
            }
            g.tlsrpt(tlsrpt);
        }
        RecordsGenerator.Plan plan = g.generate(Optional.of(resolver), clock);
        List<PublishedRecord> records = emit ? (next ? plan.records().stream().filter(r -> r.name().contains("_dmarc.")).toList() : plan.records()) : List.of();
        List<String> notes = new ArrayList<>(extraNotes);
        if (emit) {
            notes.addAll(next ? plan.notes().stream().filter(n -> !n.startsWith("No SPF")).toList() : plan.notes());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("domain", d);
            o.put("profile", prof == RecordsGenerator.Profile.UK_GOV ? "uk-gov" : "generic");
            o.put("stage", plan.stage().label());
            o.put("records", records.stream().map(r -> new RecordJson(r.name(), r.type(), r.value(), r.ttl(), r.purpose())).toList());
            o.put("notes", notes);
            o.put("files", emit ? plan.files() : List.of());
            plan.spf().ifPresent(c -> o.put("spf", Map.of("dnsLookups", c.lookups(), "voidLookups", c.voidLookups(),
                    "result", c.verdict().keyword(), "withinLimits", c.withinLimits())));
            if (nextJson != null) {
                o.put("next", nextJson);
            }
            out.println(Json.write(o));
        } else {
            printText(out, d, plan, records, notes, emit, nextJson);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private RecordsGenerator.Profile profile(String d) {
        if (profile == null) {
            return CheckConfig.builder((n, t) -> DnsAnswer.nxdomain(n, t)).build().profileFor(d) == CheckConfig.Profile.UK
                    ? RecordsGenerator.Profile.UK_GOV : RecordsGenerator.Profile.GENERIC;
        }
        return switch (profile.toLowerCase(Locale.ROOT)) {
            case "uk-gov", "uk" -> RecordsGenerator.Profile.UK_GOV;
            case "generic" -> RecordsGenerator.Profile.GENERIC;
            default -> throw new UsageError("--profile: uk-gov or generic, not " + profile);
        };
    }

    /** The outcome of {@code --next}. */
    record NextStep(Optional<DmarcRollout> current, Optional<DmarcRollout> proposed, boolean advance, List<String> blockers,
                    Optional<DmarcRecordText> base, List<String> notes) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("current", current.map(DmarcRollout::label).orElse(null));
            m.put("proposed", proposed.map(DmarcRollout::label).orElse(null));
            m.put("advance", advance);
            m.put("blockers", blockers);
            return m;
        }
    }

    /**
     * Reads the published record and checks the domain (DNS only). Errors that would make genuine mail fail, or hide
     * what happens to it, block the step: any ERROR in the DMARC, REPORTAUTH, SPF or DKIM areas, no rua
     * (DMARC-NO-RUA), and lookups that failed (GEN-DNS-INCONCLUSIVE: nothing can be concluded).
     */
    private NextStep nextStep(String d, Resolver resolver, Clock clock, RecordsGenerator.Profile prof) {
        CheckConfig.Builder cb = CheckConfig.builder(resolver).clock(clock).probeSmtp(false).resolverLabel("records --next")
                .profile(prof == RecordsGenerator.Profile.UK_GOV ? CheckConfig.Profile.UK : CheckConfig.Profile.GENERIC);
        if (centralReporting.equalsIgnoreCase("off")) {
            cb.ukDmarcCentralRua("").ukDmarcCentralRuf("").ukTlsRptCentral("");
        } else {
            cb.ukDmarcCentralRua(centralRua).ukDmarcCentralRuf(centralRuf).ukTlsRptCentral(centralTlsRpt);
        }
        DomainReport report = new CheckRunner(cb.build()).check(d);
        List<String> blockers = new ArrayList<>();
        for (Finding f : report.findings()) {
            boolean authArea = f.area() == Area.DMARC || f.area() == Area.REPORTAUTH || f.area() == Area.SPF || f.area() == Area.DKIM;
            if ((authArea && f.severity() == Severity.ERROR && !f.id().equals("DMARC-NO-RECORD")) || f.id().equals("DMARC-NO-RUA")
                    || f.id().equals("GEN-DNS-INCONCLUSIVE") || f.id().equals("GEN-DOMAIN-NXDOMAIN")) {
                blockers.add(f.id() + ": " + f.summary());
            }
        }
        List<DmarcRecord> own = new ArrayList<>();
        for (String t : resolver.query("_dmarc." + d, RecordType.TXT).texts()) {
            if (DmarcRecordParser.parse(t) instanceof DmarcRecordParse.Valid v) {
                own.add(v.record());
            }
        }
        List<String> notes = new ArrayList<>();
        if (own.size() != 1) {
            if (report.ids().contains("DMARC-NO-RECORD") && blockers.isEmpty()) {
                notes.add(d + " publishes no DMARC record: start at stage none.");
                return new NextStep(Optional.empty(), Optional.of(DmarcRollout.NONE), true, blockers, Optional.empty(), notes);
            }
            if (blockers.isEmpty()) {
                blockers.add("no single valid DMARC record at _dmarc." + d + " (" + own.size() + " found)");
            }
            notes.add("Not advancing: fix these first: " + String.join("; ", blockers));
            return new NextStep(Optional.empty(), Optional.empty(), false, blockers, Optional.empty(), notes);
        }
        DmarcRollout current = DmarcRollout.of(own.get(0));
        Optional<DmarcRollout> proposed = current.next();
        if (proposed.isEmpty()) {
            notes.add(d + " is at the final stage (reject): nothing to advance.");
            return new NextStep(Optional.of(current), Optional.empty(), false, blockers, Optional.empty(), notes);
        }
        if (!blockers.isEmpty()) {
            notes.add("Not advancing from " + current.label() + " to " + proposed.get().label() + ": these errors would make genuine mail fail or hide it: "
                    + String.join("; ", blockers));
            return new NextStep(Optional.of(current), proposed, false, blockers, Optional.empty(), notes);
        }
        notes.add("Advance from " + current.label() + " to " + proposed.get().label()
                + " only when a week or more of aggregate reports shows all genuine mail passing SPF or DKIM aligned (not visible from DNS).");
        return new NextStep(Optional.of(current), proposed, true, blockers, Optional.of(DmarcRecordText.from(own.get(0))), notes);
    }

    private static void printText(PrintWriter out, String d, RecordsGenerator.Plan plan, List<PublishedRecord> records, List<String> notes,
                                  boolean emit, Map<String, Object> nextJson) {
        if (nextJson != null) {
            out.println("DMARC rollout for " + d + ": current " + Optional.ofNullable(nextJson.get("current")).orElse("(no record)")
                    + ", proposed " + Optional.ofNullable(nextJson.get("proposed")).orElse("-") + (Boolean.TRUE.equals(nextJson.get("advance")) ? "" : " (not advancing)"));
        } else {
            out.println("Records to publish for " + d + " (DMARC stage " + plan.stage().label() + ")");
        }
        if (emit && !records.isEmpty()) {
            out.println();
            out.println("Zone file:");
            for (PublishedRecord r : records) {
                out.println(r.zoneLine());
            }
            out.println();
            out.println("For a DNS console:");
            int w = Math.min(60, records.stream().mapToInt(r -> r.name().length()).max().orElse(10));
            out.printf("%-" + w + "s  %-5s  %-6s  %s%n", "NAME", "TYPE", "TTL", "VALUE");
            for (PublishedRecord r : records) {
                out.printf("%-" + w + "s  %-5s  %-6d  %s%n", r.name(), r.type(), r.ttl(), r.value());
                out.printf("%-" + w + "s  %s%n", "", "  -> " + r.purpose());
            }
            for (RecordsGenerator.ServedFile f : plan.files()) {
                out.println();
                out.println("Serve " + f.url() + " (" + f.contentType() + "): " + f.purpose());
                out.print(f.body().replace("\r\n", "\n"));
            }
        }
        if (!notes.isEmpty()) {
            out.println();
            out.println("Notes:");
            notes.forEach(n -> out.println(" - " + n));
        }
    }
}
