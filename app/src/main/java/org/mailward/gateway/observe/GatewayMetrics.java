package org.mailward.gateway.observe;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.mailward.gateway.delivery.DeliveryListener;
import org.mailward.gateway.delivery.DeliveryTlsOutcome;
import org.mailward.gateway.doctor.DoctorItem;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;

/**
 * The gateway's counters and gauges, rendered in the Prometheus text exposition format 0.0.4. Counters are kept in
 * memory (reset at restart, as Prometheus expects); gauges are computed from the spool at scrape time, so they are
 * right after a restart too. Thread-safe.
 */
public final class GatewayMetrics implements DeliveryListener {

    /** A counter family: name, help text, label names. */
    public enum Counter {
        CONNECTIONS("mailward_smtp_connections_total", "SMTP connections accepted by a listener.", "listener"),
        MESSAGES("mailward_smtp_messages_total", "SMTP transactions by outcome; reason is the reply's enhanced status code.",
                "listener", "result", "reason"),
        REFUSALS("mailward_smtp_refusals_total", "Refused SMTP commands before DATA, by phase and reply code.", "listener", "phase", "code"),
        INBOUND_TLS("mailward_smtp_inbound_tls_total", "Inbound transactions by TLS protocol version (none: clear text).", "version"),
        DELIVERIES("mailward_delivery_recipients_total", "Delivery results per recipient and pass.", "result"),
        OUTBOUND_TLS("mailward_delivery_tls_total", "Outbound delivery attempts by TLS version (none: clear text), policy type and RFC 8460 result.",
                "version", "policy", "result");

        final String name;
        final String help;
        final List<String> labels;

        Counter(String name, String help, String... labels) {
            this.name = name;
            this.help = help;
            this.labels = List.of(labels);
        }
    }

    private final Map<Counter, Map<List<String>, LongAdder>> counters = new ConcurrentHashMap<>();
    private volatile DoctorRun doctor;

    /** The doctor's last checklist and when it ran (issue 8: the self-check exposed as metrics). */
    private record DoctorRun(List<DoctorItem> items, Instant at) {
    }
    private final Spool spool;

    public GatewayMetrics(Spool spool) {
        this.spool = spool;
        for (Counter c : Counter.values()) {
            counters.put(c, new ConcurrentHashMap<>());
        }
    }

    public void increment(Counter c, String... labelValues) {
        if (labelValues.length != c.labels.size()) {
            throw new IllegalArgumentException(c.name + " needs labels " + c.labels);
        }
        counters.get(c).computeIfAbsent(List.of(labelValues), k -> new LongAdder()).increment();
    }

    /** The current value of one counter series (tests, status pages). */
    public long value(Counter c, String... labelValues) {
        LongAdder a = counters.get(c).get(List.of(labelValues));
        return a == null ? 0 : a.sum();
    }

    /** Publishes the doctor's checklist of a run at {@code at}: replaces the previous one. */
    public void doctorResults(List<DoctorItem> items, Instant at) {
        doctor = new DoctorRun(List.copyOf(items), at);
    }

    @Override
    public void tlsOutcome(String queueId, DeliveryTlsOutcome o) {
        increment(Counter.OUTBOUND_TLS, o.tlsVersion().orElse("none"), o.policyType().rfcName(),
                o.failure().map(DeliveryTlsOutcome.FailureType::rfcName).orElse("success"));
    }

    @Override
    public void recipientResult(String queueId, String recipient, RecipientResult result) {
        increment(Counter.DELIVERIES, result.name().toLowerCase(Locale.ROOT));
    }

