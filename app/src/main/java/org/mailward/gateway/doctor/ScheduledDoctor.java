package org.mailward.gateway.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.smtp.tls.KeyMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doctor as part of a running gateway (issue 8: "the same checks run at serve start-up (warnings in the log,
 * never blocking start) and on a schedule, exposed as metrics"). The first run starts at once on a background
 * thread; later runs follow every {@code doctor.interval}. Each warn/error item is logged as a warning with its
 * fix; the whole checklist goes to {@code results} (the metrics) with the run's time from the injected clock.
 * A run that throws is logged and the schedule goes on.
 */
public final class ScheduledDoctor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledDoctor.class);

    private final java.util.function.Supplier<Doctor> doctorFactory;
    private Doctor doctor;
    private final GatewayConfig config;
    private final Clock clock;
    private final BiConsumer<List<DoctorItem>, Instant> results;
    private final ScheduledExecutorService executor;
    private volatile List<DoctorItem> last = List.of();

    private ScheduledDoctor(java.util.function.Supplier<Doctor> doctor, GatewayConfig config, Clock clock,
                            BiConsumer<List<DoctorItem>, Instant> results) {
        this.doctorFactory = Objects.requireNonNull(doctor);
        this.config = Objects.requireNonNull(config);
        this.clock = Objects.requireNonNull(clock);
        this.results = Objects.requireNonNull(results);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "doctor");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Schedules the first run now and then one every {@code config.serve().doctor().interval()}; returns at once.
     * {@code doctor} is called on the first run, in the background (loading trust anchors is not free, and a
     * failure there must not fail the gateway's start).
     */
    public static ScheduledDoctor start(java.util.function.Supplier<Doctor> doctor, GatewayConfig config, Clock clock, BiConsumer<List<DoctorItem>, Instant> results) {
        ScheduledDoctor d = new ScheduledDoctor(doctor, config, clock, results);
        long every = config.serve().doctor().interval().toMillis();
        d.executor.scheduleWithFixedDelay(d::runOnce, 0, every, TimeUnit.MILLISECONDS);
        return d;
    }

    /** One run (also what the schedule calls): never throws. */
    void runOnce() {
        try {
            List<InetAddress> outbound = outboundAddresses(config);
            Optional<KeyMaterial> cert = Optional.empty();
            if (config.tls().certificate().isPresent() && config.tls().key().isPresent()) {
                try {
                    cert = Optional.of(KeyMaterial.loadPem(config.tls().certificate().get(), config.tls().key().get()));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("doctor: cannot load tls.certificate/tls.key ({}): the certificate items are left out", e.getMessage());
                }
            }
            if (outbound.isEmpty()) {
                LOG.info("doctor: no outbound address known (the listeners bind every address): set doctor.outboundAddresses "
                        + "to check PTR and SPF for them");
            }
            if (doctor == null) {
                doctor = doctorFactory.get();
            }
            List<DoctorItem> items = doctor.run(config, outbound, cert);
            Instant at = clock.instant();
            int problems = 0;
            for (DoctorItem i : items) {
                if (i.status() == DoctorItem.Status.WARN || i.status() == DoctorItem.Status.ERROR) {
                    problems++;
                    LOG.warn("doctor: [{}] {} {}: {}{}", i.status().label(), i.id(), i.subject(), i.summary(),
                            i.fix().isEmpty() ? "" : " -- fix: " + i.fix());
                }
            }
            LOG.info("doctor: {} item(s), {} to fix, overall {}", items.size(), problems, Doctor.worst(items).label());
            last = items;
            results.accept(items, at);
        } catch (RuntimeException e) {
            LOG.warn("doctor: the self-check failed: {}", e.toString());
        }
    }

    /** The checklist of the last completed run (empty before the first). */
    public List<DoctorItem> last() {
        return last;
    }

    /**
     * {@code doctor.outboundAddresses}, else the listeners' addresses that are not wildcards (as
     * {@code mailward doctor} does); unparseable entries are skipped (the configuration reader rejects them).
     */
    static List<InetAddress> outboundAddresses(GatewayConfig c) {
        Set<String> texts = new LinkedHashSet<>(c.serve().doctor().outboundAddresses());
        if (texts.isEmpty()) {
            c.listeners().stream().map(GatewayConfig.Listener::address)
                    .filter(a -> !a.equals("0.0.0.0") && !a.equals("::") && a.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*"))
                    .forEach(texts::add);
        }
        List<InetAddress> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(InetAddress.getByName(t)); // a literal: no lookup
            } catch (UnknownHostException e) {
                LOG.warn("doctor: not an IP address: {}", t);
            }
        }
        return out;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
