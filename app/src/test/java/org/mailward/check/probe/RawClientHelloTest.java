package org.mailward.check.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.check.world.ScriptedTls;

/** The hand-built ClientHellos, read back by the test world's independent ClientHello reader. */
class RawClientHelloTest {

    private final Random random = new Random(7);

    @Test
    void tls12HelloOffersDeflateTheSuitesAndTheRenegotiationScsv() throws Exception {
        byte[] b = RawClientHello.hello(0x0303, RawClientHello.TLS12_SUITES, new int[] {1, 0}, "mx.example.test", true, random);
        ScriptedTls.ClientHello h = ScriptedTls.readClientHello(new ByteArrayInputStream(b), new ByteArrayOutputStream()).orElseThrow();
        assertThat(h.sslv2()).isFalse();
        assertThat(h.version()).isEqualTo(0x0303);
        assertThat(h.compression()).containsExactly(1, 0);
        assertThat(h.suites()).hasSize(RawClientHello.TLS12_SUITES.length + 1).contains(0xc02b, 0x009e, 0x002f).endsWith(0x00ff);
        assertThat(h.offersTls13()).isFalse();
        assertThat(h.random()).isEqualTo(RawClientHello.clientRandom(b));
        // record length and handshake length agree with what was written
        assertThat(((b[3] & 0xff) << 8 | b[4] & 0xff)).isEqualTo(b.length - 5);
        assertThat(((b[6] & 0xff) << 16 | (b[7] & 0xff) << 8 | b[8] & 0xff)).isEqualTo(b.length - 9);
    }

    @Test
    void sslv3HelloHasVersion30AndNoExtensions() throws Exception {
        byte[] b = RawClientHello.sslv3(RawClientHello.SSL3_SUITES, random);
        assertThat(b[1]).isEqualTo((byte) 3);
        assertThat(b[2]).isEqualTo((byte) 0);
        ScriptedTls.ClientHello h = ScriptedTls.readClientHello(new ByteArrayInputStream(b), new ByteArrayOutputStream()).orElseThrow();
        assertThat(h.version()).isEqualTo(0x0300);
        assertThat(h.compression()).containsExactly(0);
        // 2 version + 32 random + 1 session id + 2 + suites + 1 + 1 compression: nothing after
        assertThat(b.length - 9).isEqualTo(2 + 32 + 1 + 2 + (RawClientHello.SSL3_SUITES.length + 1) * 2 + 2);
    }

    /** The world's ClientHello reader (what the scripted servers decide on) must never throw on garbage. */
    @Test
    void worldClientHelloReaderSurvivesFuzzedHellos() throws Exception {
        Random r = new Random(20261207L);
        byte[][] seeds = {RawClientHello.hello(0x0303, RawClientHello.TLS12_SUITES, new int[] {1, 0}, "mx.example.test", true, r),
            RawClientHello.sslv3(RawClientHello.SSL3_SUITES, r), RawClientHello.sslv2(r)};
        int read = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = seeds[r.nextInt(seeds.length)].clone();
            if (r.nextBoolean()) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            }
            for (int n = r.nextInt(4); n > 0 && b.length > 0; n--) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            if (ScriptedTls.readClientHello(new ByteArrayInputStream(b), new ByteArrayOutputStream()).isPresent()) {
                read++;
            }
        }
        assertThat(read).isBetween(100, 2999);
    }

    @Test
    void sslv2ClientHelloIsATwoByteHeaderRecord() throws Exception {
        byte[] b = RawClientHello.sslv2(random);
        assertThat(b[0] & 0x80).isNotZero();
        assertThat(((b[0] & 0x7f) << 8 | b[1] & 0xff)).isEqualTo(b.length - 2);
        assertThat(b[2]).isEqualTo((byte) 1);
        ScriptedTls.ClientHello h = ScriptedTls.readClientHello(new ByteArrayInputStream(b), new ByteArrayOutputStream()).orElseThrow();
        assertThat(h.sslv2()).isTrue();
        assertThat(b.length).isEqualTo(2 + 9 + RawClientHello.SSL2_CIPHER_KINDS.length * 3 + 16);
    }
}
