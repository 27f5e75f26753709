package org.mailward.check.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailward.check.world.ScriptedTls;
import org.mailward.check.world.TestCerts;

/** The ServerHello ... ServerHelloDone parser of the hand-built-hello probes, on well-formed, malformed and fuzzed input. */
class ServerFlightTest {

    private static TestCerts.Identity id;
    private static final byte[] CLIENT_RANDOM = new byte[32];

    @BeforeAll
    static void certs() throws Exception {
        Instant now = Instant.now();
        TestCerts.Identity ca = TestCerts.ca("Flight CA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        id = TestCerts.leaf(ca, List.of("mx.flight.test"), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), TestCerts.ec(), "SHA256withECDSA");
        Arrays.fill(CLIENT_RANDOM, (byte) 7);
    }

    /** TLS 1.2, ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, DEFLATE, renegotiation_info, key exchange signed with SHA-1/ECDSA. */
    private static byte[] ecdheFlight(int compression, String sigAlg, int sigCode) throws Exception {
        byte[] serverRandom = new byte[32];
        Arrays.fill(serverRandom, (byte) 9);
        byte[] params = ScriptedTls.ecdheParams();
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        hs.writeBytes(ScriptedTls.handshake(2, ScriptedTls.serverHello(0x0303, serverRandom, 0xc02b, compression, true)));
        hs.writeBytes(ScriptedTls.handshake(11, ScriptedTls.certificate(id.chain())));
        hs.writeBytes(ScriptedTls.handshake(12, ScriptedTls.keyExchange(params, sigCode, ScriptedTls.sign(sigAlg, id, CLIENT_RANDOM, serverRandom, params))));
        hs.writeBytes(ScriptedTls.handshake(14, new byte[0]));
        return hs.toByteArray();
    }

    private static byte[] dheFlight() throws Exception {
        byte[] serverRandom = new byte[32];
        byte[] params = ScriptedTls.dhParams1024();
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        hs.writeBytes(ScriptedTls.handshake(2, ScriptedTls.serverHello(0x0303, serverRandom, 0x009e, 0, false)));
        hs.writeBytes(ScriptedTls.handshake(11, ScriptedTls.certificate(id.chain())));
        hs.writeBytes(ScriptedTls.handshake(12, ScriptedTls.keyExchange(params, 0x0401, new byte[] {1, 2, 3})));
        hs.writeBytes(ScriptedTls.handshake(14, new byte[0]));
        return ScriptedTls.record(22, 0x0303, hs.toByteArray());
    }

    private static ServerFlight parse(byte[] b) throws Exception {
        return ServerFlight.read(new ByteArrayInputStream(b));
    }

    @Test
    void readsHelloCertificateAndSha1KeyExchange() throws Exception {
        ServerFlight f = parse(ScriptedTls.record(22, 0x0303, ecdheFlight(1, "SHA1withECDSA", 0x0203)));
        assertThat(f.kind()).isEqualTo(ServerFlight.Kind.HELLO);
        assertThat(f.version()).isEqualTo(0x0303);
        assertThat(f.cipherSuite()).isEqualTo(0xc02b);
        assertThat(f.compression()).isEqualTo(1);
        assertThat(f.hasExtension(ServerFlight.EXT_RENEGOTIATION_INFO)).isTrue();
        assertThat(f.chain()).containsExactlyElementsOf(id.chain());
        ServerFlight.KeyExchange k = f.keyExchange().orElseThrow();
        assertThat(k.namedCurve()).isEqualTo(23);
        assertThat(k.dhBits()).isEqualTo(-1);
        assertThat(k.signatureName()).isEqualTo("sha1/ecdsa");
        assertThat(k.weakHash()).isTrue();
        assertThat(f.verifyWeakSignature(CLIENT_RANDOM)).contains(true);
        byte[] otherRandom = CLIENT_RANDOM.clone();
        otherRandom[0] ^= 1;
        assertThat(f.verifyWeakSignature(otherRandom)).contains(false);
    }

    @Test
    void sha256SignatureIsNotWeakAndNotVerified() throws Exception {
        ServerFlight f = parse(ScriptedTls.record(22, 0x0303, ecdheFlight(0, "SHA256withECDSA", 0x0403)));
        assertThat(f.compression()).isZero();
        assertThat(f.keyExchange().orElseThrow().weakHash()).isFalse();
        assertThat(f.verifyWeakSignature(CLIENT_RANDOM)).isEmpty();
    }

    @Test
    void readsDhPrimeSizeAndMissingRenegotiationInfo() throws Exception {
        ServerFlight f = parse(dheFlight());
        assertThat(f.keyExchange().orElseThrow().dhBits()).isEqualTo(1024);
        assertThat(f.keyExchange().orElseThrow().signatureName()).isEqualTo("sha256/rsa");
        assertThat(f.hasExtension(ServerFlight.EXT_RENEGOTIATION_INFO)).isFalse();
    }

    @Test
    void reassemblesMessagesSplitAcrossRecords() throws Exception {
        byte[] hs = ecdheFlight(0, "SHA1withECDSA", 0x0203);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < hs.length; off += 100) {
            out.writeBytes(ScriptedTls.record(22, 0x0303, Arrays.copyOfRange(hs, off, Math.min(hs.length, off + 100))));
        }
        ServerFlight f = parse(out.toByteArray());
        assertThat(f.chain()).hasSize(id.chain().size());
        assertThat(f.verifyWeakSignature(CLIENT_RANDOM)).contains(true);
    }

