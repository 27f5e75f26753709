package org.mailward.records;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * The DKIM key record (RFC 6376 3.6.1; RFC 8463 for Ed25519) derived from a PEM key file: {@code v=DKIM1; k=rsa;
 * p=<base64 SubjectPublicKeyInfo>} or {@code v=DKIM1; k=ed25519; p=<base64 of the raw 32-byte public key>}.
 * Accepts a private key (PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}) — the public key is derived
 * from it — or a public key ({@code PUBLIC KEY}). Bouncy Castle is used only for what the JDK lacks (PKCS#1 parsing
 * and deriving an Ed25519 public key). Never throws on bad input: {@link Result.Invalid}.
 */
public final class DkimKeyRecord {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** The outcome of reading a key file. */
    public sealed interface Result {
        /** @param keyType {@code rsa} or {@code ed25519}; @param bits RSA modulus size (256 for Ed25519) */
        record Ok(String keyType, int bits, String value) implements Result {
            public Ok {
                Objects.requireNonNull(keyType);
                Objects.requireNonNull(value);
            }
        }

        record Invalid(String reason) implements Result {
        }
    }

    private DkimKeyRecord() {
    }

    public static Result fromPem(String pem) {
        Matcher m = PEM.matcher(pem == null ? "" : pem);
        if (!m.find()) {
            return new Result.Invalid("no PEM block (-----BEGIN ... KEY-----) found");
        }
        String label = m.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", "").getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return new Result.Invalid("PEM body is not base64: " + e.getMessage());
        }
        try {
            return switch (label) {
                case "PUBLIC KEY" -> fromSpki(SubjectPublicKeyInfo.getInstance(ASN1Sequence.getInstance(der)));
                case "PRIVATE KEY" -> fromPkcs8(der);
                case "RSA PRIVATE KEY" -> {
                    RSAPrivateKey k = RSAPrivateKey.getInstance(ASN1Sequence.getInstance(der));
                    PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
                    yield rsa((RSAPublicKey) pub);
                }
                default -> new Result.Invalid("unsupported PEM block '" + label + "' (want PRIVATE KEY, RSA PRIVATE KEY or PUBLIC KEY)");
            };
        } catch (Exception e) {
            // Malformed DER, wrong algorithm: a clear error, never an exception to the caller.
            return new Result.Invalid("cannot read the " + label + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static Result fromPkcs8(byte[] der) throws Exception {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Sequence.getInstance(der));
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        if (oid.equals("1.3.101.112")) { // id-Ed25519 (RFC 8410)
            byte[] seed = org.bouncycastle.asn1.ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            Ed25519PublicKeyParameters pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey();
            return ed25519(pub.getEncoded());
        }
        if (oid.equals("1.2.840.113549.1.1.1")) { // rsaEncryption
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            return rsa((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent())));
        }
        return new Result.Invalid("private key algorithm " + oid + " is neither RSA nor Ed25519 (RFC 8463)");
    }

    private static Result fromSpki(SubjectPublicKeyInfo spki) throws Exception {
        String oid = spki.getAlgorithm().getAlgorithm().getId();
        if (oid.equals("1.3.101.112")) {
            return ed25519(spki.getPublicKeyData().getOctets());
        }
        if (oid.equals("1.2.840.113549.1.1.1")) {
            return rsa((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki.getEncoded())));
        }
        return new Result.Invalid("public key algorithm " + oid + " is neither RSA nor Ed25519");
    }

    private static Result rsa(RSAPublicKey pub) {
        return new Result.Ok("rsa", pub.getModulus().bitLength(), "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pub.getEncoded()));
    }

    private static Result ed25519(byte[] raw) {
        if (raw.length != 32) {
            return new Result.Invalid("Ed25519 public key is " + raw.length + " bytes, not 32");
        }
        return new Result.Ok("ed25519", 256, "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw));
    }
}
