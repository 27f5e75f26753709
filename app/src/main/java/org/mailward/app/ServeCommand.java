package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Optional;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.smtp.SmtpServer;
import org.mailward.web.Credentials;
import org.mailward.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailward serve --config FILE [--data DIR] [--zone F] [--resolver H:P]}: runs the gateway until SIGTERM. */
@Command(name = "serve", description = "Run the SMTP gateway until SIGTERM/SIGINT (graceful: in-flight transactions finish).")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration (mailward.yml).")
    Path config;

    @Option(names = "--grace", paramLabel = "SECONDS", description = "Time in-flight transactions get at shutdown (default: ${DEFAULT-VALUE}).")
    long graceSeconds = 30;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    DnsOptions dns = new DnsOptions();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException, NoSuchAlgorithmException {
        GatewayConfig c = ConfigCommand.load(config);
        if (data.jdbcUrl().isPresent()) {
            c = c.withDatabase(data.jdbcUrl().get());
        }
        Path dataDir = data.data.equals(Path.of("data")) && c.dataDir().isPresent() ? c.dataDir().get() : data.dataDir();
        Clock clock = Clock.systemUTC();
        Gateway g;
        try {
            g = Gateway.start(c, dataDir, dns.resolver(clock), clock, SSLContext.getDefault(), List.of());
        } catch (java.net.BindException e) {
            throw new UsageError("cannot listen: " + e.getMessage(), e);
        }
        for (SmtpServer s : g.servers()) {
            System.err.println("mailward: listening on " + s.address() + " (" + s.config().name() + ")");
        }
        Optional<WebServer> web;
        try {
            web = dashboard(c, g, clock, spec.commandLine().getErr());
        } catch (RuntimeException | SQLException e) {
            g.close(Duration.ofSeconds(graceSeconds));
            throw new UsageError("cannot start the dashboard: " + e.getMessage(), e);
        }
        System.err.println("mailward: spool " + g.spool().root().toAbsolutePath() + "; stop with SIGTERM");
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("mailward: shutting down (grace " + graceSeconds + " s)");
            web.ifPresent(WebServer::close);
            g.close(Duration.ofSeconds(graceSeconds));
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * issue 7: the dashboard "served by mailward serve", when {@code dashboard:} is configured: on the gateway's own
     * database (the same instance: an embedded H2 file is opened by one process at a time), with the TLS-RPT POST
     * endpoint and report uploads. Prints the URL, the first-run admin password (once) and the TLS-RPT URI to publish.
     */
    static Optional<WebServer> dashboard(GatewayConfig c, Gateway g, Clock clock, PrintWriter err) throws SQLException {
        if (c.serve().dashboard().isEmpty()) {
            return Optional.empty();
        }
        GatewayConfig.Dashboard d = c.serve().dashboard().get();
        if (g.database().isEmpty()) {
            err.println("mailward: *** dashboard: the store could not be opened, so there is no dashboard ***");
            err.flush();
            return Optional.empty();
        }
        ReportsWebCommands.Started started = ReportsWebCommands.startDashboard(g.database().get(), d.address(), d.port(), d.secureCookies(),
                d.tlsrptSecret(), clock, pw -> err.printf(
                        "mailward: first run: created dashboard user '%s' with password %s (shown once, stored hashed)%n", Credentials.ADMIN, pw));
        WebServer server = started.server();
        String secret = started.tlsrptSecret();
        String host = d.address().contains(":") ? "[" + d.address() + "]" : d.address();
        err.printf("mailward: dashboard http://%s:%d/%n", host, server.port());
        err.printf("mailward: TLS-RPT reports by HTTPS POST: publish _smtp._tls.<domain> TXT \"v=TLSRPTv1; rua=https://<public name>/tlsrpt/%s\" "
                + "(behind an HTTPS reverse proxy)%n", secret);
        err.flush();
        return Optional.of(server);
    }
}
