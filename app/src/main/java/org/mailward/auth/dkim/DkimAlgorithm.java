package org.mailward.auth.dkim;

import java.util.Optional;

/** The a= signing algorithms: RFC 6376 3.3 (rsa-sha1, rsa-sha256), RFC 8463 3 (ed25519-sha256). */
public enum DkimAlgorithm {
    RSA_SHA1("rsa-sha1", "rsa", "sha1", "SHA-1"),
    RSA_SHA256("rsa-sha256", "rsa", "sha256", "SHA-256"),
    ED25519_SHA256("ed25519-sha256", "ed25519", "sha256", "SHA-256");

    private final String token;
    private final String keyType;
    private final String hashToken;
    private final String digestName;

    DkimAlgorithm(String token, String keyType, String hashToken, String digestName) {
        this.token = token;
        this.keyType = keyType;
        this.hashToken = hashToken;
        this.digestName = digestName;
    }

    /** The a= value. */
    public String token() {
        return token;
    }

    /** The key record k= value this algorithm needs. */
    public String keyType() {
        return keyType;
    }

    /** The key record h= token of the hash. */
    public String hashToken() {
        return hashToken;
    }

    /** The JDK MessageDigest name. */
    public String digestName() {
        return digestName;
    }

    public static Optional<DkimAlgorithm> fromToken(String s) {
        for (DkimAlgorithm a : values()) {
            if (a.token.equals(s)) { // RFC 6376 3.2: values are case-sensitive
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