    /** The exposition text (format 0.0.4): counters, then queue gauges read from the spool now. */
    public String render() throws IOException {
        StringBuilder b = new StringBuilder(4096);
        for (Counter c : Counter.values()) {
            b.append("# HELP ").append(c.name).append(' ').append(c.help).append('\n');
            b.append("# TYPE ").append(c.name).append(" counter\n");
            Map<String, Long> sorted = new TreeMap<>();
            counters.get(c).forEach((labels, v) -> sorted.put(labels(c.labels, labels), v.sum()));
            sorted.forEach((l, v) -> b.append(c.name).append(l).append(' ').append(v).append('\n'));
        }
        b.append("# HELP mailward_queue_messages Messages in the spool by queue state.\n");
        b.append("# TYPE mailward_queue_messages gauge\n");
        Map<String, Long> deferredByDomain = new TreeMap<>();
        for (QueueState s : QueueState.values()) {
            List<QueuedMessage> ms = spool.list(s);
            b.append("mailward_queue_messages").append(labels(List.of("state"), List.of(s.dirName()))).append(' ').append(ms.size()).append('\n');
            if (s == QueueState.DEFERRED) {
                for (QueuedMessage m : ms) {
                    for (Envelope.Recipient r : m.envelope().pending()) {
                        String a = r.address();
                        deferredByDomain.merge(a.substring(a.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT), 1L, Long::sum);
                    }
                }
            }
        }
        b.append("# HELP mailward_queue_deferred_recipients Pending recipients of deferred messages by destination domain.\n");
        b.append("# TYPE mailward_queue_deferred_recipients gauge\n");
        deferredByDomain.forEach((d, n) -> b.append("mailward_queue_deferred_recipients").append(labels(List.of("domain"), List.of(d)))
                .append(' ').append(n).append('\n'));
        renderDoctor(b);
        return b.toString();
    }

    /**
     * {@code mailward_doctor_items{status}} (items per verdict), {@code mailward_doctor_item{id,subject}} (0 pass or
     * info, 1 warn, 2 error; the worst when an id and subject occur twice) and the last run's time. Absent before
     * the first run, so "no data" is not mistaken for "all passing".
     */
    private void renderDoctor(StringBuilder b) {
        DoctorRun run = doctor;
        if (run == null) {
            return;
        }
        Map<String, Long> byStatus = new TreeMap<>();
        for (DoctorItem.Status s : DoctorItem.Status.values()) {
            byStatus.put(s.label(), 0L);
        }
        Map<String, Integer> byItem = new TreeMap<>();
        for (DoctorItem i : run.items()) {
            byStatus.merge(i.status().label(), 1L, Long::sum);
            int v = switch (i.status()) {
                case PASS, INFO -> 0;
                case WARN -> 1;
                case ERROR -> 2;
            };
            byItem.merge(labels(List.of("id", "subject"), List.of(i.id(), i.subject())), v, Math::max);
        }
        b.append("# HELP mailward_doctor_items Items of the last deployment self-check (mailward doctor) by status.\n");
        b.append("# TYPE mailward_doctor_items gauge\n");
        byStatus.forEach((s, n) -> b.append("mailward_doctor_items").append(labels(List.of("status"), List.of(s))).append(' ').append(n).append('\n'));
        b.append("# HELP mailward_doctor_item One self-check item: 0 pass or info, 1 warn, 2 error.\n");
        b.append("# TYPE mailward_doctor_item gauge\n");
        byItem.forEach((l, v) -> b.append("mailward_doctor_item").append(l).append(' ').append(v).append('\n'));
        b.append("# HELP mailward_doctor_last_run_timestamp_seconds When the last self-check finished (Unix time).\n");
        b.append("# TYPE mailward_doctor_last_run_timestamp_seconds gauge\n");
        b.append("mailward_doctor_last_run_timestamp_seconds ").append(run.at().getEpochSecond()).append('\n');
    }

    private static String labels(List<String> names, List<String> values) {
        if (names.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            parts.add(names.get(i) + "=\"" + escape(values.get(i)) + "\"");
        }
        return "{" + String.join(",", parts) + "}";
    }

    /**
     * Exposition format 0.0.4: label values escape backslash, double quote and line feed. Other control characters
     * (which the format does not escape, and which line-based scrapers mishandle) become U+FFFD.
     */
    static String escape(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c < 0x20 || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }
}
