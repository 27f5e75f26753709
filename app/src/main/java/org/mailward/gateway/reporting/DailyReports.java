package org.mailward.gateway.reporting;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.reports.generate.HttpsPoster;
import org.mailward.reports.generate.ReportGeneration;
import org.mailward.reports.generate.ReportGeneration.Delivery;
import org.mailward.reports.generate.ReportGeneration.Planned;
import org.mailward.reports.generate.ReportSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily report job of {@code mailward serve} (package doc). Runs once in the background at start (catch-up)
 * and then every UTC day at {@code reportGeneration.at}. A day D is due from D+1 at {@code at}; the last
 * {@code catchUpDays} due days are looked at, oldest first, and each report not yet in {@code report_sent} is sent.
 * A report none of whose destinations took it is given back and tried again at the next run (within the catch-up
 * window); a day is marked finished only when nothing of it is left to try.
 */
public final class DailyReports implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DailyReports.class);

    /** One report of one day and what happened to it. */
    public record Outcome(LocalDate day, String kind, String domain, String reportId, Status status, List<Delivery> deliveries) {
        public Outcome {
            deliveries = List.copyOf(deliveries);
        }
    }

    /**
     * SENT: handed on to at least one destination; ALREADY_SENT: a row in report_sent (earlier run, other node);
     * NO_DESTINATION: nothing accepted (no rua, or all refused); FAILED: no destination took it (tried again later).
     */
    public enum Status { SENT, ALREADY_SENT, NO_DESTINATION, FAILED }

    private final GatewayConfig.ReportSchedule schedule;
    private final ReportGeneration generation;
    private final SentReports sent;
    private final ReportSender mail;
    private final HttpsPoster https;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    public DailyReports(GatewayConfig.ReportSchedule schedule, ReportGeneration generation, SentReports sent, ReportSender mail,
                        HttpsPoster https, Clock clock) {
        this.schedule = Objects.requireNonNull(schedule);
        this.generation = Objects.requireNonNull(generation);
        this.sent = Objects.requireNonNull(sent);
        this.mail = Objects.requireNonNull(mail);
        this.https = Objects.requireNonNull(https);
        this.clock = Objects.requireNonNull(clock);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "daily-reports");
            t.setDaemon(true);
            return t;
        });
    }

    /** Schedules a catch-up run now and then one a day at {@code at} (UTC). Returns at once. */
    public DailyReports start() {
        executor.execute(this::tick);
        return this;
    }

    private void tick() {
        try {
            runDue();
        } catch (SQLException | RuntimeException e) {
            LOG.error("reports: the daily report run failed: {}", e.toString());
        }
        if (!executor.isShutdown()) {
            long delay = Duration.between(clock.instant(), nextRun(schedule, clock.instant())).toMillis();
            executor.schedule(this::tick, Math.max(1000, delay), TimeUnit.MILLISECONDS);
        }
    }

    /** The next time of day {@code at} (UTC) after {@code now}. */
    static Instant nextRun(GatewayConfig.ReportSchedule schedule, Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC).with(schedule.at());
        if (!t.toInstant().isAfter(now)) {
            t = t.plusDays(1);
        }
        return t.toInstant();
    }

    /** The days due at {@code now}, oldest first: the last {@code catchUpDays} days D with D+1 at {@code at} <= now. */
    static List<LocalDate> dueDays(GatewayConfig.ReportSchedule schedule, Instant now) {
        ZonedDateTime z = now.atZone(ZoneOffset.UTC);
        LocalDate latest = z.toLocalTime().isBefore(schedule.at()) ? z.toLocalDate().minusDays(2) : z.toLocalDate().minusDays(1);
        List<LocalDate> out = new ArrayList<>();
        for (int i = schedule.catchUpDays() - 1; i >= 0; i--) {
            out.add(latest.minusDays(i));
        }
        return out;
    }

    /** Runs every due day now (what the schedule calls; tests call it with a fixed clock). */
    public synchronized List<Outcome> runDue() throws SQLException {
        List<Outcome> out = new ArrayList<>();
        for (LocalDate day : dueDays(schedule, clock.instant())) {
            long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            if (sent.dayFinished(begin)) {
                continue;
            }
            List<Outcome> o = runDay(day, begin);
            out.addAll(o);
            if (o.stream().noneMatch(x -> x.status() == Status.FAILED)) {
                sent.finishDay(begin, clock.instant().getEpochSecond(), (int) o.stream().filter(x -> x.status() == Status.SENT).count());
            }
        }
        return out;
    }

    private List<Outcome> runDay(LocalDate day, long begin) throws SQLException {
        List<Outcome> out = new ArrayList<>();
        for (Planned p : generation.plan(begin, begin + 86_400)) {
            String kind = p.kind().label();
            boolean anyDestination = !p.mailRecipients().isEmpty() || p.destinations().stream().anyMatch(d -> d.accepted() && d.isHttps());
            if (!anyDestination) {
                LOG.info("reports: {} {} for {}: no destination to send to ({})", kind, p.domain(), day,
                        p.destinations().isEmpty() ? String.join("; ", p.notes()) : p.destinations().stream().map(d -> d.uri() + ": " + d.reason()).toList());
                out.add(new Outcome(day, kind, p.domain(), p.reportId(), Status.NO_DESTINATION, List.of()));
                continue;
            }
            if (!sent.claim(kind, p.domain(), begin, p.reportId(), clock.instant().getEpochSecond())) {
                out.add(new Outcome(day, kind, p.domain(), p.reportId(), Status.ALREADY_SENT, List.of()));
                continue;
            }
            List<Delivery> d = generation.deliver(p, mail, https);
            String detail = String.join("; ", d.stream().map(x -> x.destination() + " " + (x.ok() ? "ok" : "FAILED") + ": " + x.detail()).toList());
            if (d.stream().anyMatch(Delivery::ok)) {
                sent.sentWith(kind, p.domain(), begin, detail);
                LOG.info("reports: sent {} {} for {}: {}", kind, p.domain(), day, detail);
                out.add(new Outcome(day, kind, p.domain(), p.reportId(), Status.SENT, d));
            } else {
                sent.release(kind, p.domain(), begin);
                LOG.warn("reports: {} {} for {} could not be sent, will retry at the next run: {}", kind, p.domain(), day, detail);
                out.add(new Outcome(day, kind, p.domain(), p.reportId(), Status.FAILED, d));
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
