package org.mailward.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real authoritative DNS server (Debian's knot, {@code knotd}) serving generated zones on 127.0.0.1 on a free
 * port, for integration and differential tests. Each zone text gets an SOA and an NS record added when it has
 * none. Skips the calling test when knotd is not installed (.ci/run installs it).
 *
 * <pre>
 * try (KnotServer knot = KnotServer.start(Map.of("example.com", "example.com. 300 IN TXT \"v=spf1 -all\"\n"))) {
 *     Resolver r = new NetworkResolver(List.of(knot.address()), Duration.ofSeconds(2), 1);
 * }
 * </pre>
 */
public final class KnotServer implements AutoCloseable {

    private static final Path KNOTD = Path.of("/usr/sbin/knotd");

    private final Process process;
    private final Path dir;
    private final int port;

    private KnotServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static boolean available() {
        return Files.isExecutable(KNOTD);
    }

    /**
     * Starts knotd with one zone per entry (zone apex name to master-file text, absolute names). Waits until it
     * answers.
     */
    public static KnotServer start(Map<String, String> zones) throws IOException, InterruptedException {
        Assumptions.assumeTrue(available(), "knotd not installed (apt-get install knot): skipping");
        Path dir = Files.createTempDirectory("mailward-knot");
        int port = freePort();
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n    listen: 127.0.0.1@").append(port).append("\n    rundir: \"").append(dir).append("\"\n")
                .append("    tcp-workers: 2\n    udp-workers: 2\n    background-workers: 1\n");
        conf.append("database:\n    storage: \"").append(dir).append("\"\n");
        conf.append("log:\n  - target: stderr\n    any: error\n");
        conf.append("zone:\n");
        for (Map.Entry<String, String> z : zones.entrySet()) {
            String apex = z.getKey().endsWith(".") ? z.getKey().substring(0, z.getKey().length() - 1) : z.getKey();
            // the root zone ("." or "") is written as root.zone (a benchmark serves it so every other name is NXDOMAIN)
            Path file = dir.resolve((apex.isEmpty() ? "root" : apex) + ".zone");
            Files.writeString(file, apex.isEmpty() ? z.getValue() : withSoa(apex, z.getValue()), StandardCharsets.UTF_8);
            conf.append("  - domain: ").append(apex).append(".\n    file: \"").append(file).append("\"\n")
                    .append("    zonefile-sync: -1\n    journal-content: none\n");
        }
        Path confFile = dir.resolve("knot.conf");
        Files.writeString(confFile, conf.toString());
        Process p = new ProcessBuilder(KNOTD.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("knotd.log").toFile())
                .start();
        KnotServer server = new KnotServer(p, dir, port);
        server.awaitReady(zones.keySet().iterator().next());
        return server;
    }

    static String withSoa(String apex, String text) {
        boolean hasSoa = text.lines().anyMatch(l -> l.matches("(?i)^\\S*\\s+(\\d+\\s+)?(IN\\s+)?SOA\\s.*"));
        if (hasSoa) {
            return text;
        }
        return "$TTL 300\n"
                + apex + ". 300 IN SOA ns." + apex + ". hostmaster." + apex + ". 1 3600 600 86400 60\n"
                + apex + ". 300 IN NS ns." + apex + ".\n"
                + text + "\n";
    }

    private void awaitReady(String anyZone) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        byte[] query = soaQuery(anyZone);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("knotd exited: " + Files.readString(dir.resolve("knotd.log")));
            }
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(200);
                s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
                byte[] buf = new byte[512];
                DatagramPacket resp = new DatagramPacket(buf, buf.length);
                s.receive(resp);
                int rcode = buf[3] & 0x0f;
                if (resp.getLength() > 12 && rcode == 0) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        close();
        throw new IOException("knotd did not answer within 20 s");
    }

    /** A minimal DNS query for SOA of the name. */
    static byte[] soaQuery(String name) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0});
        for (String label : name.replaceAll("\\.$", "").split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            out.write(l.length);
            out.writeBytes(l);
        }
        out.writeBytes(new byte[] {0, 0, 6, 0, 1});
        return out.toByteArray();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp dir cleanup is best effort
        }
    }
}
