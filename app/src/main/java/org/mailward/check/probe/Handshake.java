package org.mailward.check.probe;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.OptionalInt;

/**
 * The outcome of one TLS handshake attempt after STARTTLS with one offered set of versions and suites.
 *
 * @param offered             what the client offered, e.g. {@code TLSv1.0 only} or {@code TLS 1.2 weak suites}
 * @param completed           true when the handshake finished
 * @param protocol            negotiated version ({@code TLSv1.2}); empty when not completed
 * @param cipherSuite         negotiated suite (IANA name); empty when not completed
 * @param chain               certificates the server sent, leaf first, as sent
 * @param secureRenegotiation the server supports RFC 5746
 * @param extendedMasterSecret RFC 7627 negotiated
 * @param ocspStapled         the server answered the client's status_request (RFC 6066 8) with a CertificateStatus
 * @param dhBits              prime size of a finite-field DHE group, when one was used
 * @param error               why it failed (alert, timeout, refusal of STARTTLS); empty on success
 */
public record Handshake(String offered, boolean completed, String protocol, String cipherSuite, List<X509Certificate> chain,
                        boolean secureRenegotiation, boolean extendedMasterSecret, boolean ocspStapled, OptionalInt dhBits,
                        String error) {
    public Handshake {
        chain = List.copyOf(chain);
    }

    static Handshake failed(String offered, String error) {
        return new Handshake(offered, false, "", "", List.of(), false, false, false, OptionalInt.empty(), error);
    }
}
