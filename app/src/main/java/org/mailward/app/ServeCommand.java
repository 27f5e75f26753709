package org.mailward.app;

import java.io.IOException;
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
        System.err.println("mailward: spool " + g.spool().root().toAbsolutePath() + "; stop with SIGTERM");
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("mailward: shutting down (grace " + graceSeconds + " s)");
            g.close(Duration.ofSeconds(graceSeconds));
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return ExitCodes.OK;
    }
}
