package org.mailward.gateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mailward.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes gateway events to the store from one background thread. Callers only {@code offer} to a bounded queue:
 * when it is full (the database is slow or down) the event is dropped, counted and logged at most once a minute;
 * a failing batch is logged and dropped. The SMTP path therefore never waits for the database.
 */
public final class StoreEventWriter implements GatewayEvents {

    private static final Logger LOG = LoggerFactory.getLogger(StoreEventWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private final Database database;
    private final String reporter;
    private final BlockingQueue<Object> queue;
    private final Thread writer;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closing;
    private volatile long lastDropLog;

    /**
     * @param database an open, migrated store (not closed by this writer)
     * @param reporter our name, written in every row (the gateway hostname)
     * @param capacity events held in memory at most
     */
    public StoreEventWriter(Database database, String reporter, int capacity) {
        this.database = database;
        this.reporter = reporter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().daemon().name("gateway-events").start(this::run);
    }

    @Override
    public void recordAuthentication(AuthenticationEvent event) {
        offer(event);
    }

    @Override
    public void recordDelivery(DeliveryTlsEvent event) {
        offer(event);
    }

    private void offer(Object event) {
        if (closing || !queue.offer(event)) {
            long n = dropped.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastDropLog > TimeUnit.MINUTES.toNanos(1) || n == 1) {
                lastDropLog = now;
                LOG.warn("gateway events: store queue full or closed, {} event(s) dropped so far", n);
            }
            return;
        }
        accepted.incrementAndGet();
    }

    /** Events dropped because the queue was full or the writer closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Events whose batch failed to write. */
    public long failed() {
        return failed.get();
    }

    /** Waits until every accepted event was written (or failed); true when that happened within {@code timeout}. */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (done.get() < accepted.get()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void run() {
        List<Object> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                Object first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (!closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } finally {
                done.addAndGet(batch.size());
                batch.clear();
            }
        }
    }

    private void write(List<Object> batch) {
        List<AuthenticationEvent> auth = new ArrayList<>();
        List<DeliveryTlsEvent> tls = new ArrayList<>();
        for (Object o : batch) {
            if (o instanceof AuthenticationEvent a) {
                auth.add(a);
            } else if (o instanceof DeliveryTlsEvent d) {
                tls.add(d);
            }
        }
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                if (!auth.isEmpty()) {
                    insertAuth(c, auth);
                }
                if (!tls.isEmpty()) {
                    insertTls(c, tls);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            failed.addAndGet(batch.size());
            LOG.error("gateway events: cannot write {} event(s) to {}: {}", batch.size(), database.describe(), e.toString());
        }
    }

