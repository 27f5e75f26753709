package org.mailward.gateway.queue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The on-disk queue; see the package documentation for the layout and the durability rules. Thread-safe. */
public final class Spool {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    public static final String CONTENT = "message.eml";
    public static final String ENVELOPE = "envelope.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SEQ = new AtomicLong();

    private final Path root;
    private final Clock clock;
    private final CrashPoint crash;

    public Spool(Path root, Clock clock, CrashPoint crash) throws IOException {
        this.root = root;
        this.clock = clock;
        this.crash = crash;
        for (QueueState s : QueueState.values()) {
            Files.createDirectories(dir(s));
        }
        fsyncDir(root);
    }

    public Spool(Path root, Clock clock) throws IOException {
        this(root, clock, CrashPoint.NONE);
    }

    public Path root() {
        return root;
    }

    public Path dir(QueueState s) {
        return root.resolve(s.dirName());
    }

    /** A new queue id: time in microseconds and a random suffix, hex, sortable by arrival. */
    public String newId() {
        long micros = clock.millis() * 1000 + (SEQ.incrementAndGet() % 1000);
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        return String.format("%013X", micros) + HexFormat.of().withUpperCase().formatHex(r);
    }

    /**
     * Stores a new message durably and makes it active; returns the envelope with its queue id. When this returns
     * the message survives a crash; the caller may then say 250.
     */
    public Envelope enqueue(Envelope envelope, byte[] content) throws IOException {
        String id = envelope.queueId().isEmpty() ? newId() : envelope.queueId();
        Envelope env = envelope.withQueueId(id);
        Path tmp = dir(QueueState.INCOMING).resolve(id);
        Files.createDirectory(tmp);
        crash.reached("incoming-dir-created");
        writeSynced(tmp.resolve(CONTENT), content);
        crash.reached("content-written");
        writeSynced(tmp.resolve(ENVELOPE), JSON.writeValueAsBytes(env));
        crash.reached("envelope-written");
        fsyncDir(tmp);
        crash.reached("message-dir-synced");
        Path target = dir(QueueState.ACTIVE).resolve(id);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        crash.reached("renamed-to-active");
        fsyncDir(dir(QueueState.INCOMING));
        fsyncDir(dir(QueueState.ACTIVE));
        crash.reached("state-dirs-synced");
        return env;
    }

    /** Moves a message between states by one atomic rename. */
    public void move(String id, QueueState from, QueueState to) throws IOException {
        Path src = dir(from).resolve(id);
        Path dst = dir(to).resolve(id);
        crash.reached("before-move");
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        crash.reached("after-move");
        fsyncDir(dir(from));
        fsyncDir(dir(to));
    }

    /** Replaces the envelope of a message atomically (write temp, fsync, rename, fsync dir). */
    public void update(QueueState state, Envelope env) throws IOException {
        Path d = dir(state).resolve(env.queueId());
        if (!Files.isDirectory(d)) {
            throw new NoSuchFileException(d.toString());
        }
        Path tmp = d.resolve(ENVELOPE + ".tmp");
        writeSynced(tmp, JSON.writeValueAsBytes(env));
        crash.reached("envelope-tmp-written");
        Files.move(tmp, d.resolve(ENVELOPE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        crash.reached("envelope-replaced");
        fsyncDir(d);
    }

    /**
     * Removes a message (delivered, bounced, or deleted by an administrator). The directory is first renamed to a
     * dot name so a crash half way never leaves a message that looks complete but has lost files.
     */
    public void remove(String id, QueueState state) throws IOException {
        Path d = dir(state).resolve(id);
        Path gone = dir(state).resolve("." + id + ".removing");
        Files.move(d, gone, StandardCopyOption.ATOMIC_MOVE);
        crash.reached("removal-renamed");
        fsyncDir(dir(state));
        deleteTree(gone);
    }

    public Optional<QueuedMessage> find(String id) {
        for (QueueState s : QueueState.values()) {
            Path d = dir(s).resolve(id);
            if (Files.isDirectory(d) && !id.startsWith(".")) {
                return read(s, d);
            }
        }
        return Optional.empty();
    }

    public byte[] content(QueuedMessage m) throws IOException {
        return Files.readAllBytes(m.contentFile());
    }

    /** Messages in a state, oldest first; unreadable entries are skipped (recovery moves them to corrupt). */
    public List<QueuedMessage> list(QueueState state) throws IOException {
        List<QueuedMessage> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(state))) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(".") || !Files.isDirectory(p)) {
                    continue;
                }
                read(state, p).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(QueuedMessage::id));
        return out;
    }

    private Optional<QueuedMessage> read(QueueState s, Path d) {
        try {
            Envelope env = JSON.readValue(Files.readAllBytes(d.resolve(ENVELOPE)), Envelope.class);
            Path c = d.resolve(CONTENT);
            if (!env.queueId().equals(d.getFileName().toString()) || !Files.isRegularFile(c)) {
                return Optional.empty();
            }
            return Optional.of(new QueuedMessage(s, env, c, Files.size(c)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** What recovery did at start. */
    public record Recovery(int incomingRemoved, int tempFilesRemoved, int movedToCorrupt, int removalsFinished) {
    }

    /**
     * Rebuilds a consistent state after a crash: removes never-acknowledged messages from incoming, leftover
     * temporary envelope files and half-finished removals, and moves unreadable messages to corrupt.
     */
    public Recovery recover() throws IOException {
        int incoming = 0;
        int temps = 0;
        int corrupt = 0;
        int removals = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(QueueState.INCOMING))) {
            for (Path p : ds) {
                deleteTree(p);
                incoming++;
            }
        }
        for (QueueState s : List.of(QueueState.ACTIVE, QueueState.DEFERRED, QueueState.HOLD)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(s))) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") && name.endsWith(".removing")) {
                        deleteTree(p);
                        removals++;
                        continue;
                    }
                    Path tmp = p.resolve(ENVELOPE + ".tmp");
                    if (Files.deleteIfExists(tmp)) {
                        temps++;
                    }
                    if (read(s, p).isEmpty()) {
                        LOG.error("queue: {} in {} is unreadable, moved to corrupt", name, s.dirName());
                        Files.move(p, dir(QueueState.CORRUPT).resolve(name), StandardCopyOption.ATOMIC_MOVE);
                        corrupt++;
                    }
                }
            }
            fsyncDir(dir(s));
        }
        fsyncDir(dir(QueueState.INCOMING));
        return new Recovery(incoming, temps, corrupt, removals);
    }

    private static void writeSynced(Path file, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; on Linux/ext4/xfs this works.
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                return;
            }
            throw e;
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
