package org.mailward.smtp.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A named set of TLS protocol versions and cipher suites applied to every TLS socket (server and client side).
 *
 * <p>The default, {@link #ncsc()}, follows the NCSC TLS guidance the UK email standard points to: TLS 1.2 and 1.3
 * only; the TLS 1.3 suites; for TLS 1.2 only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (no RSA key
 * exchange, no CBC, no SHA-1 MACs, no static or finite-field DH).
 */
public record TlsProfile(String name, List<String> protocols, List<String> cipherSuites) {

    public static final List<String> NCSC_TLS13_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");
    public static final List<String> NCSC_TLS12_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public TlsProfile {
        Objects.requireNonNull(name);
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        if (protocols.isEmpty() || cipherSuites.isEmpty()) {
            throw new IllegalArgumentException("TLS profile " + name + " needs protocols and cipher suites");
        }
    }

    /** The default: NCSC profile, TLS 1.2 + 1.3. */
    public static TlsProfile ncsc() {
        List<String> suites = new ArrayList<>(NCSC_TLS13_SUITES);
        suites.addAll(NCSC_TLS12_SUITES);
        return new TlsProfile("ncsc", List.of("TLSv1.3", "TLSv1.2"), suites);
    }

    /** TLS 1.3 only. */
    public static TlsProfile tls13Only() {
        return new TlsProfile("tls13", List.of("TLSv1.3"), NCSC_TLS13_SUITES);
    }

    /** The built-in profiles by name: {@code ncsc} (default) and {@code tls13}. */
    public static java.util.Optional<TlsProfile> builtIn(String name) {
        return switch (name) {
            case "ncsc" -> java.util.Optional.of(ncsc());
            case "tls13" -> java.util.Optional.of(tls13Only());
            default -> java.util.Optional.empty();
        };
    }

    /** Applies the profile; suites the JDK does not support are left out (at least one must remain). */
    public void apply(SSLSocket socket) {
        List<String> supported = List.of(socket.getSupportedCipherSuites());
        List<String> supportedProtocols = List.of(socket.getSupportedProtocols());
        SSLParameters p = socket.getSSLParameters();
        p.setProtocols(protocols.stream().filter(supportedProtocols::contains).toArray(String[]::new));
        p.setCipherSuites(cipherSuites.stream().filter(supported::contains).toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        socket.setSSLParameters(p);
    }
}
