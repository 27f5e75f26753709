package org.mailward.check.world;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Server-side TLS bytes written by hand, for misbehaving servers no maintained TLS stack will emulate (SSL 2.0,
 * DEFLATE compression, no renegotiation_info, 1024-bit DH groups). The scripted server answers a ClientHello with a
 * first flight (ServerHello, Certificate, ServerKeyExchange, ServerHelloDone) whose key exchange is really signed with
 * the server's key; it never completes a handshake. Also a small ClientHello reader, so a scripted server answers
 * only the hellos its misbehaviour applies to and hands all others to a real TLS stack.
 */
public final class ScriptedTls {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ScriptedTls() {
    }

    /** What a scripted server does with a ClientHello it is responsible for. */
    public enum Misbehaviour {
        /** Agrees to an SSL 2.0 CLIENT-HELLO with a SERVER-HELLO. */
        SSL2,
        /** Selects DEFLATE when the client offers it. */
        COMPRESSION,
        /** Answers every TLS 1.0-1.2 hello without renegotiation_info (no RFC 5746). */
        NO_RENEGOTIATION_INFO,
        /** Answers a DHE-only offer with a 1024-bit group (RFC 2409 group 2). */
        DH_1024,
        /** Answers a TLS 1.2 hello offering DEFLATE (the prober's hand-built one) with ECDHE on secp224r1. */
        CURVE_P224;

        /** Whether this server scripts its answer to {@code hello}; otherwise the real TLS stack answers. */
        public boolean applies(ClientHello hello) {
            return switch (this) {
                case SSL2 -> hello.sslv2();
                case COMPRESSION -> !hello.sslv2() && hello.compression().stream().anyMatch(c -> c != 0);
                case NO_RENEGOTIATION_INFO -> !hello.sslv2() && hello.version() >= 0x0301 && !hello.offersTls13();
                case DH_1024 -> !hello.sslv2() && hello.version() >= 0x0301 && !hello.offersTls13() && hello.suites().stream().anyMatch(ScriptedTls::dhe)
                        && hello.suites().stream().noneMatch(s -> s >= 0xc000 && s <= 0xc0ff || s >= 0xcca8 && s <= 0xccae && s != 0xccaa);
                case CURVE_P224 -> !hello.sslv2() && hello.version() == 0x0303 && hello.compression().stream().anyMatch(c -> c != 0);
            };
        }

        /** The scripted answer; {@code id} is the server's identity (its key signs the key exchange). */
        public byte[] answer(ClientHello hello, TestCerts.Identity id) throws Exception {
            return switch (this) {
                case SSL2 -> sslv2ServerHello(id.chain().get(0), new int[] {0x0700c0});
                case COMPRESSION -> flight(hello, id, 1, true, false);
                case NO_RENEGOTIATION_INFO -> flight(hello, id, 0, false, false);
                case DH_1024 -> flight(hello, id, 0, true, true);
                case CURVE_P224 -> flight(hello, id, 0, true, false, p224Params());
            };
        }
    }

    /** The parts of a ClientHello a scripted server decides on (RFC 5246 7.4.1.2; SSL 2.0 CLIENT-HELLO). */
    public record ClientHello(boolean sslv2, int version, byte[] random, List<Integer> suites, List<Integer> compression, boolean offersTls13,
                              byte[] raw) {
    }

