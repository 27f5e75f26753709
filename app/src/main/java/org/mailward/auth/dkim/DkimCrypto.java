package org.mailward.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The signature arithmetic: RSA with SHA-1/SHA-256 (RFC 6376 3.3.1/3.3.2: RSASSA-PKCS1-v1_5 over the header hash
 * input) and Ed25519 (RFC 8463 3: PureEdDSA over the SHA-256 hash of the header hash input), plus public-key
 * decoding from p= (SubjectPublicKeyInfo or bare RSAPublicKey for RSA, RFC 6376 3.6.1; the raw 32-byte key for
 * Ed25519, RFC 8463 4.2).
 */
public final class DkimCrypto {

    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] RSA_ALG_ID = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

    private DkimCrypto() {
    }

    /** Verifies {@code signature} over the header hash input {@code data}. Never throws on bad keys or data. */
    public static boolean verify(DkimAlgorithm alg, PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = verifier(alg);
            s.initVerify(key);
            s.update(alg == DkimAlgorithm.ED25519_SHA256 ? sha256(data) : data);
            return s.verify(signature);
        } catch (InvalidKeyException | SignatureException | RuntimeException e) {
            return false;
        }
    }

    /** Signs the header hash input. */
    public static byte[] sign(DkimAlgorithm alg, PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature s = verifier(alg);
        s.initSign(key);
        s.update(alg == DkimAlgorithm.ED25519_SHA256 ? sha256(data) : data);
        return s.sign();
    }

    private static Signature verifier(DkimAlgorithm alg) {
        try {
            return switch (alg) {
                case RSA_SHA1 -> Signature.getInstance("SHA1withRSA");
                case RSA_SHA256 -> Signature.getInstance("SHA256withRSA");
                case ED25519_SHA256 -> Signature.getInstance("Ed25519");
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + alg, e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes p= for key type k ("rsa" or "ed25519"); empty when the bytes are not such a key. */
    public static Optional<PublicKey> publicKey(String k, byte[] der) {
        try {
            if (k.equals("ed25519")) {
                if (der.length != 32) {
                    return Optional.empty();
                }
                byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
                System.arraycopy(der, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                return Optional.of(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
            }
            KeyFactory kf = KeyFactory.getInstance("RSA");
            try {
                return Optional.of(kf.generatePublic(new X509EncodedKeySpec(der)));
            } catch (GeneralSecurityException | RuntimeException e) {
                // RFC 6376 3.6.1 says SubjectPublicKeyInfo, but bare RSAPublicKey (PKCS#1) is common: wrap it
                byte[] bitString = der(0x03, concat(new byte[] {0}, der));
                byte[] spki = der(0x30, concat(RSA_ALG_ID, bitString));
                return Optional.of(kf.generatePublic(new X509EncodedKeySpec(spki)));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The raw 32-byte Ed25519 public key (for p=), from the JDK's X.509 encoding. */
    public static byte[] rawEd25519(PublicKey key) {
        byte[] enc = key.getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }

    public static int bits(PublicKey key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        return 256;
    }

    static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 128) {
            out.write(len);
        } else if (len < 256) {
            out.write(0x81);
            out.write(len);
        } else if (len < 65536) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xff);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write((len >> 8) & 0xff);
            out.write(len & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
