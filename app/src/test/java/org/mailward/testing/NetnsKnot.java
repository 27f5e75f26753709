package org.mailward.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway network namespace whose libc resolver asks a knotd serving the given zones, for peers that only look
 * keys up through {@code /etc/resolv.conf} (opendkim-testmsg: libopendkim calls res_nquery). The machine's resolver
 * is never touched: {@code ip netns add} makes a namespace with its own loopback, knotd listens on 127.0.0.1:53
 * inside it, and {@code ip netns exec} bind-mounts {@code /etc/netns/<name>/resolv.conf} over /etc/resolv.conf for
 * the commands it runs. The namespace, its /etc/netns folder and knotd are removed by {@link #close()} (and by a
 * shutdown hook should the JVM end first). Needs root, iproute2 and knot; skips the calling test otherwise.
 */
public final class NetnsKnot implements AutoCloseable {

    private static final Path KNOTD = Path.of("/usr/sbin/knotd");
    private static final Path NETNS_ETC = Path.of("/etc/netns");

    private final String name;
    private final Path ip;
    private final Path dir;
    private final Path etc;
    private Process knotd;
    private final Thread hook;

    private NetnsKnot(String name, Path ip, Path dir) {
        this.name = name;
        this.ip = ip;
        this.dir = dir;
        this.etc = NETNS_ETC.resolve(name);
        this.hook = new Thread(this::cleanUp, "netns-" + name + "-cleanup");
    }

    /** The iproute2 binary, or null. */
    static Path ipCommand() {
        for (String p : new String[] {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Skips the calling test unless a namespace can be made here (root, iproute2, knotd, python3 for the probe). */
    public static void assumeUsable() {
        Assumptions.assumeTrue(isRoot(), "not root: a network namespace with its own DNS needs root; skipping");
        Assumptions.assumeTrue(ipCommand() != null, "iproute2 (ip) not installed; skipping");
        Assumptions.assumeTrue(Files.isExecutable(KNOTD), "knotd not installed (apt-get install knot); skipping");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3 missing; skipping");
    }

    /** Makes the namespace and starts knotd in it with one zone per entry (apex to master-file text). */
    public static NetnsKnot start(Map<String, String> zones) throws IOException, InterruptedException {
        assumeUsable();
        String name = "mailward-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        NetnsKnot ns = new NetnsKnot(name, ipCommand(), Files.createTempDirectory("mailward-netns-knot"));
        Runtime.getRuntime().addShutdownHook(ns.hook);
        try {
            ns.run(List.of(ns.ip.toString(), "netns", "add", name));
            ns.run(List.of(ns.ip.toString(), "-n", name, "link", "set", "lo", "up"));
            Files.createDirectories(ns.etc);
            Files.writeString(ns.etc.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:2 attempts:2\n");
            ns.startKnot(zones);
            return ns;
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    private void startKnot(Map<String, String> zones) throws IOException, InterruptedException {
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n    listen: 127.0.0.1@53\n    rundir: \"").append(dir).append("\"\n")
                .append("    tcp-workers: 1\n    udp-workers: 1\n    background-workers: 1\n");
        conf.append("database:\n    storage: \"").append(dir).append("\"\n");
        conf.append("log:\n  - target: stderr\n    any: error\n");
        conf.append("zone:\n");
        for (Map.Entry<String, String> z : zones.entrySet()) {
            String apex = z.getKey().replaceAll("\\.$", "");
            Path file = dir.resolve(apex + ".zone");
            Files.writeString(file, KnotServer.withSoa(apex, z.getValue()), StandardCharsets.UTF_8);
            conf.append("  - domain: ").append(apex).append(".\n    file: \"").append(file).append("\"\n")
                    .append("    zonefile-sync: -1\n    journal-content: none\n");
        }
        Path confFile = dir.resolve("knot.conf");
        Files.writeString(confFile, conf.toString());
        knotd = new ProcessBuilder(command(KNOTD.toString(), "-c", confFile.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("knotd.log").toFile()).start();
        String query = HexFormat.of().formatHex(KnotServer.soaQuery(zones.keySet().iterator().next()));
        String probe = "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.settimeout(0.3)\n"
                + "s.sendto(bytes.fromhex(sys.argv[1]),('127.0.0.1',53))\nr=s.recv(512)\nsys.exit(0 if len(r)>12 and r[3]&15==0 else 1)\n";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!knotd.isAlive()) {
                throw new IOException("knotd in namespace " + name + " exited: " + Files.readString(dir.resolve("knotd.log")));
            }
            Process p = new ProcessBuilder(command("/usr/bin/python3", "-c", probe, query)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("knotd in namespace " + name + " did not answer within 20 s");
    }

    private void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** The command line that runs {@code cmd} inside the namespace (its resolv.conf points at the knotd). */
    public List<String> command(String... cmd) {
        List<String> full = new ArrayList<>(List.of(ip.toString(), "netns", "exec", name));
        full.addAll(Arrays.asList(cmd));
        return full;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (cleanUp is idempotent)
        }
    }

    private synchronized void cleanUp() {
        if (knotd != null) {
            knotd.destroy();
            try {
                if (!knotd.waitFor(5, TimeUnit.SECONDS)) {
                    knotd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            knotd = null;
        }
        try {
            if (Files.exists(Path.of("/run/netns", name)) || Files.exists(Path.of("/var/run/netns", name))) {
                run(List.of(ip.toString(), "netns", "del", name));
            }
        } catch (IOException e) {
            System.err.println("NetnsKnot: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Path p : new Path[] {etc, dir}) {
            if (!Files.exists(p)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(p)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("NetnsKnot: cannot remove " + p + ": " + e.getMessage());
            }
        }
    }
}
