package org.mailward.records;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailward.auth.dkim.DkimKeys;

/**
 * The DKIM key record (RFC 6376 3.6.1; RFC 8463 for Ed25519) for a key file, with auth.dkim's key handling
 * ({@link DkimKeys}: the signer's own reader, public-key derivation and record format). Accepts what
 * {@link DkimKeys#readPrivateKey} reads (PEM PKCS#8 RSA or Ed25519, PEM PKCS#1 RSA, a bare Ed25519 seed) — the
 * public key is derived from it — or a PEM {@code PUBLIC KEY}. Never throws on bad input: {@link Result.Invalid}.
 */
public final class DkimKeyFile {

    private static final Pattern PUBLIC_PEM = Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    /** The outcome of reading a key file. */
    public sealed interface Result {
        /** @param keyType {@code rsa} or {@code ed25519}; @param bits RSA modulus size (256 for Ed25519); @param value the record text */
        record Ok(String keyType, int bits, String value) implements Result {
            public Ok {
                Objects.requireNonNull(keyType);
                Objects.requireNonNull(value);
            }
        }

        record Invalid(String reason) implements Result {
        }
    }

    private DkimKeyFile() {
    }

    public static Result fromPem(String text) {
        if (text == null || text.isBlank()) {
            return new Result.Invalid("empty key file");
        }
        try {
            Optional<PublicKey> pub = Optional.empty();
            Matcher m = PUBLIC_PEM.matcher(text);
            if (m.find()) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
                for (String alg : new String[] {"RSA", "Ed25519"}) {
                    try {
                        pub = Optional.of(KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der)));
                        break;
                    } catch (java.security.GeneralSecurityException | RuntimeException e) {
                        // try the next algorithm
                    }
                }
                if (pub.isEmpty()) {
                    return new Result.Invalid("PUBLIC KEY is neither an RSA nor an Ed25519 key");
                }
            } else {
                Optional<PrivateKey> priv = DkimKeys.readPrivateKey(text);
                if (priv.isEmpty()) {
                    return new Result.Invalid("not a PEM RSA or Ed25519 private key (PRIVATE KEY, RSA PRIVATE KEY) nor a PUBLIC KEY");
                }
                pub = Optional.of(DkimKeys.publicKey(priv.get()));
            }
            PublicKey k = pub.get();
            if (k instanceof RSAPublicKey rsa) {
                return new Result.Ok("rsa", rsa.getModulus().bitLength(), DkimKeys.recordValue(k));
            }
            return new Result.Ok("ed25519", 256, DkimKeys.recordValue(k));
        } catch (RuntimeException e) {
            // Malformed key material the readers did not catch: a clear error, never an exception to the caller.
            return new Result.Invalid("cannot read the key: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
