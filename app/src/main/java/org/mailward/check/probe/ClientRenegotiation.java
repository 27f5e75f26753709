package org.mailward.check.probe;

/**
 * The outcome of asking a server for a client-initiated renegotiation on an established TLS 1.2 connection
 * (CHECKS.md TLS-RENEGOTIATION; RFC 5746 4.4 lets a server refuse with a {@code no_renegotiation} alert).
 *
 * @param outcome what the server did
 * @param detail  what was seen (the negotiated suite, the alert or exception text), for the evidence
 */
public record ClientRenegotiation(Outcome outcome, String detail) {

    /** What the server did with the second ClientHello. */
    public enum Outcome {
        /** A second handshake completed on the same connection. */
        ACCEPTED,
        /** The server answered with an alert or closed the connection. */
        REFUSED,
        /** No verdict: the first handshake failed, or the server neither answered nor refused within the timeout. */
        UNKNOWN
    }
}
