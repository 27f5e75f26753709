package org.mailward.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster (Debian's postgresql package: initdb + pg_ctl) in a temporary directory, listening
 * on 127.0.0.1 on a free port only (no Unix socket in a shared directory). When the JVM runs as root the cluster is
 * run as the {@code postgres} user (PostgreSQL refuses root), with the directory owned by it. Skips the calling
 * test when the binaries are not installed (.ci/run installs them).
 *
 * <pre>
 * try (PostgresServer pg = PostgresServer.start()) {
 *     String url = pg.createDatabase("reports_test");   // jdbc:postgresql://127.0.0.1:PORT/reports_test?user=mailward
 * }
 * </pre>
 */
public final class PostgresServer implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asRoot;

    private PostgresServer(Path dir, Path bin, int port, boolean asRoot) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asRoot = asRoot;
    }

    /** The newest /usr/lib/postgresql/N/bin with initdb, if any. */
    public static java.util.Optional<Path> binaries() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> s = Files.list(base)) {
            return s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
                    .max(Comparator.comparingInt(p -> {
                        try {
                            return Integer.parseInt(p.getParent().getFileName().toString());
                        } catch (NumberFormatException e) {
                            return 0;
                        }
                    }));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries().orElse(null);
        Assumptions.assumeTrue(bin != null, "PostgreSQL server binaries not installed (apt-get install postgresql): skipping");
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("mailward-pg");
        Path data = dir.resolve("data");
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false, dir);
        }
        int port = freePort();
        PostgresServer server = new PostgresServer(dir, bin, port, root);
        Path pwfile = dir.resolve("pw");
        Files.writeString(pwfile, "mailward\n", StandardCharsets.UTF_8);
        if (root) {
            run(List.of("chown", "postgres:postgres", pwfile.toString()), false, dir);
        }
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "mailward", "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync"));
        server.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("pg.log").toString(),
                "-w", "-t", "60", "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories='"
                        + dir + "' -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"));
        return server;
    }

    private void pg(List<String> command) throws IOException, InterruptedException {
        run(command, asRoot, dir);
    }

    private static void run(List<String> command, boolean asPostgres, Path dir) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile(dir, "cmd", ".log");
        Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + full);
        }
        if (p.exitValue() != 0) {
            throw new IOException("failed (" + p.exitValue() + "): " + full + "\n" + Files.readString(log));
        }
    }

    public int port() {
        return port;
    }

    /** Creates a fresh database and returns its JDBC URL (user {@code mailward}, trust authentication on loopback). */
    public String createDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=mailward";
    }

    @Override
    public void close() {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        } catch (IOException | InterruptedException e) {
            // best effort; the directory goes below either way
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
