package org.mailward.check.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The benchmark's DNS proxy: question parsing (fuzzed), forwarding with ID mapping, delaying and dropping. */
class DelayProxyTest {

    static byte[] query(int id, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            out.write(l.length);
            out.writeBytes(l);
        }
        out.writeBytes(new byte[] {0, 0, 16, 0, 1});
        return out.toByteArray();
    }

    @Test
    void parsesTheQuestionName() {
        byte[] q = query(7, "Selector1._DomainKey.Example.test");
        assertThat(DelayProxy.questionName(q, q.length)).contains("selector1._domainkey.example.test");
        // cut inside a label, a label over 63 octets, no question, too short: empty, never an exception
        assertThat(DelayProxy.questionName(q, 20)).isEmpty();
        byte[] longLabel = query(1, "x".repeat(64) + ".test");
        assertThat(DelayProxy.questionName(longLabel, longLabel.length)).isEmpty();
        byte[] noQuestion = q.clone();
        noQuestion[5] = 0;
        assertThat(DelayProxy.questionName(noQuestion, noQuestion.length)).isEmpty();
        assertThat(DelayProxy.questionName(new byte[5], 5)).isEmpty();
    }

    @Test
    void fuzzedMessagesNeverThrow() {
        Random rnd = new Random(42);
        byte[] good = query(1, "w00001.slow-dns.test");
        for (int i = 0; i < 20_000; i++) {
            byte[] m = rnd.nextBoolean() ? good.clone() : new byte[rnd.nextInt(64)];
            if (m.length == 0 || rnd.nextInt(4) == 0) {
                rnd.nextBytes(m);
            } else {
                for (int k = rnd.nextInt(4); k >= 0; k--) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
            }
            int len = rnd.nextInt(m.length + 1);
            Optional<String> name = DelayProxy.questionName(m, len);
            name.ifPresent(n -> assertThat(n.length()).isLessThanOrEqualTo(len));
        }
    }

    @Test
    void forwardsDelaysAndDrops() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[512];
                while (!echo.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            try (DelayProxy proxy = new DelayProxy((InetSocketAddress) echo.getLocalSocketAddress(), ".slow.test", ".dead.test", 1);
                 DatagramSocket client = new DatagramSocket()) {
                client.setSoTimeout(3000);
                InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
                byte[] q = query(0xBEEF, "a.fast.test");
                long t0 = System.nanoTime();
                client.send(new DatagramPacket(q, q.length, at));
                DatagramPacket r = new DatagramPacket(new byte[512], 512);
                client.receive(r);
                // the echoed question comes back with the client's own ID
                assertThat(java.util.Arrays.copyOf(r.getData(), r.getLength())).isEqualTo(q);
                q = query(0x1234, "x.slow.test");
                long t1 = System.nanoTime();
                client.send(new DatagramPacket(q, q.length, at));
                client.receive(r);
                assertThat((System.nanoTime() - t1) / 1_000_000).isGreaterThanOrEqualTo(DelayProxy.MIN_DELAY_MS);
                assertThat(r.getData()[0] & 0xff).isEqualTo(0x12);
                q = query(0x4321, "x.dead.test");
                client.send(new DatagramPacket(q, q.length, at));
                client.setSoTimeout(DelayProxy.MAX_DELAY_MS + 500);
                boolean answered;
                try {
                    client.receive(r);
                    answered = true;
                } catch (SocketTimeoutException e) {
                    answered = false;
                }
                assertThat(answered).isFalse();
                assertThat(proxy.forwarded()).isEqualTo(2);
                assertThat(proxy.delayed()).isEqualTo(1);
                assertThat(proxy.dropped()).isEqualTo(1);
                assertThat(t0).isPositive();
            }
        }
    }
}