    @Test
    void readsSsl2ServerHelloAlertAndClose() throws Exception {
        ServerFlight v2 = parse(ScriptedTls.sslv2ServerHello(id.chain().get(0), new int[] {0x0700c0, 0x010080}));
        assertThat(v2.kind()).isEqualTo(ServerFlight.Kind.SSL2_HELLO);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.cipherSuite()).isEqualTo(0x0700c0);
        assertThat(v2.chain()).containsExactly(id.chain().get(0));
        ServerFlight alert = parse(new byte[] {21, 3, 3, 0, 2, 2, 40});
        assertThat(alert.kind()).isEqualTo(ServerFlight.Kind.ALERT);
        assertThat(alert.alert()).isEqualTo(40);
        assertThat(parse(new byte[0]).kind()).isEqualTo(ServerFlight.Kind.CLOSED);
    }

    @Test
    void rejectsMalformedAnswersWithAReason() throws Exception {
        byte[] good = ScriptedTls.record(22, 0x0303, ecdheFlight(0, "SHA1withECDSA", 0x0203));
        assertMalformed(Arrays.copyOf(good, 200), "closed mid-record");
        assertMalformed(new byte[] {22, 2, 3, 0, 4, 2, 0, 0, 0}, "record version");
        assertMalformed(new byte[] {22, 3, 3, 0, 0}, "record length 0");
        assertMalformed(new byte[] {22, 3, 3, (byte) 0xff, (byte) 0xff}, "record length 65535");
        assertMalformed(new byte[] {23, 3, 3, 0, 1, 0}, "unexpected record type 23");
        assertMalformed(ScriptedTls.record(22, 0x0303, ScriptedTls.handshake(11, ScriptedTls.certificate(id.chain()))), "before ServerHello");
        byte[] hello = ScriptedTls.serverHello(0x0303, new byte[32], 0xc02b, 0, true);
        assertMalformed(ScriptedTls.record(22, 0x0303, ScriptedTls.handshake(2, Arrays.copyOf(hello, hello.length + 1))), "trailing");
        assertMalformed(ScriptedTls.record(22, 0x0303, concat(ScriptedTls.handshake(2, ScriptedTls.serverHello(0x0303, new byte[32], 0x009c, 0, true)),
                ScriptedTls.handshake(12, new byte[] {0, 1, 1}))), "has none");
        assertMalformed(new byte[] {(byte) 0x80, 5, 4, 0, 1, 0, 2}, "too short");
        // a server that never sends ServerHelloDone but keeps sending handshake bytes is cut at the flight cap
        ByteArrayOutputStream endless = new ByteArrayOutputStream();
        endless.writeBytes(ScriptedTls.record(22, 0x0303, ScriptedTls.handshake(2, hello)));
        byte[] status = ScriptedTls.record(22, 0x0303, ScriptedTls.handshake(22, new byte[16000]));
        while (endless.size() <= ServerFlight.MAX_BYTES) {
            endless.writeBytes(status);
        }
        assertMalformed(endless.toByteArray(), "more than");
        // ... also when it drips one-byte records into one large message
        ByteArrayOutputStream drip = new ByteArrayOutputStream();
        drip.writeBytes(ScriptedTls.record(22, 0x0303, ScriptedTls.handshake(2, hello)));
        drip.writeBytes(new byte[] {22, 3, 3, 0, 4, 22, 1, (byte) 0xff, (byte) 0xff});
        while (drip.size() <= ServerFlight.MAX_BYTES) {
            drip.writeBytes(new byte[] {22, 3, 3, 0, 1, 0});
        }
        assertMalformed(drip.toByteArray(), "more than");
    }

    @Test
    void fuzzedAnswersParseOrFailCleanly() throws Exception {
        List<byte[]> seeds = List.of(ScriptedTls.record(22, 0x0303, ecdheFlight(1, "SHA1withECDSA", 0x0203)), dheFlight(),
                ScriptedTls.sslv2ServerHello(id.chain().get(0), new int[] {0x0700c0}), new byte[] {21, 3, 3, 0, 2, 2, 40});
        Random random = new Random(20261206L);
        int parsed = 0;
        int malformed = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] b = mutate(seeds.get(random.nextInt(seeds.size())), random);
            try (InputStream in = new ByteArrayInputStream(b)) {
                ServerFlight.read(in);
                parsed++;
            } catch (ServerFlight.Malformed e) {
                assertThat(e.getMessage()).isNotBlank();
                malformed++;
            } catch (IOException | RuntimeException e) {
                fail("input " + i + " (" + b.length + " bytes) threw " + e, e);
            }
        }
        // the mutations must exercise both outcomes, or the fuzzing tests nothing
        assertThat(parsed).isGreaterThan(100);
        assertThat(malformed).isGreaterThan(1000);
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        switch (r.nextInt(5)) {
            case 0 -> {
                for (int n = r.nextInt(4) + 1; n > 0; n--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 2 -> {
                int at = r.nextInt(Math.max(1, b.length - 1));
                b[at] = (byte) 0xff;
                if (at + 1 < b.length) {
                    b[at + 1] = (byte) r.nextInt(256);
                }
            }
            case 3 -> {
                b = new byte[r.nextInt(300)];
                r.nextBytes(b);
                if (b.length > 0 && r.nextBoolean()) {
                    b[0] = 22;
                }
            }
            default -> {
                // keep the bytes as they are: well-formed seeds must parse
            }
        }
        return b;
    }

    private static void assertMalformed(byte[] b, String reason) {
        assertThatThrownBy(() -> parse(b)).isInstanceOf(ServerFlight.Malformed.class).hasMessageContaining(reason);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