    static final String INSERT_AUTH = "INSERT INTO auth_event (event_ts, reporter, source_ip, helo, iprev, iprev_name, message_id,"
            + " header_from, envelope_from, envelope_to, recipient_count, dmarc_result, disposition, dkim_aligned, spf_aligned,"
            + " override_reasons, policy_domain, policy_p, policy_sp, policy_np, policy_pct, policy_adkim, policy_aspf, policy_fo,"
            + " policy_testing, applied_policy, dkim_results, spf_domain, spf_scope, spf_result, arc_result, action, action_reason,"
            + " local_override) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private void insertAuth(Connection c, List<AuthenticationEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_AUTH)) {
            for (AuthenticationEvent e : events) {
                int i = 1;
                ps.setLong(i++, e.time().getEpochSecond());
                ps.setString(i++, cut(reporter.isEmpty() ? e.reporter() : reporter, 255));
                ps.setString(i++, cut(e.sourceIp(), 64));
                ps.setString(i++, cut(e.helo(), 255));
                ps.setString(i++, cut(e.iprev(), 16));
                ps.setString(i++, cut(e.iprevName(), 255));
                ps.setString(i++, cut(e.messageId(), 998));
                ps.setString(i++, cut(e.headerFrom(), 255));
                ps.setString(i++, cut(e.envelopeFrom(), 255));
                ps.setString(i++, cut(String.join(",", e.envelopeToDomains()), 2000));
                ps.setInt(i++, e.recipientCount());
                ps.setString(i++, cut(e.dmarcResult(), 16));
                ps.setString(i++, cut(e.disposition(), 16));
                ps.setString(i++, e.dkimAligned() ? "pass" : "fail");
                ps.setString(i++, e.spfAligned() ? "pass" : "fail");
                ps.setString(i++, cut(String.join("; ", e.overrideReasons()), 2000));
                if (e.policy().isPresent()) {
                    AuthenticationEvent.PolicyPublished p = e.policy().get();
                    ps.setString(i++, cut(p.domain(), 255));
                    ps.setString(i++, cut(p.p(), 16));
                    ps.setString(i++, cut(p.sp(), 16));
                    ps.setString(i++, cut(p.np(), 16));
                    ps.setInt(i++, p.pct());
                    ps.setString(i++, cut(p.adkim(), 8));
                    ps.setString(i++, cut(p.aspf(), 8));
                    ps.setString(i++, cut(p.fo(), 64));
                    ps.setString(i++, cut(p.testing(), 8));
                } else {
                    for (int k = 0; k < 4; k++) {
                        ps.setNull(i++, Types.VARCHAR);
                    }
                    ps.setNull(i++, Types.INTEGER);
                    for (int k = 0; k < 4; k++) {
                        ps.setNull(i++, Types.VARCHAR);
                    }
                }
                if (e.appliedPolicy().isPresent()) {
                    ps.setString(i++, cut(e.appliedPolicy().get(), 4));
                } else {
                    ps.setNull(i++, Types.VARCHAR);
                }
                ps.setString(i++, dkimJson(e.dkim()));
                ps.setString(i++, cut(e.spfDomain(), 255));
                ps.setString(i++, cut(e.spfScope(), 8));
                ps.setString(i++, cut(e.spfResult(), 16));
                ps.setString(i++, cut(e.arcResult(), 16));
                ps.setString(i++, cut(e.action(), 16));
                ps.setString(i++, cut(e.actionReason(), 2000));
                ps.setString(i++, cut(e.localOverride(), 255));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static final String INSERT_TLS = "INSERT INTO delivery_tls_event (event_ts, reporter, queue_id, recipient_domain, mx_host,"
            + " receiving_ip, policy_type, policy_string, result, failure_detail, tls_version, cipher) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";

    private void insertTls(Connection c, List<DeliveryTlsEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_TLS)) {
            for (DeliveryTlsEvent e : events) {
                int i = 1;
                ps.setLong(i++, e.time().getEpochSecond());
                ps.setString(i++, cut(reporter, 255));
                ps.setString(i++, cut(e.queueId(), 64));
                ps.setString(i++, cut(e.recipientDomain(), 255));
                ps.setString(i++, cut(e.mxHost(), 255));
                ps.setString(i++, cut(e.receivingIp(), 64));
                ps.setString(i++, cut(e.policyType(), 16));
                ps.setString(i++, cut(e.policyString(), 8000));
                ps.setString(i++, cut(e.result(), 40));
                ps.setString(i++, cut(e.failureDetail(), 2000));
                ps.setString(i++, cut(e.tlsVersion(), 16));
                ps.setString(i++, cut(e.cipher(), 100));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The DKIM signatures as a JSON array, cut to whole signatures so it always stays valid JSON within the column. */
    static String dkimJson(List<AuthenticationEvent.DkimSignature> sigs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuthenticationEvent.DkimSignature s : sigs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("domain", cut(s.domain(), 255));
            m.put("selector", cut(s.selector(), 255));
            m.put("result", s.result());
            m.put("aligned", s.aligned());
            m.put("human_result", cut(s.humanResult(), 200));
            out.add(m);
        }
        try {
            String json = JSON.writeValueAsString(out);
            while (json.length() > 8000 && !out.isEmpty()) {
                out.remove(out.size() - 1);
                json = JSON.writeValueAsString(out);
            }
            return json;
        } catch (JsonProcessingException e) {
            return "[]";
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public void close() {
        closing = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
            LOG.warn("gateway events: writer did not finish within 10 s; {} event(s) not written", queue.size());
        }
    }
}
