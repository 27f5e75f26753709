package org.mailward.check.probe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a server sent in answer to a {@link RawClientHello}, up to ServerHelloDone: the ServerHello (version, suite,
 * compression method, extension types), the Certificate chain and the ServerKeyExchange (DH prime size or named
 * curve, and the signature algorithm with the signed bytes). Or an SSL 2.0 SERVER-HELLO, an alert, or a close.
 *
 * <p>{@link #read} is a strict parser over untrusted bytes: every length is checked against what remains and against
 * fixed caps ({@link #MAX_BYTES} for the whole flight), anything else is a {@link Malformed} with a reason. It never
 * allocates more than the caps and never reads past the end of the flight, so a hostile server costs at most
 * {@code MAX_BYTES} and the socket's read timeout.
 *
 * @param kind         what the answer was
 * @param version      ServerHello version (0x0300 SSL 3.0 ... 0x0303 TLS 1.2; 0x0002 for SSL 2.0), -1 if none
 * @param serverRandom the ServerHello random (32 bytes), empty for SSL 2.0 and non-hellos
 * @param cipherSuite  the selected suite (for SSL 2.0 the first 3-byte cipher kind the server listed), -1 if none
 * @param compression  the selected compression method (RFC 5246 7.4.1.3; 0 = null), -1 if none
 * @param extensions   extension types present in the ServerHello, in order
 * @param chain        the certificates of the Certificate message (or of the SSL 2.0 SERVER-HELLO), leaf first
 * @param keyExchange  the ServerKeyExchange, if one was sent and understood
 * @param alert        the alert description (RFC 5246 7.2) when {@code kind} is ALERT, else -1
 */
public record ServerFlight(Kind kind, int version, byte[] serverRandom, int cipherSuite, int compression, List<Integer> extensions,
                           List<X509Certificate> chain, Optional<KeyExchange> keyExchange, int alert) {

    /** Caps: the whole flight, one record (RFC 5246 6.2.3: 2^14 + 2048), one handshake message. */
    public static final int MAX_BYTES = 256 * 1024;
    static final int MAX_RECORD = (1 << 14) + 2048;
    static final int MAX_MESSAGE = 128 * 1024;

    /** RFC 5746 3.2 renegotiation_info. */
    public static final int EXT_RENEGOTIATION_INFO = 0xff01;

    public enum Kind {
        /** A TLS/SSL 3.0 ServerHello was received (and what followed, up to ServerHelloDone). */
        HELLO,
        /** An SSL 2.0 SERVER-HELLO was received. */
        SSL2_HELLO,
        /** The server answered with an alert. */
        ALERT,
        /** The server closed the connection without a byte. */
        CLOSED
    }

    /**
     * A ServerKeyExchange (RFC 5246 7.4.3; RFC 8422 5.4 for ECDHE).
     *
     * @param dhBits             bit length of the finite-field prime, -1 for ECDHE
     * @param namedCurve         RFC 8422 NamedCurve id, -1 for DHE
     * @param signatureAlgorithm TLS 1.2 SignatureAndHashAlgorithm as {@code hash << 8 | signature}, -1 when the
     *                           message carries none (SSL 3.0 to TLS 1.1, anonymous suites)
     * @param params             the signed parameters (ServerDHParams / ServerECDHParams as sent)
     * @param signature          the signature bytes, empty when unsigned
     */
    public record KeyExchange(int dhBits, int namedCurve, int signatureAlgorithm, byte[] params, byte[] signature) {
        /** RFC 5246 7.4.1.4.1 HashAlgorithm: md5(1) or sha1(2). */
        public boolean weakHash() {
            int hash = signatureAlgorithm >>> 8;
            return signatureAlgorithm >= 0 && (hash == 1 || hash == 2);
        }

        /** e.g. {@code sha1/ecdsa}, {@code sha256/rsa}, {@code rsa_pss_rsae_sha256}. */
        public String signatureName() {
            return signatureAlgorithmName(signatureAlgorithm);
        }
    }

    /** The server's bytes do not form a valid answer. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message);
        }
    }

    public ServerFlight {
        serverRandom = serverRandom.clone();
        extensions = List.copyOf(extensions);
        chain = List.copyOf(chain);
    }

    public boolean hasExtension(int type) {
        return extensions.contains(type);
    }

    /**
     * Verifies the ServerKeyExchange signature (RFC 5246 7.4.3: over client_random + server_random + params) with the
     * leaf's key, for the algorithms this checker judges (SHA-1 and MD5 with RSA, ECDSA or DSA). Empty when there is
     * nothing to verify or the algorithm is not one of those.
     */
    public Optional<Boolean> verifyWeakSignature(byte[] clientRandom) {
        if (keyExchange.isEmpty() || chain.isEmpty() || !keyExchange.get().weakHash()) {
            return Optional.empty();
        }
        KeyExchange k = keyExchange.get();
        String hash = (k.signatureAlgorithm() >>> 8) == 1 ? "MD5" : "SHA1";
        String alg = switch (k.signatureAlgorithm() & 0xff) {
            case 1 -> hash + "withRSA";
            case 2 -> hash + "withDSA";
            case 3 -> hash + "withECDSA";
            default -> "";
        };
        if (alg.isEmpty()) {
            return Optional.empty();
        }
        try {
            PublicKey key = chain.get(0).getPublicKey();
            Signature s = Signature.getInstance(alg);
            s.initVerify(key);
            s.update(clientRandom);
            s.update(serverRandom);
            s.update(k.params());
            return Optional.of(s.verify(k.signature()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.of(false);
        }
    }

    /** Reads one answer from {@code in}. I/O failures (timeouts, resets) are thrown as they are. */
    public static ServerFlight read(InputStream raw) throws IOException, Malformed {
        Bounded in = new Bounded(raw, MAX_BYTES);
        int first = in.in.read();
        if (first < 0) {
            return new ServerFlight(Kind.CLOSED, -1, new byte[0], -1, -1, List.of(), List.of(), Optional.empty(), -1);
        }
        in.count = 1;
        if ((first & 0x80) != 0) {
            return readSsl2(first, in);
        }
        Handshakes hs = new Handshakes();
        int type = first;
        while (true) {
            int[] header = in.bytes(4);
            int version = header[0] << 8 | header[1];
            int length = header[2] << 8 | header[3];
            if (header[0] != 3) {
                throw new Malformed(String.format("record version %04x is not SSL 3.0/TLS", version));
            }
            if (length == 0 || length > MAX_RECORD) {
                throw new Malformed("record length " + length + " out of range");
            }
            byte[] fragment = in.raw(length);
            switch (type) {
                case 21 -> {
                    if (length != 2) {
                        throw new Malformed("alert record of " + length + " bytes");
                    }
                    if (hs.hello != null) {
                        return hs.flight();
                    }
                    return new ServerFlight(Kind.ALERT, -1, new byte[0], -1, -1, List.of(), List.of(), Optional.empty(), fragment[1] & 0xff);
                }
                case 22 -> {
                    if (hs.append(fragment)) {
                        return hs.flight();
                    }
                }
                case 20 -> {
                    // ChangeCipherSpec: an abbreviated handshake; nothing more in clear
                    if (hs.hello == null) {
                        throw new Malformed("ChangeCipherSpec before ServerHello");
                    }
                    return hs.flight();
                }
                default -> throw new Malformed("unexpected record type " + type);
            }
            int next = in.in.read();
            if (next < 0) {
                if (hs.hello != null) {
                    return hs.flight();
                }
                throw new Malformed("connection closed before ServerHello was complete");
            }
            in.count(1);
            type = next;
        }
    }

    /** SSL 2.0 SERVER-HELLO: session-id-hit, certificate type, version, lengths, certificate, cipher specs, connection id. */
    private static ServerFlight readSsl2(int first, Bounded in) throws IOException, Malformed {
        int length;
        int b1 = in.bytes(1)[0];
        length = (first & 0x7f) << 8 | b1;
        if (length < 11) {
            throw new Malformed("SSL 2.0 record of " + length + " bytes is too short for a SERVER-HELLO");
        }
        Reader r = new Reader(in.raw(length));
        int msg = r.u8();
        if (msg == 0) {
            // SSL 2.0 ERROR message: the server refuses
            return new ServerFlight(Kind.ALERT, -1, new byte[0], -1, -1, List.of(), List.of(), Optional.empty(), r.remaining() >= 2 ? r.u16() : -1);
        }
        if (msg != 4) {
            throw new Malformed("SSL 2.0 message type " + msg + " is not SERVER-HELLO");
        }
        r.u8(); // session id hit
        int certType = r.u8();
        int version = r.u16();
        int certLength = r.u16();
        int specsLength = r.u16();
        int connIdLength = r.u16();
        if (specsLength % 3 != 0) {
            throw new Malformed("SSL 2.0 cipher specs length " + specsLength + " is not a multiple of 3");
        }
        byte[] cert = r.bytes(certLength);
        byte[] specs = r.bytes(specsLength);
        r.bytes(connIdLength);
        if (r.remaining() != 0) {
            throw new Malformed("SSL 2.0 SERVER-HELLO has " + r.remaining() + " trailing bytes");
        }
        List<X509Certificate> chain = certType == 1 && certLength > 0 ? List.of(certificate(cert)) : List.of();
        int suite = specs.length >= 3 ? (specs[0] & 0xff) << 16 | (specs[1] & 0xff) << 8 | specs[2] & 0xff : -1;
        return new ServerFlight(Kind.SSL2_HELLO, version, new byte[0], suite, -1, List.of(), chain, Optional.empty(), -1);
    }

    /** Reassembles handshake messages across records and parses them in order. */
    private static final class Handshakes {
        /** Unparsed handshake bytes; grows geometrically, so many tiny records cost linear time. */
        byte[] pending = new byte[1024];
        int size;
        Hello hello;
        List<X509Certificate> chain = List.of();
        KeyExchange kx;

        /** Returns true when the flight is over (ServerHelloDone, or a TLS 1.3 ServerHello). */
        boolean append(byte[] fragment) throws Malformed {
            if (size + fragment.length > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + fragment.length));
            }
            System.arraycopy(fragment, 0, pending, size, fragment.length);
            size += fragment.length;
            int pos = 0;
            boolean done = false;
            while (!done && size - pos >= 4) {
                int type = pending[pos] & 0xff;
                int len = (pending[pos + 1] & 0xff) << 16 | (pending[pos + 2] & 0xff) << 8 | pending[pos + 3] & 0xff;
                if (len > MAX_MESSAGE) {
                    throw new Malformed("handshake message of " + len + " bytes");
                }
                if (size - pos - 4 < len) {
                    break;
                }
                done = message(type, Arrays.copyOfRange(pending, pos + 4, pos + 4 + len));
                pos += 4 + len;
            }
            if (done) {
                return true;
            }
            if (pos > 0) {
                System.arraycopy(pending, pos, pending, 0, size - pos);
                size -= pos;
            }
            return false;
        }

        boolean message(int type, byte[] body) throws Malformed {
            if (hello == null && type != 2) {
                throw new Malformed("handshake message " + type + " before ServerHello");
            }
            switch (type) {
                case 2 -> {
                    if (hello != null) {
                        throw new Malformed("second ServerHello");
                    }
                    hello = Hello.parse(body);
                    return hello.version >= 0x0304 || hello.supportedVersion >= 0x0304;
                }
                case 11 -> {
                    Reader r = new Reader(body);
                    Reader list = r.sub(r.u24());
                    r.end("Certificate");
                    List<X509Certificate> certs = new ArrayList<>();
                    while (list.remaining() > 0) {
                        if (certs.size() >= 20) {
                            throw new Malformed("more than 20 certificates");
                        }
                        certs.add(certificate(list.bytes(list.u24())));
                    }
                    chain = certs;
                    return false;
                }
                case 12 -> {
                    kx = keyExchange(body, hello);
                    return false;
                }
                case 13 -> {
                    return false; // CertificateRequest: not used here
                }
                case 14 -> {
                    if (body.length != 0) {
                        throw new Malformed("ServerHelloDone with a body");
                    }
                    return true;
                }
                case 22 -> {
                    return false; // CertificateStatus (RFC 6066 8)
                }
                default -> throw new Malformed("unexpected handshake message type " + type);
            }
        }

        ServerFlight flight() {
            return new ServerFlight(Kind.HELLO, hello.version, hello.random, hello.suite, hello.compression, hello.extensions, chain,
                    Optional.ofNullable(kx), -1);
        }
    }

    private record Hello(int version, byte[] random, int suite, int compression, List<Integer> extensions, int supportedVersion) {
        /** RFC 5246 7.4.1.3 ServerHello; RFC 8446 4.2.1 supported_versions for a TLS 1.3 answer. */
        static Hello parse(byte[] body) throws Malformed {
            Reader r = new Reader(body);
            int version = r.u16();
            if (version >> 8 != 3) {
                throw new Malformed(String.format("ServerHello version %04x", version));
            }
            byte[] random = r.bytes(32);
            int sid = r.u8();
            if (sid > 32) {
                throw new Malformed("session id of " + sid + " bytes");
            }
            r.bytes(sid);
            int suite = r.u16();
            int compression = r.u8();
            List<Integer> ext = new ArrayList<>();
            int supported = -1;
            if (r.remaining() > 0) {
                Reader e = r.sub(r.u16());
                while (e.remaining() > 0) {
                    int t = e.u16();
                    if (ext.contains(t)) {
                        throw new Malformed("extension " + t + " repeated");
                    }
                    ext.add(t);
                    Reader data = e.sub(e.u16());
                    if (t == 43) {
                        supported = data.u16();
                    }
                }
            }
            r.end("ServerHello");
            return new Hello(version, random, suite, compression, ext, supported);
        }
    }

    /** RFC 5246 7.4.3 ServerDHParams / RFC 8422 5.4 ServerECDHParams, then (TLS 1.2) SignatureAndHashAlgorithm and signature. */
    static KeyExchange keyExchange(byte[] body, Hello hello) throws Malformed {
        String suite = SmtpTlsProber.suiteName(hello.suite);
        boolean ec = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_ECDH_anon_");
        boolean dh = suite.startsWith("TLS_DHE_") || suite.startsWith("TLS_DH_anon_");
        boolean anon = suite.contains("_anon_");
        if (!ec && !dh) {
            throw new Malformed("ServerKeyExchange for " + suite + ", which has none");
        }
        Reader r = new Reader(body);
        int dhBits = -1;
        int curve = -1;
        if (dh) {
            byte[] p = r.bytes(r.u16());
            r.bytes(r.u16()); // g
            r.bytes(r.u16()); // Ys
            if (p.length == 0) {
                throw new Malformed("empty DH prime");
            }
            dhBits = new BigInteger(1, p).bitLength();
        } else {
            int curveType = r.u8();
            if (curveType != 3) {
                throw new Malformed("ECParameters curve type " + curveType + " (only named_curve is allowed, RFC 8422 5.4)");
            }
            curve = r.u16();
            if (r.bytes(r.u8()).length == 0) {
                throw new Malformed("empty ECDH point");
            }
        }
        byte[] params = Arrays.copyOfRange(body, 0, r.pos);
        int sigAlg = -1;
        byte[] sig = new byte[0];
        if (!anon) {
            if (hello.version >= 0x0303) {
                sigAlg = r.u16();
            }
            sig = r.bytes(r.u16());
            if (sig.length == 0) {
                throw new Malformed("empty ServerKeyExchange signature");
            }
        }
        r.end("ServerKeyExchange");
        return new KeyExchange(dhBits, curve, sigAlg, params, sig);
    }

    private static X509Certificate certificate(byte[] der) throws Malformed {
        if (der.length == 0) {
            throw new Malformed("empty certificate");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new Malformed("certificate not parseable: " + e.getMessage());
        }
    }

    static String signatureAlgorithmName(int a) {
        if (a < 0) {
            return "none";
        }
        return switch (a) {
            case 0x0804 -> "rsa_pss_rsae_sha256";
            case 0x0805 -> "rsa_pss_rsae_sha384";
            case 0x0806 -> "rsa_pss_rsae_sha512";
            case 0x0807 -> "ed25519";
            case 0x0808 -> "ed448";
            default -> {
                String hash = switch (a >>> 8) {
                    case 1 -> "md5";
                    case 2 -> "sha1";
                    case 3 -> "sha224";
                    case 4 -> "sha256";
                    case 5 -> "sha384";
                    case 6 -> "sha512";
                    default -> "hash" + (a >>> 8);
                };
                String sig = switch (a & 0xff) {
                    case 1 -> "rsa";
                    case 2 -> "dsa";
                    case 3 -> "ecdsa";
                    default -> "sig" + (a & 0xff);
                };
                yield hash + "/" + sig;
            }
        };
    }

    /** The stream, counting bytes against the flight cap. */
    private static final class Bounded {
        final InputStream in;
        final int cap;
        int count;

        Bounded(InputStream in, int cap) {
            this.in = in;
            this.cap = cap;
        }

        void count(int n) throws Malformed {
            count += n;
            if (count > cap) {
                throw new Malformed("server sent more than " + cap + " bytes before ServerHelloDone");
            }
        }

        byte[] raw(int n) throws IOException, Malformed {
            count(n);
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new Malformed("connection closed mid-record (" + b.length + " of " + n + " bytes)");
            }
            return b;
        }

        int[] bytes(int n) throws IOException, Malformed {
            byte[] b = raw(n);
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = b[i] & 0xff;
            }
            return r;
        }
    }

    /** A cursor over a message body; every read is length-checked. */
    private static final class Reader {
        final byte[] b;
        final int end;
        int pos;

        Reader(byte[] b) {
            this(b, 0, b.length);
        }

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        void need(int n) throws Malformed {
            if (n < 0 || n > remaining()) {
                throw new Malformed("length " + n + " exceeds the " + remaining() + " bytes left");
            }
        }

        int u8() throws Malformed {
            need(1);
            return b[pos++] & 0xff;
        }

        int u16() throws Malformed {
            need(2);
            int v = (b[pos] & 0xff) << 8 | b[pos + 1] & 0xff;
            pos += 2;
            return v;
        }

        int u24() throws Malformed {
            need(3);
            int v = (b[pos] & 0xff) << 16 | (b[pos + 1] & 0xff) << 8 | b[pos + 2] & 0xff;
            pos += 3;
            return v;
        }

        byte[] bytes(int n) throws Malformed {
            need(n);
            byte[] r = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return r;
        }

        Reader sub(int n) throws Malformed {
            need(n);
            Reader r = new Reader(b, pos, pos + n);
            pos += n;
            return r;
        }

        void end(String what) throws Malformed {
            if (remaining() != 0) {
                throw new Malformed(what + " has " + remaining() + " trailing bytes");
            }
        }
    }
}