    /**
     * Reads the first record after STARTTLS (bounded: one record of at most 2^14 + 2048 bytes) and parses it as a
     * ClientHello. Returns empty when it is not one (the bytes read are still in {@code raw} of nothing: the caller
     * closes the connection).
     */
    public static Optional<ClientHello> readClientHello(InputStream in, ByteArrayOutputStream consumed) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            return Optional.empty();
        }
        consumed.write(b0);
        consumed.write(b1);
        if ((b0 & 0x80) != 0) {
            int len = (b0 & 0x7f) << 8 | b1;
            byte[] body = in.readNBytes(len);
            consumed.writeBytes(body);
            if (body.length < 9 || body[0] != 1) {
                return Optional.empty();
            }
            int version = (body[1] & 0xff) << 8 | body[2] & 0xff;
            return Optional.of(new ClientHello(version == 0x0002, version, new byte[0], List.of(), List.of(), false, consumed.toByteArray()));
        }
        byte[] rest = in.readNBytes(3);
        consumed.writeBytes(rest);
        if (rest.length < 3 || b0 != 22) {
            return Optional.empty();
        }
        int len = (rest[1] & 0xff) << 8 | rest[2] & 0xff;
        if (len > (1 << 14) + 2048) {
            return Optional.empty();
        }
        byte[] body = in.readNBytes(len);
        consumed.writeBytes(body);
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
            if (b.get() != 1) {
                return Optional.empty();
            }
            b.position(4);
            int version = b.getShort() & 0xffff;
            byte[] random = new byte[32];
            b.get(random);
            int sessionId = b.get() & 0xff;
            b.position(b.position() + sessionId);
            int n = b.getShort() & 0xffff;
            List<Integer> suites = new ArrayList<>();
            for (int i = 0; i < n / 2; i++) {
                suites.add(b.getShort() & 0xffff);
            }
            int m = b.get() & 0xff;
            List<Integer> comp = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                comp.add(b.get() & 0xff);
            }
            boolean tls13 = false;
            if (b.remaining() >= 2) {
                int end = (b.getShort() & 0xffff) + b.position();
                while (b.position() + 4 <= end) {
                    int type = b.getShort() & 0xffff;
                    int l = b.getShort() & 0xffff;
                    byte[] data = new byte[l];
                    b.get(data);
                    if (type == 43) { // supported_versions (RFC 8446 4.2.1)
                        for (int i = 1; i + 1 < data.length; i += 2) {
                            tls13 |= data[i] == 3 && data[i + 1] == 4;
                        }
                    }
                }
            }
            return Optional.of(new ClientHello(false, version, random, suites, comp, tls13, consumed.toByteArray()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static boolean dhe(int suite) {
        return List.of(0x009e, 0x009f, 0xccaa, 0x0067, 0x006b, 0x0033, 0x0039, 0x0016).contains(suite);
    }

    /**
     * ServerHello + Certificate + ServerKeyExchange + ServerHelloDone for a TLS 1.0-1.2 hello: ECDHE on secp256r1
     * (or DHE with the 1024-bit RFC 2409 group when {@code dh1024}), signed with SHA-256 by the identity's key.
     */
    static byte[] flight(ClientHello hello, TestCerts.Identity id, int compression, boolean renegotiationInfo, boolean dh1024) throws Exception {
        return flight(hello, id, compression, renegotiationInfo, dh1024, dh1024 ? dhParams1024() : ecdheParams());
    }

    /** As above with the given ServerECDHParams / ServerDHParams. */
    static byte[] flight(ClientHello hello, TestCerts.Identity id, int compression, boolean renegotiationInfo, boolean dh1024, byte[] params)
            throws Exception {
        int version = Math.min(hello.version(), 0x0303);
        boolean rsa = id.key().getAlgorithm().equals("RSA");
        int suite;
        if (dh1024) {
            suite = hello.suites().stream().filter(ScriptedTls::dhe).findFirst().orElse(0x0033);
        } else {
            List<Integer> mine = rsa ? List.of(0xc02f, 0xc013) : List.of(0xc02b, 0xc009);
            suite = mine.stream().filter(hello.suites()::contains).filter(x -> version == 0x0303 || x == 0xc013 || x == 0xc009).findFirst()
                    .orElse(mine.get(1));
        }
        byte[] serverRandom = new byte[32];
        RANDOM.nextBytes(serverRandom);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(handshake(2, serverHello(version, serverRandom, suite, compression, renegotiationInfo)));
        out.writeBytes(handshake(11, certificate(id.chain())));
        int sigAlg = rsa ? 0x0401 : 0x0403;
        out.writeBytes(handshake(12, keyExchange(params, version == 0x0303 ? sigAlg : -1,
                sign(rsa ? "SHA256withRSA" : "SHA256withECDSA", id, hello.random(), serverRandom, params))));
        out.writeBytes(handshake(14, new byte[0]));
        return record(22, version, out.toByteArray());
    }

    /** RFC 5246 7.4.1.3 ServerHello body with an empty session id. */
    public static byte[] serverHello(int version, byte[] random, int suite, int compression, boolean renegotiationInfo) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, version);
        b.writeBytes(random);
        b.write(0);
        u16(b, suite);
        b.write(compression);
        if (renegotiationInfo) {
            u16(b, 5);
            u16(b, 0xff01); // RFC 5746 3.2: empty renegotiated_connection on the first handshake
            u16(b, 1);
            b.write(0);
        }
        return b.toByteArray();
    }

    /** RFC 5246 7.4.2 Certificate body. */
    public static byte[] certificate(List<X509Certificate> chain) throws CertificateEncodingException {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (X509Certificate c : chain) {
            byte[] der = c.getEncoded();
            u24(list, der.length);
            list.writeBytes(der);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u24(b, list.size());
        b.writeBytes(list.toByteArray());
        return b.toByteArray();
    }

    /** RFC 5246 7.4.3 ServerKeyExchange body: params, then (sigAlg >= 0: TLS 1.2) SignatureAndHashAlgorithm, signature. */
    public static byte[] keyExchange(byte[] params, int sigAlg, byte[] signature) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(params);
        if (sigAlg >= 0) {
            u16(b, sigAlg);
        }
        u16(b, signature.length);
        b.writeBytes(signature);
        return b.toByteArray();
    }

    /** RFC 8422 5.4 ServerECDHParams: named_curve secp256r1 and a fresh uncompressed point. */
    public static byte[] ecdheParams() throws Exception {
        KeyPair kp = TestCerts.ec();
        ECPublicKey pub = (ECPublicKey) kp.getPublic();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(3);
        u16(b, 23);
        b.write(65);
        b.write(4);
        b.writeBytes(fixed(pub.getW().getAffineX(), 32));
        b.writeBytes(fixed(pub.getW().getAffineY(), 32));
        return b.toByteArray();
    }

    /** RFC 8422 5.4 ServerECDHParams on secp224r1 (NamedCurve 21) with a fresh point (the JDK no longer has the curve: BC math). */
    public static byte[] p224Params() {
        org.bouncycastle.asn1.x9.X9ECParameters curve = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("secp224r1");
        BigInteger k = new BigInteger(curve.getN().bitLength() - 1, RANDOM).add(BigInteger.ONE);
        byte[] point = curve.getG().multiply(k).normalize().getEncoded(false);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(3);
        u16(b, 21);
        b.write(point.length);
        b.writeBytes(point);
        return b.toByteArray();
    }

    /** RFC 5246 7.4.3 ServerDHParams with the 1024-bit MODP group of RFC 2409 6.2 and a fresh public value. */
    public static byte[] dhParams1024() {
        BigInteger p = org.bouncycastle.crypto.agreement.DHStandardGroups.rfc2409_1024.getP();
        BigInteger g = org.bouncycastle.crypto.agreement.DHStandardGroups.rfc2409_1024.getG();
        BigInteger ys = g.modPow(new BigInteger(160, RANDOM).setBit(159), p);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (BigInteger v : List.of(p, g, ys)) {
            byte[] x = fixed(v, (v.bitLength() + 7) / 8);
            u16(b, x.length);
            b.writeBytes(x);
        }
        return b.toByteArray();
    }

    /** The RFC 5246 7.4.3 signature over client_random + server_random + params. */
    public static byte[] sign(String alg, TestCerts.Identity id, byte[] clientRandom, byte[] serverRandom, byte[] params) throws Exception {
        Signature s = Signature.getInstance(alg);
        s.initSign(id.key());
        s.update(clientRandom);
        s.update(serverRandom);
        s.update(params);
        return s.sign();
    }

    /** An SSL 2.0 SERVER-HELLO (session id miss, X.509 certificate, version 0x0002, the cipher kinds, a 16-byte connection id). */
    public static byte[] sslv2ServerHello(X509Certificate cert, int[] kinds) throws CertificateEncodingException {
        byte[] der = cert.getEncoded();
        byte[] connId = new byte[16];
        RANDOM.nextBytes(connId);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(4);
        b.write(0);
        b.write(1);
        u16(b, 0x0002);
        u16(b, der.length);
        u16(b, kinds.length * 3);
        u16(b, connId.length);
        b.writeBytes(der);
        for (int k : kinds) {
            u24(b, k);
        }
        b.writeBytes(connId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, 0x8000 | b.size());
        out.writeBytes(b.toByteArray());
        return out.toByteArray();
    }

    /** A handshake message: type, 24-bit length, body. */
    public static byte[] handshake(int type, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(type);
        u24(b, body.length);
        b.writeBytes(body);
        return b.toByteArray();
    }

    /** One record (or several, when {@code body} exceeds 2^14 bytes). */
    public static byte[] record(int type, int version, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int off = 0; off < body.length || off == 0; off += 1 << 14) {
            int n = Math.min(1 << 14, body.length - off);
            b.write(type);
            u16(b, version);
            u16(b, n);
            b.write(body, off, n);
            if (body.length == 0) {
                break;
            }
        }
        return b.toByteArray();
    }

    private static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length == len) {
            return b;
        }
        byte[] r = new byte[len];
        int n = Math.min(b.length, len);
        System.arraycopy(b, b.length - n, r, len - n, n);
        return r;
    }

    private static void u16(ByteArrayOutputStream b, int v) {
        b.write(v >>> 8);
        b.write(v);
    }

    private static void u24(ByteArrayOutputStream b, int v) {
        b.write(v >>> 16);
        b.write(v >>> 8);
        b.write(v);
    }
}
