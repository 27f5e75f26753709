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
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final DatagramSocket upstreamUdp;
    private final Pending[] pending = new Pending[65536];
    private int nextId;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
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
        this.upstreamUdp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        upstreamUdp.setReceiveBufferSize(1 << 20);
        Thread.ofPlatform().daemon().name("dns-proxy-udp").start(this::udpLoop);
        Thread.ofPlatform().daemon().name("dns-proxy-upstream").start(this::upstreamLoop);
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

    /**
     * UDP: one upstream socket for every question. Each forwarded question gets a fresh 16-bit ID (RFC 1035 4.1.1)
     * mapped back to the client's ID and address when knot answers; held questions wait on a scheduler, not on a
     * thread each. (A socket and a thread per question cost as much CPU as the checker itself.)
     */
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
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            long delay = delayFor(query, query.length);
            if (delay < 0 || query.length < 12) {
                dropped.increment();
            } else if (delay > 0) {
                delayed.increment();
                scheduler.schedule(() -> forwardUdp(query, from), delay, TimeUnit.MILLISECONDS);
            } else {
                forwardUdp(query, from);
            }
        }
    }

    private record Pending(int clientId, InetSocketAddress client) {
    }

    private void forwardUdp(byte[] query, InetSocketAddress client) {
        int clientId = (query[0] & 0xff) << 8 | (query[1] & 0xff);
        int id;
        synchronized (pending) {
            id = nextId;
            for (int tries = 0; pending[id] != null && tries < 65536; tries++) {
                id = (id + 1) & 0xffff;
            }
            nextId = (id + 1) & 0xffff;
            // a slot whose answer never came is reused after a full turn of the ID space
            pending[id] = new Pending(clientId, client);
        }
        byte[] q = query.clone();
        q[0] = (byte) (id >> 8);
        q[1] = (byte) id;
        try {
            upstreamUdp.send(new DatagramPacket(q, q.length, upstream));
        } catch (IOException e) {
            // closing
        }
    }

    private void upstreamLoop() {
        byte[] buf = new byte[65535];
        while (!upstreamUdp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                upstreamUdp.receive(p);
                if (p.getLength() < 12) {
                    continue;
                }
                int id = (buf[0] & 0xff) << 8 | (buf[1] & 0xff);
                Pending to;
                synchronized (pending) {
                    to = pending[id];
                    pending[id] = null;
                }
                if (to == null) {
                    continue;
                }
                buf[0] = (byte) (to.clientId() >> 8);
                buf[1] = (byte) to.clientId();
                forwarded.increment();
                udp.send(new DatagramPacket(buf, p.getLength(), to.client()));
            } catch (IOException e) {
                return;
            }
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
        upstreamUdp.close();
        scheduler.shutdownNow();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
