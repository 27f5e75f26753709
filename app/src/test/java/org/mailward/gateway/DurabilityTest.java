package org.mailward.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Decision;
import org.mailward.smtp.SessionHandler;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;
import org.mailward.testing.PostfixInstance;

/**
 * Durability: `mailward serve` runs as a separate process, takes mail under load from several clients and is
 * killed with SIGKILL several times (and restarted on the same spool). Every message that got 250 must reach the
 * internal server at least once; duplicates are counted (at-least-once delivery allows them).
 */
@Tag("slow")
class DurabilityTest {

    static final Pattern ID = Pattern.compile("X-Test-Id: (\\d+)");

    @TempDir
    Path dir;

    Process startGateway(Path config, Path data) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.mailward.app.Main",
                "serve", "--config", config.toString(), "--data", data.toString(), "--grace", "10")
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
    }

    static void awaitPort(int port, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("gateway did not listen on " + port);
    }

    @Test
    void acknowledgedMailSurvivesSigkill() throws Exception {
        Map<Integer, Integer> delivered = new ConcurrentHashMap<>();
        SessionHandler sinkHandler = (s, t, m) -> {
            Matcher x = ID.matcher(new String(m, StandardCharsets.UTF_8));
            if (x.find()) {
                delivered.merge(Integer.parseInt(x.group(1)), 1, Integer::sum);
            }
            return Decision.accept();
        };
        int port = PostfixInstance.freePort();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        try (SmtpServer sink = SmtpServer.start(SmtpServerConfig.of("sink", new InetSocketAddress("127.0.0.1", 0), "sink.example"), sinkHandler)) {
            Path config = dir.resolve("mailward.yml");
            Files.writeString(config, """
                    hostname: mx.durable.example
                    listeners: [{ name: in, address: 127.0.0.1, port: %d }]
                    localDomains: [{ domain: durable.example, route: "127.0.0.1:%d" }]
                    delivery: { firstRetry: 1s, maxRetryInterval: 2s }
                    doctor: { enabled: false }
                    """.formatted(port, sink.port()));
            Path data = dir.resolve("data");
            AtomicBoolean stop = new AtomicBoolean();
            Set<String> errors = ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicReference<String> lastError = new java.util.concurrent.atomic.AtomicReference<>("");
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> senders = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try (SmtpClient c = SmtpClient.connect(new InetSocketAddress("127.0.0.1", port), "load.example", Duration.ofSeconds(1), Duration.ofSeconds(5))) {
                            c.ehlo();
                            for (int i = 0; i < 20 && !stop.get(); i++) {
                                int id = next.incrementAndGet();
                                SmtpClient.SendResult r = c.send(Optional.of(AddressParser.parseMailbox("load@sender.example", false).value()),
                                        List.of(AddressParser.parseMailbox("u" + (id % 7) + "@durable.example", false).value()),
                                        ("X-Test-Id: " + id + "\r\nSubject: durable\r\n\r\n" + ("x".repeat(76) + "\r\n").repeat(26)).getBytes(StandardCharsets.US_ASCII));
                                if (r.accepted()) {
                                    acknowledged.add(id);
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            lastError.set(e.toString()); errors.add(e.toString());
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                }));
            }
            Random random = new Random(42);
            int kills = 4;
            for (int k = 0; k < kills; k++) {
                Process g = startGateway(config, data);
                awaitPort(port, Duration.ofSeconds(60));
                Thread.sleep(800 + random.nextInt(1500));
                g.destroyForcibly(); // SIGKILL
                assertThat(g.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            stop.set(true);
            for (Thread t : senders) {
                t.join(10000);
            }
            Process g = startGateway(config, data);
            try {
                awaitPort(port, Duration.ofSeconds(60));
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!delivered.keySet().containsAll(acknowledged) && System.nanoTime() < end) {
                    Thread.sleep(200);
                }
            } finally {
                g.destroy();
                g.waitFor(20, TimeUnit.SECONDS);
            }
            Set<Integer> lost = new java.util.TreeSet<>(acknowledged);
            lost.removeAll(delivered.keySet());
            long duplicates = delivered.values().stream().filter(n -> n > 1).count();
            System.err.printf("durability: %d kills, %d acknowledged, %d delivered, %d duplicates, %d lost%n",
                    kills, acknowledged.size(), delivered.size(), duplicates, lost.size());
            assertThat(acknowledged).as("client errors: " + errors + "; log: " + Files.readString(dir.resolve("gateway.log"))).hasSizeGreaterThan(20);
            assertThat(lost).as("acknowledged but never delivered").isEmpty();
        }
    }

    @Test
    void sigtermLetsTheTransactionInFlightFinish() throws Exception {
        int port = PostfixInstance.freePort();
        Path config = dir.resolve("graceful.yml");
        Files.writeString(config, """
                hostname: mx.graceful.example
                listeners: [{ name: in, address: 127.0.0.1, port: %d }]
                localDomains: [{ domain: graceful.example, route: "127.0.0.1:9" }]
                doctor: { enabled: false }
                """.formatted(port));
        Process g = startGateway(config, dir.resolve("gdata"));
        try {
            awaitPort(port, Duration.ofSeconds(60));
            try (java.net.Socket busy = new java.net.Socket("127.0.0.1", port); java.net.Socket idle = new java.net.Socket("127.0.0.1", port)) {
                busy.setSoTimeout(10000);
                idle.setSoTimeout(10000);
                var bin = new java.io.BufferedReader(new java.io.InputStreamReader(busy.getInputStream(), StandardCharsets.US_ASCII));
                var iin = new java.io.BufferedReader(new java.io.InputStreamReader(idle.getInputStream(), StandardCharsets.US_ASCII));
                var out = busy.getOutputStream();
                assertThat(bin.readLine()).startsWith("220");
                assertThat(iin.readLine()).startsWith("220");
                for (String c : List.of("HELO t.example", "MAIL FROM:<a@example.org>", "RCPT TO:<b@graceful.example>", "DATA")) {
                    out.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertThat(bin.readLine()).matches("^(250|354).*");
                }
                g.destroy(); // SIGTERM
                assertThat(iin.readLine()).startsWith("421 4.3.2");
                out.write("Subject: in flight\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(bin.readLine()).startsWith("250 2.0.0 Ok: queued as");
                assertThat(bin.readLine()).startsWith("421 4.3.2");
            }
            assertThat(g.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // kept for delivery (active, or deferred if an attempt to the closed route happened before the stop)
            try (var a = Files.list(dir.resolve("gdata/spool/active")); var d = Files.list(dir.resolve("gdata/spool/deferred"))) {
                assertThat(a.count() + d.count()).isEqualTo(1);
            }
        } finally {
            g.destroyForcibly();
        }
    }
}
