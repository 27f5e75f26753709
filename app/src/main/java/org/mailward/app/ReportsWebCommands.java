package org.mailward.app;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mailward.reports.DashboardQueries;
import org.mailward.reports.RolloutAdvisor;
import org.mailward.store.Database;
import org.mailward.web.Credentials;
import org.mailward.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mailward reports serve|token|advise}: the dashboard, its API tokens and the rollout advisor. */
final class ReportsWebCommands {

    private ReportsWebCommands() {
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve the reports dashboard and JSON API (login required; first run prints the admin password once).")
    static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
        String listen = "127.0.0.1:8080";

        @Option(names = "--secure-cookies", description = "Mark cookies Secure (when served behind HTTPS).")
        boolean secureCookies;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws SQLException, InterruptedException {
            int colon = listen.lastIndexOf(':');
            if (colon < 1) {
                throw new UsageError("--listen must be HOST:PORT: " + listen);
            }
            String host = listen.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new UsageError("--listen port must be a number: " + listen);
            }
            Clock clock = Clock.systemUTC();
            Database db = ReportsCommand.open(data);
            Started started = startDashboard(db, host, port, secureCookies, Optional.empty(), clock, pw -> spec.commandLine().getErr().printf(
                    "first run: created user '%s' with password %s (shown once, stored hashed)%n", Credentials.ADMIN, pw));
            WebServer server = started.server();
            String secret = started.tlsrptSecret();
            spec.commandLine().getErr().printf("dashboard: http://%s:%d/%n", host.contains(":") ? "[" + host + "]" : host, server.port());
            spec.commandLine().getErr().printf("TLS-RPT reports by HTTPS POST: publish rua=https://<public name>/tlsrpt/%s%n", secret);
            spec.commandLine().getErr().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                db.close();
                stop.countDown();
            }));
            stop.await();
            return ExitCodes.OK;
        }
    }

    /** A started dashboard and the path secret of its TLS-RPT POST endpoint. */
    record Started(WebServer server, String tlsrptSecret) {
    }

    /**
     * The dashboard, its report uploads and the TLS-RPT POST endpoint on {@code db} (for {@code reports serve} and for
     * {@code serve}): creates the admin user on the first run (its password goes to {@code firstRunPassword}, once) and
     * takes the TLS-RPT path secret from {@code tlsrptSecret}, else the one kept in the database (made on first use).
     */
    static Started startDashboard(Database db, String address, int port, boolean secureCookies, Optional<String> tlsrptSecret,
                                  Clock clock, java.util.function.Consumer<String> firstRunPassword) throws SQLException {
        SecureRandom random = new SecureRandom();
        Credentials credentials = new Credentials(db, random);
        credentials.ensureAdmin(clock.instant().getEpochSecond()).ifPresent(firstRunPassword);
        String secret = tlsrptSecret.isPresent() ? tlsrptSecret.get() : org.mailward.web.TlsRptSecret.ensure(db, random);
        org.mailward.reports.ReportIngest ingest = new org.mailward.reports.ReportIngest(new org.mailward.reports.ReportRepository(db),
                clock, org.mailward.reports.IngestLimits.defaults());
        WebServer server = new WebServer(new DashboardQueries(db), credentials, clock, random, secureCookies,
                Optional.of(new WebServer.Uploads(ingest, Optional.of(secret), WebServer.Uploads.DEFAULT_MAX_BYTES))).start(address, port);
        return new Started(server, secret);
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "API bearer tokens.",
            subcommands = TokenCreate.class)
    static final class Token implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API token for /api/v1 (printed once, stored hashed).")
    static final class TokenCreate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--name", paramLabel = "NAME", description = "What the token is for (default: ${DEFAULT-VALUE}).")
        String name = "api";

        @Option(names = "--json", description = "One JSON object.")
        boolean json;

        @Mixin
        DataOptions data;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws SQLException {
            String token;
            try (Database db = ReportsCommand.open(data)) {
                token = new Credentials(db, new SecureRandom()).createToken(name, time.clock().instant().getEpochSecond());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("token", token);
                out.println(Json.write(m));
            } else {
                out.println(token);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "advise", mixinStandardHelpOptions = true,
            description = "Rollout advisor: what the next DMARC policy stage would have done over the last days, and whether to advance.")
    static final class Advise implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The policy domain.")
        String domain;

        @Option(names = "--policy", paramLabel = "POLICY", description = "Target policy (quarantine or reject; default: the next stage).")
        String policy;

        @Option(names = "--pct", paramLabel = "N", description = "Target pct (default 100 with --policy).")
        Integer pct;

        @Option(names = "--days", paramLabel = "N", description = "Window in days (default: ${DEFAULT-VALUE}).")
        int days = 30;

        @Option(names = "--json", description = "One JSON object.")
        boolean json;

        @Mixin
        DataOptions data;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws SQLException {
            if (days < 1 || days > 3660) {
                throw new UsageError("--days must be 1..3660");
            }
            Optional<RolloutAdvisor.Stage> target = Optional.empty();
            if (policy != null) {
                try {
                    target = Optional.of(new RolloutAdvisor.Stage(policy, pct == null ? 100 : pct));
                } catch (IllegalArgumentException e) {
                    throw new UsageError(e.getMessage());
                }
            } else if (pct != null) {
                throw new UsageError("--pct needs --policy");
            }
            Optional<RolloutAdvisor.Advice> advice;
            try (Database db = ReportsCommand.open(data)) {
                advice = new DashboardQueries(db).advise(domain, time.clock().instant().getEpochSecond(), days, target);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (advice.isEmpty()) {
                if (json) {
                    out.println(Json.write(Map.of("domain", domain.toLowerCase(Locale.ROOT), "error", "no aggregate reports in the window")));
                } else {
                    out.printf("%s: no aggregate reports in the last %d days%n", domain, days);
                }
                return ExitCodes.OK;
            }
            RolloutAdvisor.Advice a = advice.get();
            if (json) {
                out.println(Json.write(a));
                return ExitCodes.OK;
            }
            out.printf("%s: %s -> %s: %s%n", a.domain(), a.current().label(), a.target().label(), a.verdict());
            for (String r : a.reasons()) {
                out.printf("  - %s%n", r);
            }
            out.printf(Locale.ROOT, "  last %d days (%d report days): %d messages, %d failing DMARC; expected quarantined %.1f, rejected %.1f%n",
                    a.windowDays(), a.reportDays(), a.messages(), a.failing(), a.expectedQuarantined(), a.expectedRejected());
            List<RolloutAdvisor.AffectedSource> src = a.sources();
            for (RolloutAdvisor.AffectedSource s : src) {
                out.printf(Locale.ROOT, "  %-40s %-8s failing %8d  q %9.1f  r %9.1f  %s; %s%n", s.ip(),
                        s.likely().name().toLowerCase(Locale.ROOT), s.failing(), s.expectedQuarantined(), s.expectedRejected(),
                        s.why(), s.fix());
            }
            return ExitCodes.OK;
        }
    }
}
