package org.mailward.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end gateway benchmark's load client and sink, the same for every peer measured (issue 5 "Speed"):
 * {@code SESSIONS} concurrent SMTP sessions send {@code MESSAGES} copies of one message to the peer under test, which
 * relays them to a sink on 127.0.0.1 run by this same process. Throughput is end to end: from the first connection
 * until the sink has received every message. Latency is the time from the client's end-of-data dot to the peer's
 * 250 (the peer answers only once the message is safe on disk). Prints one JSON line.
 *
 * <pre>
 * java -cp benchmarks.jar org.mailward.bench.SmtpLoad --target 127.0.0.1:2525 --sink-port 2600 --sessions 20 \
 *      --messages 20000 --message signed.eml --from alice@sender.example --to bob@dest.example --label mailward
 * </pre>
 */
public final class SmtpLoad {

    private SmtpLoad() {
    }

    public static void main(String[] args) throws Exception {
        String target = arg(args, "--target", null);
        int sinkPort = Integer.parseInt(arg(args, "--sink-port", null));
        int sessions = Integer.parseInt(arg(args, "--sessions", "20"));
        int messages = Integer.parseInt(arg(args, "--messages", "20000"));
        byte[] message = dotStuff(Files.readAllBytes(Path.of(arg(args, "--message", null))));
        String from = arg(args, "--from", "alice@sender.example");
        String to = arg(args, "--to", "bob@dest.example");
        String label = arg(args, "--label", "peer");
        long timeoutSeconds = Long.parseLong(arg(args, "--timeout", "1800"));
        String[] hp = target.split(":");
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]));

        Sink sink = new Sink(sinkPort);
        Thread.ofPlatform().daemon().start(sink::serve);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long[] latencies = new long[messages];
        AtomicInteger latencyCount = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < sessions; s++) {
                pool.submit(() -> {
                    session(peer, from, to, message, messages, next, failed, latencies, latencyCount);
                    return null;
                });
            }
        }
        long sent = System.nanoTime();
        int accepted = latencyCount.get();
        boolean all = sink.await(accepted, timeoutSeconds);
        long end = System.nanoTime();
        long[] l = Arrays.copyOf(latencies, accepted);
        Arrays.sort(l);
        double seconds = (end - start) / 1e9;
        System.out.printf(Locale.ROOT, "{\"peer\":\"%s\",\"sessions\":%d,\"messages\":%d,\"accepted\":%d,\"failed\":%d,\"delivered\":%d,"
                        + "\"allDelivered\":%b,\"seconds\":%.2f,\"acceptSeconds\":%.2f,\"messagesPerSecond\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f}%n",
                label, sessions, messages, accepted, failed.get(), sink.count.get(), all, seconds, (sent - start) / 1e9,
                sink.count.get() / seconds, percentile(l, 0.50) / 1e6, percentile(l, 0.99) / 1e6);
        sink.close();
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (dflt == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return dflt;
    }

    /** CRLF line ends, leading dots doubled (RFC 5321 4.5.2), final CRLF ensured. */
    static byte[] dotStuff(byte[] raw) {
        String s = new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        if (!s.endsWith("\r\n")) {
            s += "\r\n";
        }
        s = s.replace("\r\n.", "\r\n..");
        if (s.startsWith(".")) {
            s = "." + s;
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * One client session slot: sends messages over a connection until all are claimed; when the peer refuses another
     * transaction on the connection (a per-connection message limit, 421) or closes it, the unsent message goes back
     * and the slot reconnects, as a real MTA client does.
     */
    private static void session(InetSocketAddress peer, String from, String to, byte[] message, int messages, AtomicInteger next,
                                AtomicInteger failed, long[] latencies, AtomicInteger latencyCount) throws IOException {
        int reconnects = 0;
        while (next.get() < messages) {
            try (Socket s = new Socket()) {
                s.connect(peer, 10_000);
                s.setSoTimeout(120_000);
                s.setTcpNoDelay(true);
                InputStream in = s.getInputStream();
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
                expect(in, "220");
                command(out, in, "EHLO load.bench.example", "250");
                while (next.getAndIncrement() < messages) {
                    String mail = exchange(out, in, "MAIL FROM:<" + from + ">");
                    if (!mail.startsWith("250")) {
                        next.decrementAndGet(); // not sent: give the message back and reconnect
                        break;
                    }
                    if (!command(out, in, "RCPT TO:<" + to + ">", "250") || !command(out, in, "DATA", "354")) {
                        failed.incrementAndGet();
                        command(out, in, "RSET", "250");
                        continue;
                    }
                    out.write(message);
                    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    long t0 = System.nanoTime();
                    out.flush();
                    String reply = reply(in);
                    long t = System.nanoTime() - t0;
                    if (reply.startsWith("250")) {
                        latencies[latencyCount.getAndIncrement()] = t;
                    } else {
                        failed.incrementAndGet();
                    }
                }
                exchange(out, in, "QUIT");
            } catch (IOException e) {
                if (++reconnects > 1000) {
                    throw e;
                }
            }
        }
    }

    private static String exchange(OutputStream out, InputStream in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(in);
    }

    private static boolean command(OutputStream out, InputStream in, String line, String want) throws IOException {
        return exchange(out, in, line).startsWith(want);
    }

    private static void expect(InputStream in, String want) throws IOException {
        String r = reply(in);
        if (!r.startsWith(want)) {
            throw new IOException("unexpected reply: " + r);
        }
    }

    /** Reads one (possibly multi-line) reply; returns its last line. */
    static String reply(InputStream in) throws IOException {
        while (true) {
            String line = line(in);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
    }

    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed");
    }

    /** A minimal SMTP sink: accepts everything, counts messages whose data ended with CRLF.CRLF. */
    static final class Sink implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger count = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();

        Sink(int port) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        }

        void serve() {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                while (!server.isClosed()) {
                    Socket c = server.accept();
                    pool.submit(() -> handle(c));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void handle(Socket c) {
            try (c) {
                InputStream in = new java.io.BufferedInputStream(c.getInputStream(), 64 * 1024);
                OutputStream out = c.getOutputStream();
                out.write("220 sink.bench.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (true) {
                    String line = line(in);
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                    switch (verb) {
                        case "EHLO" -> out.write("250-sink.bench.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 104857600\r\n".getBytes(StandardCharsets.US_ASCII));
                        case "DATA" -> {
                            out.write("354 go\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            long n = 0;
                            while (true) {
                                String l = line(in);
                                if (l.equals(".")) {
                                    break;
                                }
                                n += l.length() + 2;
                            }
                            bytes.addAndGet(n);
                            count.incrementAndGet();
                            synchronized (this) {
                                notifyAll();
                            }
                            out.write("250 2.0.0 ok\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        case "QUIT" -> {
                            out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            return;
                        }
                        default -> out.write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // peer went away
            }
        }

        boolean await(int n, long timeoutSeconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            synchronized (this) {
                while (count.get() < n) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
