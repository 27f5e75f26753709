package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.reports.AggregateReport.Schema;
import org.mailward.reports.generate.Destination;
import org.mailward.reports.generate.GatewayEventReader;
import org.mailward.reports.generate.JdkHttpsPoster;
import org.mailward.reports.generate.ReportDestinations;
import org.mailward.reports.generate.ReportGeneration;
import org.mailward.reports.generate.ReportGeneration.Delivery;
import org.mailward.reports.generate.ReportGeneration.Planned;
import org.mailward.reports.generate.ReporterIdentity;
import org.mailward.reports.generate.SmtpReportSender;
import org.mailward.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailward reports generate --date D}: our outgoing DMARC aggregate and TLS-RPT reports for one UTC day from
 * the gateway's recorded events; {@code --dry-run} shows what would be sent, otherwise mail is submitted to
 * {@code --submit HOST:PORT} (the gateway's own listener) and TLS-RPT https: destinations get a POST.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Build the DMARC aggregate (RFC 7489) and TLS-RPT (RFC 8460) reports of one UTC day from the gateway's "
                + "recorded events and send them (or show what would be sent with --dry-run).")
final class ReportsGenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The UTC day to report on.")
    String date;

    @Option(names = "--dry-run", description = "Build the reports and check the destinations, send nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "One JSON object per report (JSON lines).")
    boolean json;

    @Option(names = "--submit", paramLabel = "HOST:PORT", description = "SMTP server to submit report mail to (the gateway's listener, which signs and queues it).")
    String submit;

    @Option(names = "--org-name", paramLabel = "NAME", description = "report_metadata org_name / organization-name (default: our host name from the events).")
    String orgName;

    @Option(names = "--org-email", paramLabel = "ADDRESS", description = "report_metadata email / contact-info and the report mail's sender (default: postmaster@ our host name).")
    String orgEmail;

    @Option(names = "--schema", paramLabel = "rfc7489|dmarc-2.0", description = "Aggregate XML format (default: ${DEFAULT-VALUE}).")
    String schema = "rfc7489";

    @Option(names = "--out", paramLabel = "DIR", description = "Also write each report file (.xml.gz, .json.gz) into this directory.")
    Path out;

    @Mixin
    DataOptions data;

    @Mixin
    DnsOptions dns;

    @Mixin
    TimeOptions time;

    @Override
    public Integer call() throws SQLException, IOException {
        LocalDate day;
        try {
            day = LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new UsageError("--date: not a YYYY-MM-DD date: " + date);
        }
        Schema format = switch (schema) {
            case "rfc7489" -> Schema.RFC7489;
            case "dmarc-2.0" -> Schema.DMARC_2_0;
            default -> throw new UsageError("--schema must be rfc7489 or dmarc-2.0");
        };
        InetSocketAddress server = null;
        if (!dryRun) {
            if (submit == null) {
                throw new UsageError("sending needs --submit HOST:PORT (or use --dry-run)");
            }
            server = hostPort(submit);
        }
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = begin + 86_400;
        Clock clock = time.clock();
        PrintWriter pw = spec.commandLine().getOut();
        try (Database db = ReportsCommand.open(data)) {
            GatewayEventReader reader = new GatewayEventReader(db);
            List<String> reporters = reader.reporters(begin, end);
            if (reporters.isEmpty()) {
                if (!json) {
                    pw.println("no gateway events on " + day + ": nothing to report");
                }
                return ExitCodes.OK;
            }
            ReporterIdentity me;
            try {
                me = ReporterIdentity.of(orgName, orgEmail, reporters.get(0));
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw new UsageError("--org-name/--org-email: " + e.getMessage());
            }
            ReportGeneration generation = new ReportGeneration(reader,
                    new ReportDestinations(dns.resolver(clock), PublicSuffixList.bundled()), me, format, clock);
            List<Planned> plan = generation.plan(begin, end);
            SmtpReportSender smtp = server == null ? null : new SmtpReportSender(server, me.submitter(), Duration.ofSeconds(60));
            JdkHttpsPoster https = server == null ? null : new JdkHttpsPoster(defaultTls(), Duration.ofSeconds(60));
            if (out != null) {
                Files.createDirectories(out);
            }
            for (Planned p : plan) {
                if (out != null) {
                    Files.write(out.resolve(p.fileName()), p.attachment());
                }
                List<Delivery> sent = dryRun ? List.of() : generation.deliver(p, smtp, https);
                print(pw, p, sent);
            }
        }
        return ExitCodes.OK;
    }

    private void print(PrintWriter pw, Planned p, List<Delivery> sent) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", p.kind().label());
            m.put("domain", p.domain());
            m.put("reportId", p.reportId());
            m.put("fileName", p.fileName());
            m.put("rows", p.rows());
            m.put("records", p.records());
            m.put("bytes", p.attachment().length);
            m.put("mailBytes", p.mail().length);
            List<Map<String, Object>> dests = new ArrayList<>();
            for (Destination d : p.destinations()) {
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("uri", d.uri());
                dm.put("target", d.target());
                dm.put("accepted", d.accepted());
                dm.put("reason", d.reason());
                dm.put("maxBytes", d.maxBytes().orElse(null));
                dests.add(dm);
            }
            m.put("destinations", dests);
            List<Map<String, Object>> errs = new ArrayList<>();
            for (ReportGeneration.SizeError e : p.sizeErrors()) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("uri", e.destination().uri());
                em.put("target", e.destination().target());
                em.put("reportBytes", e.reportBytes());
                em.put("maxBytes", e.destination().maxBytes().orElse(null));
                em.put("mailBytes", e.mail().length);
                errs.add(em);
            }
            m.put("sizeErrorReports", errs);
            m.put("notes", p.notes());
            m.put("dryRun", dryRun);
            List<Map<String, Object>> s = new ArrayList<>();
            for (Delivery d : sent) {
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("destination", d.destination());
                dm.put("ok", d.ok());
                dm.put("detail", d.detail());
                s.add(dm);
            }
            m.put("sent", s);
            pw.println(Json.write(m));
            return;
        }
        pw.printf("%s %s: %d %s, %d %s, %s (%d bytes)%n", p.kind().label(), p.domain(), p.rows(),
                p.kind() == ReportGeneration.Kind.TLSRPT ? "sessions" : "messages", p.records(),
                p.kind() == ReportGeneration.Kind.TLSRPT ? "policies" : "records", p.fileName(), p.attachment().length);
        for (Destination d : p.destinations()) {
            pw.printf("  %-8s %s: %s%n", d.accepted() ? "send" : "refuse", d.uri(), d.reason());
        }
        for (ReportGeneration.SizeError e : p.sizeErrors()) {
            pw.printf("  %-8s %s: %s a %d-byte error report (RFC 7489 7.2.2) instead of the %d-byte report%n", "error",
                    e.destination().uri(), dryRun ? "would send" : "sends", e.mail().length, e.reportBytes());
        }
        for (String n : p.notes()) {
            pw.println("  note     " + n);
        }
        if (dryRun && p.mail().length > 0) {
            pw.printf("  would send a %d-byte mail to %s%n", p.mail().length, String.join(", ", p.mailRecipients()));
        }
        for (Delivery d : sent) {
            pw.printf("  %-8s %s: %s%n", d.ok() ? "sent" : "FAILED", d.destination(), d.detail());
        }
    }

    static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new UsageError("--submit: expected HOST:PORT, got " + s);
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageError("--submit: not a port: " + s.substring(colon + 1));
        }
        if (port < 1 || port > 65535) {
            throw new UsageError("--submit: port out of range: " + port);
        }
        return new InetSocketAddress(host, port);
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }
}
