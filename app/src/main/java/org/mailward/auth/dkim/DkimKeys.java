package org.mailward.auth.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * DKIM keys: generation (RSA, Ed25519), PEM (PKCS#8) reading and writing, the public half of a private key, and the
 * DNS key record (RFC 6376 3.6.1; RFC 8463 4.2 for Ed25519's raw 32-byte p=) split into the 255-byte character
 * strings a TXT record is made of (RFC 1035 3.3.14).
 */
public final class DkimKeys {

    private static final byte[] ED25519_PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] RSA_ALG_ID = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

    private DkimKeys() {
    }

    /** A key type for generation. */
    public enum KeyType { RSA, ED25519 }

    public static KeyPair generate(KeyType type, int rsaBits) {
        try {
            if (type == KeyType.ED25519) {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(rsaBits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM "PRIVATE KEY" (PKCS#8), 64-character lines, LF line ends. */
    public static String toPem(PrivateKey key) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }

    /**
     * Reads a private key: PEM PKCS#8 ("PRIVATE KEY", RSA or Ed25519), PEM PKCS#1 ("RSA PRIVATE KEY"), or a bare
     * base64 32-byte Ed25519 seed (the form dkimpy and Exim use). Empty when the text is none of these.
     */
    public static Optional<PrivateKey> readPrivateKey(String text) {
        try {
            String t = text.strip();
            if (t.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                byte[] pkcs1 = pemBody(t, "RSA PRIVATE KEY");
                byte[] pkcs8 = DkimCrypto.der(0x30, concat(HexFormat.of().parseHex("020100"), RSA_ALG_ID, DkimCrypto.der(0x04, pkcs1)));
                return Optional.of(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
            }
            if (t.contains("-----BEGIN PRIVATE KEY-----")) {
                byte[] der = pemBody(t, "PRIVATE KEY");
                for (String alg : new String[] {"RSA", "Ed25519"}) {
                    try {
                        return Optional.of(KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der)));
                    } catch (GeneralSecurityException | RuntimeException e) {
                        // try the next
                    }
                }
                return Optional.empty();
            }
            byte[] seed = Base64.getDecoder().decode(TagList.removeFws(t));
            if (seed.length == 32) {
                return Optional.of(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(ED25519_PKCS8_PREFIX, seed))));
            }
            return Optional.empty();
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] pemBody(String pem, String label) {
        int b = pem.indexOf("-----BEGIN " + label + "-----");
        int e = pem.indexOf("-----END " + label + "-----");
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("no PEM " + label);
        }
        String body = pem.substring(b + ("-----BEGIN " + label + "-----").length(), e);
        return Base64.getMimeDecoder().decode(body);
    }

    /** The algorithm a private key signs with: rsa-sha256 for RSA, ed25519-sha256 for Ed25519. */
    public static DkimAlgorithm algorithmFor(PrivateKey key) {
        return isEd25519(key) ? DkimAlgorithm.ED25519_SHA256 : DkimAlgorithm.RSA_SHA256;
    }

    static boolean isEd25519(java.security.Key key) {
        String a = key.getAlgorithm();
        return a.equalsIgnoreCase("Ed25519") || a.equalsIgnoreCase("EdDSA");
    }

    /** The public half of a private key (RSA from its CRT form; Ed25519 by signing-key derivation). */
    public static PublicKey publicKey(PrivateKey key) {
        try {
            if (key instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (isEd25519(key)) {
                return Ed25519Public.derive(key);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("unsupported key " + key.getAlgorithm());
    }

    /** The key record text: {@code v=DKIM1; k=rsa; p=...} (or k=ed25519 with the raw key). */
    public static String recordValue(PublicKey key) {
        if (isEd25519(key)) {
            return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(DkimCrypto.rawEd25519(key));
        }
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Splits a TXT value into character strings of at most 255 bytes (RFC 1035 3.3.14). */
    public static List<String> txtStrings(String value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            out.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    /** A zone-file line: {@code name. 3600 IN TXT ( "..." "..." )}. */
    public static String zoneLine(String recordName, String value) {
        StringBuilder sb = new StringBuilder(recordName).append(". 3600 IN TXT (");
        for (String s : txtStrings(value)) {
            sb.append(" \"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append(" )").toString();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }
}
