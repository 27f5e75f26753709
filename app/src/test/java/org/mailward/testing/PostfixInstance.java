package org.mailward.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Postfix instance (real peer for interop tests): its own config_directory, queue_directory and
 * data_directory in a temp dir, smtpd on 127.0.0.1:{@link #port()}, started with {@code postfix -c DIR start}
 * and stopped by killing its master PID. Never touches the machine's default instance.
 */
public final class PostfixInstance implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final long masterPid;

    private PostfixInstance(Path dir, int port, long pid) {
        this.dir = dir;
        this.port = port;
        this.masterPid = pid;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/postfix")) && Files.isExecutable(Path.of("/usr/lib/postfix/sbin/master"));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * @param mainCf    extra main.cf lines
     * @param transport transport map lines ({@code domain smtp:[127.0.0.1]:port})
     * @param certPem   PEM chain for smtpd TLS (with keyPem), or null for no TLS
     */
    public static PostfixInstance start(List<String> mainCf, List<String> transport, String certPem, String keyPem) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("mw-postfix");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("queue"));
        Path data = Files.createDirectories(dir.resolve("data"));
        new ProcessBuilder("chown", "postfix", data.toString()).inheritIO().start().waitFor();
        int port = freePort();
        String master = """
                127.0.0.1:%d inet n - n - - smtpd
                pickup unix n - n 60 1 pickup
                cleanup unix n - n - 0 cleanup
                qmgr unix n - n 300 1 qmgr
                tlsmgr unix - - n 1000? 1 tlsmgr
                rewrite unix - - n - - trivial-rewrite
                bounce unix - - n - 0 bounce
                defer unix - - n - 0 bounce
                trace unix - - n - 0 bounce
                verify unix - - n - 1 verify
                flush unix n - n 1000? 0 flush
                proxymap unix - - n - - proxymap
                smtp unix - - n - - smtp
                relay unix - - n - - smtp
                showq unix n - n - - showq
                error unix - - n - - error
                retry unix - - n - - error
                discard unix - - n - - discard
                local unix - n n - - local
                anvil unix - - n - 1 anvil
                scache unix - - n - 1 scache
                postlog unix-dgram n - n - 1 postlogd
                """.formatted(port);
        Files.writeString(conf.resolve("master.cf"), master);
        StringBuilder main = new StringBuilder("""
                compatibility_level = 3.6
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                myhostname = postfix.test.example
                mydestination =
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                mynetworks = 127.0.0.0/8
                alias_maps =
                alias_database =
                local_recipient_maps =
                smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
                maillog_file = %1$s/maillog
                maillog_file_prefixes = %1$s
                smtp_dns_support_level = disabled
                transport_maps = texthash:%1$s/conf/transport
                smtp_tls_loglevel = 1
                smtpd_tls_loglevel = 1
                smtpd_tls_received_header = yes
                """.formatted(dir));
        if (certPem != null) {
            Files.writeString(conf.resolve("cert.pem"), certPem);
            Files.writeString(conf.resolve("key.pem"), keyPem);
            main.append("smtpd_tls_cert_file = ").append(conf.resolve("cert.pem")).append('\n');
            main.append("smtpd_tls_key_file = ").append(conf.resolve("key.pem")).append('\n');
            main.append("smtpd_tls_security_level = may\n");
        }
        for (String l : mainCf) {
            main.append(l).append('\n');
        }
        Files.writeString(conf.resolve("main.cf"), main.toString());
        Files.writeString(conf.resolve("transport"), String.join("\n", transport) + "\n");
        Process p = new ProcessBuilder("/usr/sbin/postfix", "-c", conf.toString(), "start").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("postfix start failed: " + out + " " + log(dir));
        }
        Path pidFile = dir.resolve("queue/pid/master.pid");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(pidFile) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        PostfixInstance pf = new PostfixInstance(dir, port, pid);
        // wait for smtpd to accept
        while (System.nanoTime() < end) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return pf;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        pf.close();
        throw new IOException("postfix smtpd did not come up: " + log(dir));
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("maillog"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public int port() {
        return port;
    }

    public String log() {
        return log(dir);
    }

    @Override
    public void close() {
        ProcessHandle.of(masterPid).ifPresent(h -> {
            h.destroy(); // SIGTERM: master stops its children
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }
}
