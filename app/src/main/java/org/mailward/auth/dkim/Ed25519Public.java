package org.mailward.auth.dkim;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Derives an Ed25519 public key from its private key: the JDK has no API for it, Bouncy Castle does (RFC 8032 5.1.5). */
final class Ed25519Public {

    private Ed25519Public() {
    }

    static PublicKey derive(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof EdECPrivateKey ed)) {
            throw new GeneralSecurityException("not an Ed25519 key");
        }
        Optional<byte[]> seed = ed.getBytes();
        if (seed.isEmpty()) {
            throw new GeneralSecurityException("Ed25519 key without its seed");
        }
        byte[] pub = new Ed25519PrivateKeyParameters(seed.get(), 0).generatePublicKey().getEncoded();
        return DkimCrypto.publicKey("ed25519", pub).orElseThrow(() -> new GeneralSecurityException("bad derived key"));
    }
}
