package org.mailward.check.probe;

/**
 * The cipher-suite classes of CHECKS.md section 7 (after MC's and NCSC-NL's lists; configurable in spirit: the UK
 * NCSC profile text itself was not available, see the catalogue's [?]). Classification is by IANA suite name.
 */
public enum CipherClass {
    /** ECDHE/DHE with AES-GCM, ChaCha20-Poly1305 or AES-CCM; TLS 1.3 suites except CCM_8. */
    GOOD,
    /** ECDHE/DHE with CBC and SHA-256/384, or other AEAD ciphers (ARIA, Camellia) with forward secrecy. */
    LEGACY,
    /** CBC with SHA-1 MAC, static RSA/DH/ECDH key exchange (no forward secrecy), 3DES, CCM_8. */
    WEAK,
    /** NULL, EXPORT, anonymous, DES, RC4, MD5. */
    INSECURE;

    public static CipherClass of(String suite) {
        String s = suite.toUpperCase(java.util.Locale.ROOT);
        if (s.contains("NULL") || s.contains("EXPORT") || s.contains("_ANON_") || s.contains("RC4") || s.contains("_MD5")
                || (s.contains("_DES_") && !s.contains("3DES")) || s.contains("_DES40_")) {
            return INSECURE;
        }
        if (!s.contains("_WITH_")) {
            // TLS 1.3 suite names carry no key exchange (RFC 8446 B.4): all ephemeral.
            return s.contains("CCM_8") ? WEAK : GOOD;
        }
        boolean forwardSecret = s.startsWith("TLS_ECDHE_") || s.startsWith("TLS_DHE_");
        if (!forwardSecret || s.contains("3DES") || s.endsWith("_SHA") || s.contains("CCM_8")) {
            return WEAK;
        }
        if (s.contains("_AES_128_GCM_") || s.contains("_AES_256_GCM_") || s.contains("CHACHA20_POLY1305") || s.endsWith("_CCM")
                || s.contains("_AES_128_CCM") || s.contains("_AES_256_CCM")) {
            return GOOD;
        }
        return LEGACY;
    }
}
