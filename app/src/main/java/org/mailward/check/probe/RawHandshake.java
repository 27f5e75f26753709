package org.mailward.check.probe;

import java.util.Optional;

/**
 * The outcome of one hand-built ClientHello ({@link RawClientHello}) sent after STARTTLS: what the server answered,
 * read as far as ServerHelloDone. No handshake is completed; the evidence is the server's own choice of version,
 * compression method and key-exchange signature.
 *
 * @param offered            which hello was sent (see the {@code RAW_} names of {@link SmtpTlsProber})
 * @param flight             the server's answer, empty when it was unreadable (see {@code error})
 * @param weakSignatureValid for a ServerKeyExchange signed with SHA-1 or MD5: whether the signature verified with the
 *                           leaf's key over the randoms and parameters (RFC 5246 7.4.3); empty otherwise
 * @param error              why there is no answer (timeout, reset, malformed bytes); empty when there is one
 */
public record RawHandshake(String offered, Optional<ServerFlight> flight, Optional<Boolean> weakSignatureValid, String error) {

    static RawHandshake failed(String offered, String error) {
        return new RawHandshake(offered, Optional.empty(), Optional.empty(), error);
    }

    /** The answer, when it was a TLS/SSL 3.0 ServerHello. */
    public Optional<ServerFlight> hello() {
        return flight.filter(f -> f.kind() == ServerFlight.Kind.HELLO);
    }
}
