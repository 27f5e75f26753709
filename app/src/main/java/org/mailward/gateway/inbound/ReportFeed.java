package org.mailward.gateway.inbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mailward.reports.IngestResult;
import org.mailward.reports.ReportIngest;
import org.mailward.smtp.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a report source (issue 7): mail for a configured report address ({@code reports.addresses}) goes
 * to report ingest in the gateway's database instead of being relayed.
 *
 * <p>Durability, chosen over a synchronous database write before 250: the message is first written to the report
 * inbox ({@code DATA_DIR/report-inbox}) the way the spool writes (temp file, fsync, atomic rename, fsync of the
 * directory), and only then does the client hear 250. A worker then ingests each file ({@link ReportIngest} stores
 * the raw bytes, then parses) and deletes the file only after that returned, i.e. after the database commit. So
 * the SMTP answer never waits for the database, a database outage never turns into a 4xx for the other recipients
 * (the files wait and are retried; on restart the inbox is read again), and a crash between commit and delete at
 * worst stores the same bytes again, which ingest recognises (raw by SHA-256, reports by organisation and id).
 * Parse failures are not errors here: ingest keeps the raw report in the failed state with its reason. A file that
 * makes ingest throw anything but a database error, or that ingest refuses before storing it (over the input size
 * limit), is moved to {@code report-inbox/failed} (kept, not retried).
 */
public final class ReportFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReportFeed.class);

    /** No report addresses: nothing is intercepted. */
    public static final ReportFeed NONE = new ReportFeed();

    private final Path inbox;
    private final Set<String> addresses;
    private final boolean relay;
    private final Optional<ReportIngest> ingest;
    private final Duration retry;
    private final Object lock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread worker;
    private boolean pending;

    private ReportFeed() {
        this.inbox = null;
        this.addresses = Set.of();
        this.relay = true;
        this.ingest = Optional.empty();
        this.retry = Duration.ZERO;
    }

    /**
     * @param inbox     the directory for received reports not yet ingested (created if missing)
     * @param addresses the report addresses (compared case-insensitively, as administrators write them)
     * @param relay     also relay mail for those addresses as usual
     * @param ingest    the ingest into the gateway's database; empty when the store could not be opened (the files
     *                  then wait in the inbox for a start with a working database)
     * @param retry     wait after a database error before trying again
     */
    public ReportFeed(Path inbox, List<String> addresses, boolean relay, Optional<ReportIngest> ingest, Duration retry) throws IOException {
        this.inbox = Files.createDirectories(inbox);
        this.addresses = addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.relay = relay;
        this.ingest = ingest;
        this.retry = retry;
    }

    /** Whether mail for this recipient goes to report ingest. */
    public boolean isReportAddress(Mailbox m) {
        return !addresses.isEmpty() && !m.isPostmasterOnly() && addresses.contains(m.address().toLowerCase(Locale.ROOT));
    }

    /** Whether report recipients are relayed as well ({@code reports.relay}). */
    public boolean relay() {
        return relay;
    }

    /** Starts the worker, which first ingests whatever a previous run left in the inbox. */
    public ReportFeed start() {
        if (inbox == null || worker != null) {
            return this;
        }
        if (ingest.isEmpty()) {
            LOG.error("*** report addresses are configured but the store is not open: received reports wait in {} ***", inbox);
            return this;
        }
        pending = true;
        worker = Thread.ofPlatform().daemon().name("report-feed").start(this::run);
        return this;
    }

    /**
     * Writes the received message durably to the inbox; when this returns the report survives a crash and the client
     * may hear 250. {@code id} is the gateway's queue id for the transaction (unique, sortable by arrival).
     */
    public void store(String id, byte[] message) throws IOException {
        if (inbox == null) {
            throw new IllegalStateException("no report inbox");
        }
        Path tmp = inbox.resolve("." + id + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(message);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, inbox.resolve(id + ".eml"), StandardCopyOption.ATOMIC_MOVE);
        fsyncDir(inbox);
        synchronized (lock) {
            pending = true;
            lock.notifyAll();
        }
    }

    /** Reports received but not yet ingested (for tests and the operator). */
    public List<Path> waiting() throws IOException {
        if (inbox == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(inbox)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".eml") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    private void run() {
        while (!closed.get()) {
            synchronized (lock) {
                while (!pending && !closed.get()) {
                    try {
                        lock.wait(60_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    pending |= !closed.get(); // a periodic look also picks up files a failed pass left
                }
                pending = false;
            }
            if (closed.get()) {
                return;
            }
            try {
                for (Path f : waiting()) {
                    if (closed.get()) {
                        return;
                    }
                    ingestOne(f);
                }
            } catch (SQLException e) {
                LOG.warn("report ingest: database error, received reports stay in {} and are retried in {}: {}", inbox, retry, e.getMessage());
                sleep(retry);
                synchronized (lock) {
                    pending = true;
                }
            } catch (IOException e) {
                LOG.error("report ingest: cannot read the report inbox {}: {}", inbox, e.toString());
                sleep(retry);
                synchronized (lock) {
                    pending = true;
                }
            }
        }
    }

    private void ingestOne(Path f) throws SQLException, IOException {
        byte[] bytes = Files.readAllBytes(f);
        String origin = "gateway/" + f.getFileName();
        List<IngestResult> results;
        try {
            results = ingest.orElseThrow().ingest(origin, bytes);
        } catch (RuntimeException e) {
            Path failed = Files.createDirectories(inbox.resolve("failed"));
            Files.move(f, failed.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(inbox);
            LOG.error("report ingest: {} made ingest fail ({}); kept in {}", f.getFileName(), e.toString(), failed);
            return;
        }
        if (results.stream().anyMatch(r -> r.rawId() == 0)) {
            // refused before the raw store (over the ingest input limit): nothing is in the database, keep the file
            Path failed = Files.createDirectories(inbox.resolve("failed"));
            Files.move(f, failed.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(inbox);
            LOG.error("report ingest: {} refused ({}); kept in {}", f.getFileName(), results.get(0).error(), failed);
            return;
        }
        // committed: only now may the file go
        Files.delete(f);
        fsyncDir(inbox);
        for (IngestResult r : results) {
            if (r.status() == IngestResult.Status.FAILED) {
                LOG.warn("report {} [{}]: stored raw, not parsed: {}", origin, r.part(), r.error());
            } else {
                LOG.info("report {} {}: {} {} {} report {} ({} messages)", origin, r.status().label(), r.kind().label(), r.domain(),
                        r.orgName(), r.reportId(), r.messages());
            }
        }
    }

    private void sleep(Duration d) {
        synchronized (lock) {
            try {
                if (!closed.get()) {
                    lock.wait(Math.max(1, d.toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed.set(true);
            }
        }
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; on Linux (ext4, xfs) this works and a failure is real
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                throw e;
            }
        }
    }

    /** Stops the worker after the file it is ingesting; files not yet ingested stay for the next start. */
    @Override
    public void close() {
        if (closed.getAndSet(true) || worker == null) {
            return;
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
