package org.mailward.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.config.PasswordHash;
import org.mailward.gateway.delivery.QueueManager;
import java.security.SecureRandom;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.verify.MessageAuthenticator;
import org.mailward.check.CheckConfig;
import org.mailward.check.CheckRunner;
import org.mailward.check.TrustStores;
import org.mailward.gateway.doctor.Doctor;
import org.mailward.gateway.doctor.ScheduledDoctor;
import org.mailward.gateway.events.GatewayEvents;
import org.mailward.gateway.reporting.DailyReports;
import org.mailward.gateway.reporting.QueuedReportSender;
import org.mailward.gateway.reporting.SentReports;
import org.mailward.reports.AggregateReport;
import org.mailward.reports.generate.GatewayEventReader;
import org.mailward.reports.generate.HttpsPoster;
import org.mailward.reports.generate.JdkHttpsPoster;
import org.mailward.reports.generate.ReportDestinations;
import org.mailward.reports.generate.ReportGeneration;
import org.mailward.reports.generate.ReporterIdentity;
import org.mailward.gateway.events.StoreEventWriter;
import org.mailward.gateway.inbound.AuthenticationHook;
import org.mailward.gateway.inbound.AuthenticationListener;
import org.mailward.gateway.inbound.DmarcFailureReporter;
import org.mailward.gateway.inbound.LocalResponder;
import org.mailward.gateway.reflector.Reflector;
import org.mailward.gateway.observe.GatewayMetrics;
import org.mailward.gateway.observe.MetricsServer;
import org.mailward.gateway.observe.ObservedSessionHandler;
import org.mailward.gateway.observe.TransactionLog;
import org.mailward.gateway.events.DeliveryEvents;
import org.mailward.gateway.inbound.HookRunner;
import org.mailward.store.Database;
import org.mailward.gateway.inbound.InboundHandler;
import org.mailward.gateway.inbound.InboundHook;
import org.mailward.gateway.inbound.ReportFeed;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.gateway.inbound.RelayControl;
import org.mailward.gateway.inbound.SecureReceiptHook;
import org.mailward.gateway.inbound.SubmissionAuthHook;
import org.mailward.gateway.outbound.LocalSubmission;
import org.mailward.gateway.outbound.OutboundProcessor;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.Authenticator;
import org.mailward.smtp.SmtpLimits;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.mailward.smtp.tls.KeyMaterial;
import org.mailward.smtp.tls.ReloadingServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running gateway: listeners, spool and queue manager. Start with {@link #start}; stop with {@link #close}. */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final List<SmtpServer> servers = new ArrayList<>();
    private final List<HookRunner> runners = new ArrayList<>();
    private final Spool spool;
    private final QueueManager queue;
    private final GatewayEvents events;
    private final Optional<Database> database;

    private final GatewayMetrics metrics;
    private MetricsServer metricsServer;
    private LocalSubmission localSubmission;
    private ScheduledDoctor doctor;
    private DailyReports reports;
    private ReportFeed reportFeed = ReportFeed.NONE;

    private Gateway(Spool spool, QueueManager queue, GatewayEvents events, Optional<Database> database, GatewayMetrics metrics) {
        this.spool = spool;
        this.queue = queue;
        this.events = events;
        this.database = database;
        this.metrics = metrics;
    }

    /**
     * Starts everything the configuration describes. {@code extraHooks} run after the built-in ones (this is where
     * SPF, DKIM, DMARC and ARC plug in). {@code clientTls} is the SSLContext for outbound STARTTLS.
     */
    public static Gateway start(GatewayConfig config, Path dataDir, Resolver resolver, Clock clock,
                                SSLContext clientTls, List<InboundHook> extraHooks) throws IOException {
        Files.createDirectories(dataDir);
        Spool spool = new Spool(dataDir.resolve("spool"), clock);
        Spool.Recovery r = spool.recover();
        if (r.incomingRemoved() + r.tempFilesRemoved() + r.movedToCorrupt() + r.removalsFinished() > 0) {
            LOG.warn("queue recovery: {}", r);
        }
        Supplier<SSLContext> serverTls = serverTls(config, dataDir, clock);
        Optional<Database> db = openStore(config, dataDir);
        GatewayEvents events = db.<GatewayEvents>map(d -> new StoreEventWriter(d, config.hostname(), 10_000)).orElse(GatewayEvents.NONE);
        GatewayMetrics metrics = new GatewayMetrics(spool);
        QueueManager qm = new QueueManager(spool, config, resolver, clock, clientTls, QueueManager.defaultMtaStsFetcher(resolver, config),
                metrics.andThen(new DeliveryEvents(events, clock)));
        Gateway g = new Gateway(spool, qm, events, db, metrics);
        TransactionLog txLog = TransactionLog.slf4j();
        try {
            RelayControl relay = new RelayControl(config.localDomains().stream().map(GatewayConfig.LocalDomain::domain)
                    .collect(Collectors.toSet()), config.relayNetworks());
            Optional<OutboundProcessor> outbound = config.dkim().isEmpty() && config.disclaimers().isEmpty()
                    ? Optional.empty() : Optional.of(OutboundProcessor.start(config, resolver, clock));
            g.localSubmission = new LocalSubmission(spool, outbound, clock, qm::wake, config.hostname());
            Optional<Reflector> reflector = reflector(config, g.localSubmission, clock);
            Optional<InboundHook> authentication = Optional.empty();
            if (config.authentication().enabled()) {
                MessageAuthenticator authenticator = new MessageAuthenticator(resolver, clock, PublicSuffixList.bundled(),
                        DmarcOptions.defaults().withTrustedArcSealers(Set.copyOf(config.authentication().trustedArcSealers())),
                        new SecureRandom(), config.hostname());
                authentication = Optional.of(new AuthenticationHook(resolver, authenticator, config.authentication(), relay, events, clock,
                        reflector.<AuthenticationListener>map(x -> x).orElse(AuthenticationListener.NONE)
                                .andThen(DmarcFailureReporter.of(config, resolver, clock, g::localSubmission))));
            }
            Optional<Authenticator> auth = config.users().isEmpty() ? Optional.empty() : Optional.of((u, p) ->
                    config.users().stream().anyMatch(x -> x.name().equals(u) && PasswordHash.verify(p, x.passwordHash())));
            if (!config.reports().addresses().isEmpty()) {
                g.reportFeed = new ReportFeed(dataDir.resolve("report-inbox"), config.reports().addresses(), config.reports().relay(),
                        db.map(d -> new ReportIngest(new ReportRepository(d), clock, IngestLimits.defaults())), Duration.ofSeconds(30)).start();
            }
            for (GatewayConfig.Listener l : config.listeners()) {
                List<InboundHook> hooks = new ArrayList<>();
                hooks.add(new SecureReceiptHook(l.tls() == GatewayConfig.TlsPolicy.REQUIRED));
                if (l.kind() == GatewayConfig.ListenerKind.SUBMISSION) {
                    hooks.add(new SubmissionAuthHook());
                } else {
                    authentication.ifPresent(hooks::add); // inbound only; it skips relay networks itself
                }
                hooks.addAll(extraHooks);
                HookRunner runner = new HookRunner(hooks, config.limits().hookTimeout());
                g.runners.add(runner);
                // the reflector answers on inbound listeners, where the authentication hook gives it the results
                Optional<LocalResponder> responder = l.kind() == GatewayConfig.ListenerKind.INBOUND ? reflector.map(x -> x) : Optional.empty();
                InboundHandler handler = new InboundHandler(config.hostname(), relay, runner, spool, clock, qm::wake, outbound, responder,
                        g.reportFeed);
                GatewayConfig.Limits lim = config.limits();
                SmtpLimits limits = SmtpLimits.defaults().withMaxMessageSize(lim.maxMessageSize()).withMaxRecipients(lim.maxRecipients())
                        .withMaxErrors(lim.maxErrors()).withTimeouts(lim.commandTimeout(), lim.dataTimeout()).withGreetPause(lim.greetPause());
                SmtpServerConfig sc = SmtpServerConfig.of(l.name(), new InetSocketAddress(l.address(), l.port()), config.hostname())
                        .withLimits(limits)
                        .withTls(new SmtpServerConfig.ServerTls(serverTls, config.tls().profile(l.tlsProfile())));
                if (l.kind() == GatewayConfig.ListenerKind.SUBMISSION && auth.isPresent()) {
                    sc = sc.withAuthenticator(auth.get());
                }
                g.servers.add(SmtpServer.start(sc, new ObservedSessionHandler(handler, l.name(), metrics, txLog, spool, config.hostname()),
                        lim.maxConnections()));
            }
            if (config.metrics().isPresent()) {
                GatewayConfig.MetricsEndpoint me = config.metrics().get();
                g.metricsServer = MetricsServer.start(new InetSocketAddress(me.address(), me.port()), metrics);
                LOG.info("metrics: http://{}:{}/metrics", me.address(), g.metricsServer.address().getPort());
            }
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
        qm.start();
        if (config.serve().doctor().enabled()) {
            g.doctor = startDoctor(config, resolver, clock, metrics);
        }
        if (config.serve().reportGeneration().enabled()) {
            if (db.isEmpty()) {
                LOG.error("*** reportGeneration is enabled but the store could not be opened: no reports are generated ***");
            } else {
                g.reports = dailyReports(config, db.get(), g.localSubmission, resolver, clock,
                        new JdkHttpsPoster(clientTls, Duration.ofSeconds(60))).start();
            }
        }
        return g;
    }

    /**
     * issue 7: the daily DMARC aggregate and TLS-RPT reports of this gateway, mail through {@code submission} (our
     * queue, our DKIM signature), TLS-RPT https: destinations through {@code https}. Not started.
     */
    public static DailyReports dailyReports(GatewayConfig config, Database db, LocalSubmission submission, Resolver resolver,
                                            Clock clock, HttpsPoster https) {
        GatewayConfig.ReportSchedule s = config.serve().reportGeneration();
        ReporterIdentity me = ReporterIdentity.of(s.orgName().orElse(null), s.email().orElse(null), config.hostname());
        ReportGeneration generation = new ReportGeneration(new GatewayEventReader(db),
                new ReportDestinations(resolver, PublicSuffixList.bundled()), me,
                s.schema().equals("dmarc-2.0") ? AggregateReport.Schema.DMARC_2_0 : AggregateReport.Schema.RFC7489, clock);
        return new DailyReports(s, generation, new SentReports(db), new QueuedReportSender(submission), https, clock);
    }

    /** issue 8: the deployment self-check in the background at start and every {@code doctor.interval}, as metrics. */
    private static ScheduledDoctor startDoctor(GatewayConfig config, Resolver resolver, Clock clock, GatewayMetrics metrics) {
        return ScheduledDoctor.start(() -> {
            Set<java.security.cert.X509Certificate> anchors = TrustStores.jdkDefault();
            CheckRunner checker = new CheckRunner(CheckConfig.builder(resolver).clock(clock).probeSmtp(false).probeDkim(false)
                    .trustAnchors(anchors).build());
            return new Doctor(resolver, clock, anchors, Optional.of(checker));
        }, config, clock, metrics::doctorResults);
    }

    /**
     * The emailsecurity@ reflector when some local domain has it; it needs the inbound authentication results, so it
     * is off (and says so) when {@code authentication.enabled} is false: mail to the address is then relayed as usual.
     */
    private static Optional<Reflector> reflector(GatewayConfig config, LocalSubmission submission, Clock clock) {
        Optional<Reflector> r = Reflector.of(config, submission, PublicSuffixList.bundled(), clock);
        if (r.isPresent() && !config.authentication().enabled()) {
            LOG.warn("reflector: authentication.enabled is false, so there are no results to reflect: {} not answered", r.get().addresses());
            return Optional.empty();
        }
        r.ifPresent(x -> LOG.info("reflector: answering {} (at most {} replies per sender per hour)", x.addresses(),
                config.reflector().maxRepliesPerSenderPerHour()));
        return r;
    }

    /**
     * The store for gateway events: {@code database} from the configuration, else H2 under the data directory.
     * When it cannot be opened the gateway still runs (mail flow first) and says loudly that nothing is recorded.
     */
    private static Optional<Database> openStore(GatewayConfig config, Path dataDir) {
        try {
            Database db = config.database().isPresent() ? Database.open(config.database().get(), "", "") : Database.openH2(dataDir);
            LOG.info("gateway events are recorded in {}", db.describe());
            return Optional.of(db);
        } catch (java.sql.SQLException e) {
            LOG.error("*** cannot open the store ({}): authentication and delivery TLS events are NOT recorded ***", e.getMessage());
            return Optional.empty();
        }
    }

    private static Supplier<SSLContext> serverTls(GatewayConfig config, Path dataDir, Clock clock) throws IOException {
        Path cert;
        Path key;
        if (config.tls().certificate().isPresent()) {
            cert = config.tls().certificate().get();
            key = config.tls().key().orElseThrow();
        } else {
            Path dir = dataDir.resolve("tls");
            cert = dir.resolve("selfsigned-cert.pem");
            key = dir.resolve("selfsigned-key.pem");
            if (!Files.exists(cert) || !Files.exists(key)) {
                Files.createDirectories(dir);
                KeyMaterial.selfSigned(config.hostname(), clock, Duration.ofDays(825)).writePem(cert, key);
            }
            LOG.warn("*** TLS: no certificate configured; using a SELF-SIGNED certificate for {} from {}. "
                    + "This is allowed for opportunistic TLS only; configure tls.certificate and tls.key for production. ***",
                    config.hostname(), cert);
        }
        return new ReloadingServerContext(cert, key, config.tls().reloadCheck().toMillis());
    }

    public List<SmtpServer> servers() {
        return List.copyOf(servers);
    }

    public Spool spool() {
        return spool;
    }

    public QueueManager queue() {
        return queue;
    }

    /** Where authentication and delivery TLS outcomes are recorded. */
    public GatewayEvents events() {
        return events;
    }

    /** Where mail the gateway writes itself (replies, reports) enters the outbound path: signed, spooled, delivered. */
    public LocalSubmission localSubmission() {
        return localSubmission;
    }

    /** The gateway's store (events, reports, dashboard users), when it could be opened. */
    public Optional<Database> database() {
        return database;
    }

    /** The scheduled self-check, when {@code doctor.enabled}. */
    public Optional<ScheduledDoctor> doctor() {
        return Optional.ofNullable(doctor);
    }

    /** The daily report job, when {@code reportGeneration.enabled} and the store is open. */
    public Optional<DailyReports> reports() {
        return Optional.ofNullable(reports);
    }

    /** Where mail for the configured report addresses waits until it is ingested ({@code reports.addresses}). */
    public ReportFeed reportFeed() {
        return reportFeed;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The metrics endpoint's address, when {@code metrics} is configured. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsServer).map(MetricsServer::address);
    }

    /** Graceful stop: listeners finish in-flight transactions (up to {@code grace}), then delivery stops. */
    public void close(Duration grace) {
        List<Thread> closers = new ArrayList<>();
        for (SmtpServer s : servers) {
            closers.add(Thread.ofVirtual().start(() -> s.close(grace)));
        }
        for (Thread t : closers) {
            try {
                t.join(grace.toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (doctor != null) {
            doctor.close();
        }
        if (reports != null) {
            reports.close();
        }
        queue.close();
        runners.forEach(HookRunner::close);
        reportFeed.close(); // before the database: a report being ingested finishes, the rest wait for the next start
        if (metricsServer != null) {
            metricsServer.close();
        }
        events.close();
        database.ifPresent(Database::close);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

}
