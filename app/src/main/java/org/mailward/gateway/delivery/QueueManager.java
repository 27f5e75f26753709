package org.mailward.gateway.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.Parsed;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpReply;
import org.mailward.smtp.tls.TlsProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue manager (after Postfix qmgr): scans {@code active} and due {@code deferred} messages, delivers each
 * destination domain's recipients on a virtual thread (at most {@code concurrencyPerDestination} at once per
 * domain), and moves the message on: removed when every recipient is delivered or bounced, {@code deferred} with
 * back-off otherwise, {@code hold} when an enforced TLS policy cannot be met.
 */
public final class QueueManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueManager.class);

    private final Spool spool;
    private final GatewayConfig config;
    private final Resolver resolver;
    private final Clock clock;
    private final SSLContext strictTls;
    private final SSLContext anyCertTls;
    private final DeliveryTlsPolicy tlsPolicy;
    private final DeliveryListener listener;
    private final Map<String, GatewayConfig.LocalDomain> local = new LinkedHashMap<>();
    private final Map<String, Semaphore> perDestination = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private final ConnectionCache connections = new ConnectionCache(Duration.ofSeconds(5), 100);
    private volatile boolean running;
    private Thread loop;

    public QueueManager(Spool spool, GatewayConfig config, Resolver resolver, Clock clock, SSLContext strictTls) {
        this(spool, config, resolver, clock, strictTls, defaultMtaStsFetcher(resolver, config), DeliveryListener.none());
    }

    /** The production MTA-STS fetcher: HTTPS on port 443 through {@code resolver}, JDK trust anchors. */
    public static MtaStsFetcher defaultMtaStsFetcher(Resolver resolver, GatewayConfig config) {
        return new HttpsMtaStsFetcher(resolver, TlsFailures.defaultTrustManager(), 443, config.delivery().connectTimeout());
    }

    /**
     * @param mtaSts      fetches MTA-STS policies (used when {@code delivery.mtaSts} is on)
     * @param listener    receives every attempt's TLS outcome (for the store's TLS-RPT data, metrics) and recipient results
     */
    public QueueManager(Spool spool, GatewayConfig config, Resolver resolver, Clock clock, SSLContext strictTls, MtaStsFetcher mtaSts,
                        DeliveryListener listener) {
        this.spool = spool;
        this.config = config;
        this.resolver = resolver;
        this.clock = clock;
        this.strictTls = strictTls;
        this.anyCertTls = trustAll();
        this.tlsPolicy = new DeliveryTlsPolicy(resolver, SecureDeliveryPolicy.patterns(config.delivery().secureDelivery()),
                config.delivery().mtaSts() ? Optional.of(new MtaStsPolicies(resolver, clock, mtaSts)) : Optional.empty(), config.delivery().dane());
        this.listener = listener;
        for (GatewayConfig.LocalDomain d : config.localDomains()) {
            local.put(d.domain(), d);
        }
    }

    public void start() {
        running = true;
        loop = Thread.ofVirtual().name("qmgr").start(this::run);
    }

    /** Asks for a scan now (a new message arrived, or an administrator flushed the queue). */
    public void wake(Object ignored) {
        wake.release();
    }

    private void run() {
        while (running) {
            try {
                scan();
                wake.tryAcquire(1, TimeUnit.SECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.error("queue scan failed: {}", e.toString());
            }
        }
    }

    /** One pass over the queue; public so tests can drive delivery step by step with an injected clock. */
    public void scan() throws IOException {
        connections.expire();
        long now = clock.millis();
        for (QueuedMessage m : spool.list(QueueState.DEFERRED)) {
            if (m.envelope().nextAttempt() <= now && !inFlight.contains(m.id())) {
                spool.move(m.id(), QueueState.DEFERRED, QueueState.ACTIVE);
            }
        }
        for (QueuedMessage m : spool.list(QueueState.ACTIVE)) {
            if (inFlight.add(m.id())) {
                Thread.ofVirtual().name("deliver-" + m.id()).start(() -> {
                    try {
                        deliver(m);
                    } catch (IOException | RuntimeException e) {
                        LOG.error("delivery of {} failed: {}", m.id(), e.toString());
                    } finally {
                        inFlight.remove(m.id());
                    }
                });
            }
        }
    }

    /** Waits until no delivery is in flight (tests). */
    public boolean awaitIdle(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return inFlight.isEmpty();
    }

    /** The result of one destination attempt. */
    private record Attempt(Map<String, String> delivered, Map<String, String> failed, Map<String, String> deferred, Optional<String> hold,
                           List<DeliveryTlsOutcome> tlsOutcomes) {
        Attempt(Map<String, String> delivered, Map<String, String> failed, Map<String, String> deferred, Optional<String> hold) {
            this(delivered, failed, deferred, hold, List.of());
        }

        Attempt withTlsOutcomes(List<DeliveryTlsOutcome> o) {
            return new Attempt(delivered, failed, deferred, hold, List.copyOf(o));
        }
    }

    void deliver(QueuedMessage m) throws IOException {
        Envelope env = m.envelope();
        byte[] content = spool.content(m);
        Map<String, List<Envelope.Recipient>> byDomain = new TreeMap<>();
        for (Envelope.Recipient r : env.pending()) {
            byDomain.computeIfAbsent(domainOf(r.address()), k -> new ArrayList<>()).add(r);
        }
        Optional<String> hold = Optional.empty();
        List<Thread> threads = new ArrayList<>();
        Map<String, Attempt> results = new ConcurrentHashMap<>();
        for (Map.Entry<String, List<Envelope.Recipient>> e : byDomain.entrySet()) {
            threads.add(Thread.ofVirtual().start(() -> {
                Semaphore s = perDestination.computeIfAbsent(e.getKey(), k -> new Semaphore(config.delivery().concurrencyPerDestination()));
                s.acquireUninterruptibly();
                try {
                    results.put(e.getKey(), attemptDomain(env, e.getKey(), e.getValue(), content));
                } finally {
                    s.release();
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Envelope updated = env;
        String lastError = "";
        for (Attempt a : results.values()) {
            for (var d : a.delivered().entrySet()) {
                listener.recipientResult(env.queueId(), d.getKey(), DeliveryListener.RecipientResult.DELIVERED);
                updated = updated.update(find(updated, d.getKey()).with(Envelope.Status.DELIVERED, d.getValue()));
                LOG.info("delivered {} to <{}>: {}", env.queueId(), d.getKey(), d.getValue());
            }
            for (var d : a.failed().entrySet()) {
                listener.recipientResult(env.queueId(), d.getKey(), DeliveryListener.RecipientResult.BOUNCED);
                updated = updated.update(find(updated, d.getKey()).with(Envelope.Status.FAILED, d.getValue()));
                LOG.info("failed {} to <{}>: {}", env.queueId(), d.getKey(), d.getValue());
            }
            for (var d : a.deferred().entrySet()) {
                listener.recipientResult(env.queueId(), d.getKey(), DeliveryListener.RecipientResult.DEFERRED);
                updated = updated.update(find(updated, d.getKey()).with(Envelope.Status.PENDING, d.getValue()));
                lastError = d.getValue();
            }
            if (a.hold().isPresent()) {
                hold = a.hold();
            }
        }
        Instant now = clock.instant();
        boolean expired = now.toEpochMilli() - env.receivedAt() >= config.delivery().maxQueueLifetime().toMillis();
        if (expired && hold.isEmpty()) {
            for (Envelope.Recipient r : updated.pending()) {
                updated = updated.update(r.with(Envelope.Status.FAILED, "gave up after " + config.delivery().maxQueueLifetime()
                        + (r.reply().isEmpty() ? "" : "; last error: " + r.reply())));
            }
        }
        if (updated.pending().isEmpty()) {
            bounce(updated, content, now);
            spool.remove(env.queueId(), QueueState.ACTIVE);
            return;
        }
        int attempts = env.attempts() + 1;
        if (hold.isPresent()) {
            // the hold notice below is the sender's delay warning: no second one after a release
            spool.update(QueueState.ACTIVE, updated.withAttempt(attempts, now, hold.get()).withHoldReason(hold.get()).withDelayWarned(true));
            spool.move(env.queueId(), QueueState.ACTIVE, QueueState.HOLD);
            LOG.warn("held {}: {}", env.queueId(), hold.get());
            updated.pending().forEach(r -> listener.recipientResult(env.queueId(), r.address(), DeliveryListener.RecipientResult.HELD));
            notifyHeld(updated, hold.get(), content, now);
            return;
        }
        Instant next = now.plus(backoff(attempts));
        updated = warnOfDelay(updated, content, now);
        spool.update(QueueState.ACTIVE, updated.withAttempt(attempts, next, lastError));
        spool.move(env.queueId(), QueueState.ACTIVE, QueueState.DEFERRED);
        LOG.info("deferred {} until {}: {}", env.queueId(), next, lastError);
    }

    /** Back-off after n attempts: firstRetry, doubling, capped at maxRetryInterval (Postfix-like). */
    public Duration backoff(int attempts) {
        Duration d = config.delivery().firstRetry();
        for (int i = 1; i < attempts && d.compareTo(config.delivery().maxRetryInterval()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.delivery().maxRetryInterval()) > 0 ? config.delivery().maxRetryInterval() : d;
    }

    private static Envelope.Recipient find(Envelope e, String address) {
        return e.recipients().stream().filter(r -> r.address().equals(address)).findFirst().orElseThrow();
    }

    private void bounce(Envelope env, byte[] content, Instant now) throws IOException {
        List<Envelope.Recipient> failed = env.recipients().stream()
                .filter(r -> r.status() == Envelope.Status.FAILED && r.wantsFailureReport()).toList();
        if (failed.isEmpty()) {
            return;
        }
        if (env.sender().isEmpty()) {
            // RFC 5321 6.1 / 4.5.5: never bounce a bounce
            LOG.info("no bounce for {}: null sender", env.queueId());
            return;
        }
        byte[] dsn = Bounce.build(config.hostname(), env, failed, content, now);
        Envelope b = new Envelope("", "", List.of(new Envelope.Recipient(env.sender(), "", List.of(), Envelope.Status.PENDING, "")),
                "", "", false, now.toEpochMilli(), "bounce of " + env.queueId(), 0, now.toEpochMilli(), "", "");
        Envelope stored = spool.enqueue(b, dsn);
        LOG.info("bounce {} for {} to <{}>", stored.queueId(), env.queueId(), env.sender());
        wake.release();
    }

    /**
     * Secure Delivery fallback (our equivalent of "fallback to secure messaging"): when enforced TLS cannot be had
     * the message is held, never sent in clear, and the sender gets a delay notice (never the null sender). The
     * administrator sees the held message in {@code mailward queue list} with its reason.
     */
    /**
     * Sends the one delay warning (RFC 3464 Action: delayed) a message gets once it has waited
     * {@code delivery.delayWarning} (Postfix delay_warning_time); never to the null sender, only for recipients
     * whose NOTIFY allows it (RFC 3461 4.1). Returns the envelope marked as warned.
     */
    private Envelope warnOfDelay(Envelope env, byte[] content, Instant now) throws IOException {
        java.time.Duration after = config.delivery().delayWarning();
        if (after.isZero() || env.delayWarned() || now.toEpochMilli() - env.receivedAt() < after.toMillis()) {
            return env;
        }
        List<Envelope.Recipient> late = env.pending().stream().filter(Envelope.Recipient::wantsDelayReport).toList();
        if (env.sender().isEmpty() || late.isEmpty()) {
            return env.withDelayWarned(true);
        }
        byte[] dsn = Bounce.delayWarning(config.hostname(), env, late, content, now, after, config.delivery().maxQueueLifetime());
        Envelope b = new Envelope("", "", List.of(new Envelope.Recipient(env.sender(), "", List.of(), Envelope.Status.PENDING, "")),
                "", "", false, now.toEpochMilli(), "delay warning for " + env.queueId(), 0, now.toEpochMilli(), "", "");
        Envelope stored = spool.enqueue(b, dsn);
        LOG.info("delay warning {} for {} to <{}>", stored.queueId(), env.queueId(), env.sender());
        wake.release();
        return env.withDelayWarned(true);
    }

    private void notifyHeld(Envelope env, String reason, byte[] content, Instant now) throws IOException {
        if (env.sender().isEmpty()) {
            return;
        }
        List<Envelope.Recipient> held = env.pending().stream().map(r -> r.with(Envelope.Status.PENDING, reason)).toList();
        byte[] dsn = Bounce.build(config.hostname(), env, held, content, now, true);
        Envelope b = new Envelope("", "", List.of(new Envelope.Recipient(env.sender(), "", List.of(), Envelope.Status.PENDING, "")),
                "", "", false, now.toEpochMilli(), "hold notice for " + env.queueId(), 0, now.toEpochMilli(), "", "");
        spool.enqueue(b, dsn);
        wake.release();
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /** A host to try: name (for TLS verification) and port. */
    private record Hop(String host, int port) {
    }

    /** One destination attempt; its TLS outcomes (one per MX host tried with a TLS decision) ride on the result. */
    private Attempt attemptDomain(Envelope env, String domain, List<Envelope.Recipient> rcpts, byte[] content) {
        List<DeliveryTlsOutcome> outcomes = new ArrayList<>();
        Attempt a = attemptDomain(env, domain, rcpts, content, outcomes);
        for (DeliveryTlsOutcome o : outcomes) {
            if (!o.success()) {
                LOG.info("TLS outcome {} {} {} ({} {}): {} - {}", env.queueId(), domain, o.mxHost(), o.policyType().rfcName(), o.mode(),
                        o.failure().get().rfcName(), o.detail());
            }
            listener.tlsOutcome(env.queueId(), o);
        }
        return a.withTlsOutcomes(outcomes);
    }

    private Attempt attemptDomain(Envelope env, String domain, List<Envelope.Recipient> rcpts, byte[] content, List<DeliveryTlsOutcome> outcomes) {
        boolean mxAuthenticated = false;
        Map<String, String> delivered = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, String> deferred = new LinkedHashMap<>();
        List<Hop> hops = new ArrayList<>();
        GatewayConfig.LocalDomain ld = local.get(domain);
        int mxPort = config.delivery().mxPort().orElse(25);
        if (ld != null) {
            hops.add(new Hop(ld.routeHost(), ld.routePort()));
        } else if (domain.startsWith("[")) {
            failed.putAll(all(rcpts, "554 5.4.4 address literals are not delivered by this gateway"));
            return new Attempt(delivered, failed, deferred, Optional.empty());
        } else {
            DnsAnswer mx = resolver.query(domain, RecordType.MX);
            if (mx.status() == DnsStatus.SERVFAIL || mx.status() == DnsStatus.TIMEOUT) {
                deferred.putAll(all(rcpts, "451 4.4.3 MX lookup for " + domain + " failed: " + mx.status()));
                return new Attempt(delivered, failed, deferred, Optional.empty());
            }
            if (mx.status() == DnsStatus.NXDOMAIN) {
                failed.putAll(all(rcpts, "550 5.1.2 domain " + domain + " does not exist"));
                return new Attempt(delivered, failed, deferred, Optional.empty());
            }
            List<DnsRecord.Mx> records = mx.recordsOf(DnsRecord.Mx.class);
            mxAuthenticated = mx.authenticated(); // RFC 7672 2.2.1: DANE needs a secure MX RRset
            if (records.size() == 1 && records.get(0).exchange().isEmpty()) {
                // RFC 7505 3: a null MX means the domain accepts no mail: bounce at once
                failed.putAll(all(rcpts, "556 5.1.10 domain " + domain + " does not accept mail (null MX, RFC 7505)"));
                return new Attempt(delivered, failed, deferred, Optional.empty());
            }
            if (records.isEmpty()) {
                // RFC 5321 5.1: implicit MX; a domain with neither MX nor address records is undeliverable
                DnsAnswer implicitA = resolver.query(domain, RecordType.A);
                DnsStatus a = implicitA.status();
                mxAuthenticated = implicitA.authenticated() && implicitA.hasRecords(); // RFC 7672 2.2.1: secure implicit MX
                DnsStatus aaaa = resolver.query(domain, RecordType.AAAA).status();
                boolean none = (a == DnsStatus.NODATA || a == DnsStatus.NXDOMAIN) && (aaaa == DnsStatus.NODATA || aaaa == DnsStatus.NXDOMAIN);
                if (none) {
                    failed.putAll(all(rcpts, "550 5.1.2 domain " + domain + " has no MX and no address record"));
                    return new Attempt(delivered, failed, deferred, Optional.empty());
                }
                hops.add(new Hop(domain, mxPort));
            } else {
                TreeMap<Integer, List<String>> byPref = new TreeMap<>();
                for (DnsRecord.Mx r : records) {
                    if (!r.exchange().isEmpty()) {
                        byPref.computeIfAbsent(r.preference(), k -> new ArrayList<>()).add(r.exchange());
                    }
                }
                for (List<String> same : byPref.values()) {
                    Collections.shuffle(same, new SecureRandom()); // RFC 5321 5.1: randomise among equal preferences
                    same.forEach(h -> hops.add(new Hop(h, mxPort)));
                }
            }
        }
        DeliveryTlsPolicy.Destination dest = ld != null ? null : tlsPolicy.destination(domain, mxAuthenticated);
        String lastError = "451 4.4.1 no reachable host for " + domain;
        boolean tlsProblem = false;
        for (Hop hop : hops) {
            DeliveryTlsPolicy.HostPlan plan = ld != null ? DeliveryTlsPolicy.HostPlan.opportunistic() : tlsPolicy.plan(dest, hop.host(), hop.port());
            if (plan.skip().isPresent()) {
                outcomes.add(outcome(domain, hop, "", plan, Optional.empty(), plan.skip(), plan.detail(), true));
                lastError = "451 4.7.5 " + plan.detail();
                continue;
            }
            List<InetAddress> addrs = addresses(hop.host());
            if (addrs.isEmpty()) {
                lastError = "451 4.4.3 cannot resolve " + hop.host();
                continue;
            }
            for (InetAddress a : addrs) {
                String key = a.getHostAddress() + ":" + hop.port() + "/" + hop.host() + "/" + plan.cacheKey();
                Optional<SmtpClient> cached = connections.take(key);
                if (cached.isPresent()) {
                    try {
                        Attempt r = send(cached.get(), env, rcpts, content, delivered, failed, deferred);
                        outcomes.add(outcome(domain, hop, a.getHostAddress(), plan, cached.get().tls(), plan.reported(), plan.detail(), false));
                        connections.offer(key, cached.get());
                        return r;
                    } catch (IOException e) {
                        cached.get().close(); // a stale connection: open a fresh one below
                    }
                }
                SmtpClient c = null;
                try {
                    c = open(a, hop);
                    Optional<DeliveryTlsOutcome.FailureType> reported = plan.reported();
                    String reportedDetail = plan.detail();
                    boolean fellBack = false;
                    if (c.supports("STARTTLS")) {
                        AtomicReference<String> daneWhy = new AtomicReference<>("");
                        SSLContext ctx = switch (plan.verification()) {
                            case NONE -> anyCertTls;
                            case WEBPKI, WEBPKI_REPORT_ONLY -> strictTls;
                            case DANE -> DaneVerifier.context(plan.tlsa(), hop.host(), clock, daneWhy);
                        };
                        boolean webPki = plan.verification() == DeliveryTlsPolicy.Verification.WEBPKI
                                || plan.verification() == DeliveryTlsPolicy.Verification.WEBPKI_REPORT_ONLY;
                        try {
                            c.startTls(ctx, TlsProfile.ncsc(), hop.host(), webPki);
                        } catch (IOException e) {
                            c.close();
                            c = null;
                            boolean dane = !daneWhy.get().isEmpty();
                            DeliveryTlsOutcome.FailureType ft = dane ? DeliveryTlsOutcome.FailureType.VALIDATION_FAILURE : TlsFailures.classify(e);
                            String why = dane ? daneWhy.get() : String.valueOf(e.getMessage());
                            if (plan.requireTls()) {
                                outcomes.add(outcome(domain, hop, a.getHostAddress(), plan, Optional.empty(), Optional.of(ft), why, true));
                                tlsProblem |= plan.holdOnFailure();
                                lastError = (plan.holdOnFailure() ? "" : "451 4.7.5 ") + "TLS required by " + describe(plan)
                                        + " but the handshake with " + hop.host() + " failed: " + why;
                                continue;
                            }
                            reported = Optional.of(ft);
                            reportedDetail = why;
                            fellBack = true;
                            c = open(a, hop);
                            if (plan.verification() == DeliveryTlsPolicy.Verification.WEBPKI_REPORT_ONLY && c.supports("STARTTLS")) {
                                // RFC 8461 5: testing mode delivers as without a policy: TLS with any certificate
                                LOG.info("MTA-STS (testing) validation of {} failed ({}); delivering with unverified TLS", hop.host(), why);
                                try {
                                    c.startTls(anyCertTls, TlsProfile.ncsc(), hop.host(), false);
                                } catch (IOException e2) {
                                    c.close();
                                    c = open(a, hop);
                                }
                            } else {
                                LOG.info("opportunistic TLS with {} failed ({}); retrying in clear", hop.host(), why);
                            }
                        }
                    } else if (plan.requireTls()) {
                        outcomes.add(outcome(domain, hop, a.getHostAddress(), plan, Optional.empty(),
                                Optional.of(DeliveryTlsOutcome.FailureType.STARTTLS_NOT_SUPPORTED), hop.host() + " does not offer STARTTLS", true));
                        tlsProblem |= plan.holdOnFailure();
                        lastError = (plan.holdOnFailure() ? "" : "451 4.7.5 ") + "TLS required by " + describe(plan) + " but " + hop.host()
                                + " does not offer STARTTLS";
                        c.quit();
                        c = null;
                        continue;
                    } else if (reported.isEmpty()) {
                        // delivered in clear: recorded as such (RFC 8460 4.3.2.1) unless the policy step already failed
                        reported = Optional.of(DeliveryTlsOutcome.FailureType.STARTTLS_NOT_SUPPORTED);
                        reportedDetail = hop.host() + " does not offer STARTTLS"
                                + (plan.type() == DeliveryTlsOutcome.PolicyType.STS ? " (MTA-STS testing mode)" : "");
                    }
                    Attempt r = send(c, env, rcpts, content, delivered, failed, deferred);
                    outcomes.add(outcome(domain, hop, a.getHostAddress(), plan, c.tls(), reported, reportedDetail, false));
                    if (fellBack) {
                        c.quit(); // a downgraded connection is not kept for later messages
                    } else {
                        connections.offer(key, c); // kept for the next message to this destination
                    }
                    c = null;
                    return r;
                } catch (SmtpClient.SmtpException e) {
                    lastError = e.reply().toString();
                    if (e.reply().permanentFailure()) {
                        failed.putAll(all(rcpts, lastError));
                        return new Attempt(delivered, failed, deferred, Optional.empty());
                    }
                } catch (IOException e) {
                    lastError = "451 4.4.1 " + hop.host() + " [" + a.getHostAddress() + "]: " + e.getMessage();
                } finally {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
        if (tlsProblem) {
            // never send in clear when TLS is enforced: hold for the administrator (and later, notify the sender)
            return new Attempt(delivered, failed, Map.of(), Optional.of(lastError));
        }
        deferred.putAll(all(rcpts, lastError));
        return new Attempt(delivered, failed, deferred, Optional.empty());
    }

    private SmtpClient open(InetAddress a, Hop hop) throws IOException {
        SmtpClient c = SmtpClient.connect(new InetSocketAddress(a, hop.port()), config.hostname(), config.delivery().connectTimeout(),
                Duration.ofMinutes(5));
        try {
            c.ehlo();
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static String describe(DeliveryTlsPolicy.HostPlan plan) {
        return switch (plan.type()) {
            case TLSA -> "DANE (RFC 7672)";
            case STS -> "MTA-STS (RFC 8461, mode " + plan.mode() + ")";
            default -> "policy (" + plan.mode().toUpperCase(java.util.Locale.ROOT).replace('-', '_') + ")";
        };
    }

    private static DeliveryTlsOutcome outcome(String domain, Hop hop, String address, DeliveryTlsPolicy.HostPlan plan,
                                              Optional<org.mailward.smtp.SessionInfo.TlsInfo> tls, Optional<DeliveryTlsOutcome.FailureType> failure,
                                              String detail, boolean enforced) {
        return new DeliveryTlsOutcome(domain, hop.host(), address, plan.type(), plan.policyStrings(), plan.mode(),
                tls.map(org.mailward.smtp.SessionInfo.TlsInfo::protocol), tls.map(org.mailward.smtp.SessionInfo.TlsInfo::cipherSuite),
                failure, failure.isEmpty() ? "" : detail, enforced);
    }

    private Attempt send(SmtpClient c, Envelope env, List<Envelope.Recipient> rcpts, byte[] content,
                         Map<String, String> delivered, Map<String, String> failed, Map<String, String> deferred) throws IOException {
        List<Mailbox> to = new ArrayList<>();
        for (Envelope.Recipient r : rcpts) {
            to.add(mailbox(r.address()));
        }
        Optional<Mailbox> from = env.sender().isEmpty() ? Optional.empty() : Optional.of(mailbox(env.sender()));
        SmtpClient.SendResult res = c.send(from, to, content);
        String tls = c.tls().map(t -> " (" + t.protocol() + " " + t.cipherSuite() + ")").orElse(" (no TLS)");
        if (!res.mail().positive()) {
            (res.mail().permanentFailure() ? failed : deferred).putAll(all(rcpts, res.mail().toString()));
            return new Attempt(delivered, failed, deferred, Optional.empty());
        }
        for (int i = 0; i < rcpts.size(); i++) {
            SmtpReply r = i < res.rcpt().size() ? res.rcpt().get(i) : SmtpReply.of(451, "4.3.0", "no reply");
            String addr = rcpts.get(i).address();
            if (!r.positive()) {
                (r.permanentFailure() ? failed : deferred).put(addr, r.toString());
            } else if (res.data().isEmpty()) {
                deferred.put(addr, "451 4.3.0 DATA not reached");
            } else if (res.data().get().positive()) {
                delivered.put(addr, res.data().get() + tls);
            } else {
                (res.data().get().permanentFailure() ? failed : deferred).put(addr, res.data().get().toString());
            }
        }
        return new Attempt(delivered, failed, deferred, Optional.empty());
    }

    private static Mailbox mailbox(String address) {
        Parsed<Mailbox> p = AddressParser.parseMailbox(address, true);
        return p.isOk() ? p.value() : Mailbox.of(address.substring(0, Math.max(0, address.lastIndexOf('@'))), domainOf(address));
    }

    private static Map<String, String> all(List<Envelope.Recipient> rs, String reply) {
        Map<String, String> m = new LinkedHashMap<>();
        rs.forEach(r -> m.put(r.address(), reply));
        return m;
    }

    /** Addresses of a host: a literal as is, otherwise AAAA and A records (IPv6 first). */
    private List<InetAddress> addresses(String host) {
        List<InetAddress> out = new ArrayList<>();
        if (Character.isDigit(host.charAt(0)) && host.matches("[0-9.]+") || host.contains(":")) {
            try {
                out.add(InetAddress.getByName(host));
            } catch (IOException e) {
                // not a literal after all
            }
            return out;
        }
        for (RecordType t : List.of(RecordType.AAAA, RecordType.A)) {
            DnsAnswer a = resolver.query(host, t);
            for (DnsRecord r : a.records()) {
                if (r instanceof DnsRecord.A x) {
                    out.add(x.address());
                } else if (r instanceof DnsRecord.Aaaa x) {
                    out.add(x.address());
                }
            }
        }
        return out;
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {
                }

                public void checkServerTrusted(X509Certificate[] c, String a) {
                    // opportunistic / enforced-relaxed: any certificate (RFC 7435)
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
        try {
            awaitIdle(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.closeAll();
    }
}
