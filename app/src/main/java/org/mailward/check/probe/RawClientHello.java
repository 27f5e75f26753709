package org.mailward.check.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;

/**
 * Hand-built ClientHellos for what no maintained TLS stack will send any more: an SSL 2.0 CLIENT-HELLO, an SSL 3.0
 * ClientHello, and TLS 1.2 ClientHellos that offer DEFLATE compression or SHA-1/MD5 signature algorithms. The server's
 * answer is read by {@link ServerFlight}; no handshake is ever completed with these bytes.
 */
public final class RawClientHello {

    /** TLS 1.2 ClientHello offering ECDHE, DHE and static-RSA suites, DEFLATE, and SHA-2 then SHA-1/MD5 signatures. */
    public static final int[] TLS12_SUITES = {
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc023, 0xc027, 0xc009, 0xc013, 0xc00a, 0xc014, // ECDHE
        0x009e, 0x009f, 0xccaa, 0x0067, 0x0033, 0x0039, 0x0016,                                     // DHE_RSA
        0x009c, 0x009d, 0x003c, 0x002f, 0x0035, 0x000a                                              // static RSA
    };
    /** DHE_RSA and DHE_DSS suites only: the server must send finite-field DH parameters or refuse. */
    public static final int[] DHE_SUITES = {0x009e, 0x009f, 0xccaa, 0x0067, 0x006b, 0x0033, 0x0039, 0x0016, 0x00a2, 0x0032, 0x0038, 0x0013};
    /** Suites an SSL 3.0 server could pick (RFC 6101 appendix A.6 and the AES suites of RFC 3268). */
    public static final int[] SSL3_SUITES = {0x002f, 0x0035, 0x0033, 0x0039, 0x000a, 0x0016, 0x0005, 0x0004, 0x0009, 0x0015};
    /** SSL 2.0 cipher kinds (3 bytes each): RC4_128_WITH_MD5, RC2_128_CBC_WITH_MD5, DES_192_EDE3_CBC_WITH_MD5, DES_64_CBC_WITH_MD5, the two EXPORT40 kinds. */
    public static final int[] SSL2_CIPHER_KINDS = {0x010080, 0x030080, 0x0700c0, 0x060040, 0x020080, 0x040080};

    /** RFC 5246 7.4.1.4.1 SignatureAndHashAlgorithm, SHA-2 first (RFC 8446 4.2.3 codes for PSS), then SHA-1 and MD5. */
    static final int[] SIGNATURE_ALGORITHMS = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0402,
        0x0203, 0x0201, 0x0202, 0x0101};
    /**
     * RFC 8422 5.1.1 / RFC 7919: x25519, secp256r1, secp384r1, secp521r1, x448, brainpoolP256/384/512r1 (RFC 7027),
     * ffdhe2048..8192, then, last, curves outside the NCSC list (secp256k1, secp224r1, secp192r1): a server that
     * chooses one of those although better ones were offered first is found by CHECKS.md TLS-WEAK-DH.
     */
    static final int[] GROUPS = {29, 23, 24, 25, 30, 26, 27, 28, 256, 257, 258, 259, 260, 22, 21, 19};

    /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3): a server that supports secure renegotiation must answer with renegotiation_info. */
    static final int RENEGOTIATION_SCSV = 0x00ff;

    private RawClientHello() {
    }

    /**
     * An SSL 2.0 CLIENT-HELLO (SSL 2.0 draft, section "Client Only Protocol Messages"; RFC 6101 E.2 for the record
     * header): 2-byte header with the high bit set, msg type 1, version 0x0002, cipher kinds, no session id, a 16-byte
     * challenge.
     */
    public static byte[] sslv2(RandomGenerator random) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] challenge = new byte[16];
        random.nextBytes(challenge);
        body.write(1);
        u16(body, 0x0002);
        u16(body, SSL2_CIPHER_KINDS.length * 3);
        u16(body, 0);
        u16(body, challenge.length);
        for (int k : SSL2_CIPHER_KINDS) {
            body.write(k >>> 16);
            body.write(k >>> 8);
            body.write(k);
        }
        body.writeBytes(challenge);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, 0x8000 | b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** An SSL 3.0 ClientHello (RFC 6101 5.6.1.2) with the given suites and no extensions. */
    public static byte[] sslv3(int[] suites, RandomGenerator random) {
        return hello(0x0300, suites, new int[] {0}, "", false, random);
    }

    /**
     * A TLS ClientHello (RFC 5246 7.4.1.2) with version {@code version} (0x0303 = TLS 1.2), the suites plus the
     * renegotiation SCSV, the compression methods (1 = DEFLATE, RFC 3749), and extensions: server_name (when
     * {@code sni} is not empty), supported_groups, ec_point_formats, signature_algorithms (when {@code extensions}).
     */
    public static byte[] hello(int version, int[] suites, int[] compression, String sni, boolean extensions, RandomGenerator random) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        byte[] rnd = new byte[32];
        random.nextBytes(rnd);
        body.writeBytes(rnd);
        body.write(0); // no session id
        u16(body, (suites.length + 1) * 2);
        for (int s : suites) {
            u16(body, s);
        }
        u16(body, RENEGOTIATION_SCSV);
        body.write(compression.length);
        for (int c : compression) {
            body.write(c);
        }
        if (extensions) {
            ByteArrayOutputStream ext = new ByteArrayOutputStream();
            if (!sni.isEmpty()) {
                byte[] name = sni.getBytes(StandardCharsets.US_ASCII);
                // RFC 6066 3: ServerNameList { NameType host_name(0), HostName }
                u16(ext, 0);
                u16(ext, name.length + 5);
                u16(ext, name.length + 3);
                ext.write(0);
                u16(ext, name.length);
                ext.writeBytes(name);
            }
            u16(ext, 10); // supported_groups
            u16(ext, GROUPS.length * 2 + 2);
            u16(ext, GROUPS.length * 2);
            for (int g : GROUPS) {
                u16(ext, g);
            }
            u16(ext, 11); // ec_point_formats: uncompressed
            u16(ext, 2);
            ext.write(1);
            ext.write(0);
            u16(ext, 13); // signature_algorithms
            u16(ext, SIGNATURE_ALGORITHMS.length * 2 + 2);
            u16(ext, SIGNATURE_ALGORITHMS.length * 2);
            for (int a : SIGNATURE_ALGORITHMS) {
                u16(ext, a);
            }
            byte[] e = ext.toByteArray();
            u16(body, e.length);
            body.writeBytes(e);
        }
        byte[] b = body.toByteArray();
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        hs.write(1); // client_hello
        hs.write(b.length >>> 16);
        u16(hs, b.length & 0xffff);
        hs.writeBytes(b);
        byte[] h = hs.toByteArray();
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.write(22);
        // RFC 5246 E.1: the record layer version of the first ClientHello is {03,00} or {03,01} for compatibility.
        u16(rec, version == 0x0300 ? 0x0300 : 0x0301);
        u16(rec, h.length);
        rec.writeBytes(h);
        return rec.toByteArray();
    }

    /** The 32-byte client random of a ClientHello made by {@link #hello}: needed to verify the ServerKeyExchange signature. */
    public static byte[] clientRandom(byte[] record) {
        return java.util.Arrays.copyOfRange(record, 11, 43);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }
}
