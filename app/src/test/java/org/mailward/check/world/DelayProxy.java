package org.mailward.check.world;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A DNS forwarder on 127.0.0.1 (UDP and TCP, one port) in front of a real server, for the batch benchmark: questions
 * for names under the "slow" suffix are answered after a delay of {@link #MIN_DELAY_MS}-{@link #MAX_DELAY_MS} ms
 * (fixed per question), questions under the "dead" suffix are never answered (as from a domain whose name servers
 * are down), every other question is forwarded at once. An authoritative server cannot be slow by itself, and the
 * checker talks to one resolver address, so the slowness has to sit between the two.
 */
public final class DelayProxy implements AutoCloseable {

    public static final int MIN_DELAY_MS = 100;
    public static final int MAX_DELAY_MS = 800;

    private final InetSocketAddress upstream;
    private final String slowSuffix;
    private final String deadSuffix;
    private final long seed;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder delayed = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public DelayProxy(InetSocketAddress upstream, String slowSuffix, String deadSuffix, long seed) throws IOException {
        this.upstream = upstream;
        this.slowSuffix = slowSuffix.toLowerCase(Locale.ROOT);
        this.deadSuffix = deadSuffix.toLowerCase(Locale.ROOT);
        this.seed = seed;
        this.tcp = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()));
        udp.setReceiveBufferSize(1 << 20);
        threads.submit(this::udpLoop);
        threads.submit(this::tcpLoop);
    }

    public int port() {
        return udp.getLocalPort();
    }

    public long forwarded() {
        return forwarded.sum();
    }

    public long delayed() {
        return delayed.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    /**
     * The question name of a DNS message (RFC 1035 4.1.2, uncompressed as in every query), lower case without the
     * trailing dot; empty when the message is malformed.
     */
    static Optional<String> questionName(byte[] msg, int length) {
        if (length < 17 || ((msg[4] & 0xff) << 8 | (msg[5] & 0xff)) != 1) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder();
        int i = 12;
        while (i < length) {
            int len = msg[i] & 0xff;
            if (len == 0) {
                return Optional.of(sb.toString().toLowerCase(Locale.ROOT));
            }
            if (len > 63 || i + 1 + len > length) {
                return Optional.empty();
            }
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(new String(msg, i + 1, len, java.nio.charset.StandardCharsets.ISO_8859_1));
            i += 1 + len;
        }
        return Optional.empty();
    }

    /** Milliseconds to hold a question: -1 never answer, 0 at once. */
    long delayFor(byte[] msg, int length) {
        Optional<String> name = questionName(msg, length);
        if (name.isEmpty()) {
            return 0;
        }
        String n = "." + name.get();
        if (n.endsWith(deadSuffix)) {
            return -1;
        }
        if (n.endsWith(slowSuffix)) {
            long h = name.get().hashCode() ^ seed;
            return MIN_DELAY_MS + Math.floorMod(h * 0x9E3779B97F4A7C15L, MAX_DELAY_MS - MIN_DELAY_MS + 1);
        }
        return 0;
    }

    private void udpLoop() {
        byte[] buf = new byte[4096];
        while (!udp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                return;
            }
            byte[] query = Arrays.copyOf(p.getData(), p.getLength());
            InetAddress from = p.getAddress();
            int fromPort = p.getPort();
            threads.submit(() -> answerUdp(query, from, fromPort));
        }
    }

    private void answerUdp(byte[] query, InetAddress from, int fromPort) {
        try {
            long delay = delayFor(query, query.length);
            if (delay < 0) {
                dropped.increment();
                return;
            }
            if (delay > 0) {
                delayed.increment();
                Thread.sleep(delay);
            }
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(3000);
                s.send(new DatagramPacket(query, query.length, upstream));
                byte[] buf = new byte[65535];
                DatagramPacket resp = new DatagramPacket(buf, buf.length);
                s.receive(resp);
                forwarded.increment();
                udp.send(new DatagramPacket(buf, resp.getLength(), from, fromPort));
            }
        } catch (SocketTimeoutException e) {
            // upstream silent: the client times out too
        } catch (IOException | InterruptedException e) {
            // proxy closing
        }
    }

    private void tcpLoop() {
        while (!tcp.isClosed()) {
            try {
                Socket c = tcp.accept();
                threads.submit(() -> answerTcp(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** RFC 1035 4.2.2: each message with a two-byte length prefix; one question per connection is enough here. */
    private void answerTcp(Socket client) {
        try (client) {
            client.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(client.getInputStream());
            byte[] query = new byte[in.readUnsignedShort()];
            in.readFully(query);
            long delay = delayFor(query, query.length);
            if (delay < 0) {
                dropped.increment();
                Thread.sleep(10_000);
                return;
            }
            if (delay > 0) {
                delayed.increment();
                Thread.sleep(delay);
            }
            try (Socket up = new Socket()) {
                up.connect(upstream, 3000);
                up.setSoTimeout(3000);
                DataOutputStream o = new DataOutputStream(up.getOutputStream());
                o.writeShort(query.length);
                o.write(query);
                o.flush();
                DataInputStream ui = new DataInputStream(up.getInputStream());
                byte[] resp = new byte[ui.readUnsignedShort()];
                ui.readFully(resp);
                forwarded.increment();
                DataOutputStream co = new DataOutputStream(client.getOutputStream());
                co.writeShort(resp.length);
                co.write(resp);
                co.flush();
            }
        } catch (IOException | InterruptedException e) {
            // client or upstream went away
        }
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
