package org.mailward.check.probe;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything learnt from one SMTP server address (CHECKS.md 7 and 8): the greeting, EHLO, STARTTLS and a set of
 * handshakes, each on its own connection.
 *
 * @param address        {@code ip:port}
 * @param reach          whether a 220 greeting was obtained
 * @param greeting       the greeting reply (bounded), empty if none
 * @param greetingHost   the first word after 220 (the server's own name), if any
 * @param ehlo           EHLO reply lines (bounded)
 * @param starttls       STARTTLS advertised in the EHLO reply
 * @param starttlsAccepted the STARTTLS command got 220
 * @param authBeforeTls  AUTH mechanisms advertised before STARTTLS
 * @param handshakes     handshake outcomes by test name (see {@link SmtpTlsProber} for the names)
 * @param rawHandshakes  answers to the hand-built hellos by name ({@code SmtpTlsProber.RAW_*})
 * @param problem        what went wrong at the SMTP level, empty if nothing
 * @param interrupted    a 421 or reset mid-test: the remaining TLS rules of this address are INCONCLUSIVE
 * @param renegotiation  the client-initiated renegotiation test on TLS 1.2, when it was run
 */
public record SmtpProbeResult(String address, Reach reach, String greeting, Optional<String> greetingHost, List<String> ehlo,
                              boolean starttls, boolean starttlsAccepted, List<String> authBeforeTls,
                              Map<String, Handshake> handshakes, Map<String, RawHandshake> rawHandshakes, String problem,
                              boolean interrupted, Optional<ClientRenegotiation> renegotiation) {

    /** How far the connection got. */
    public enum Reach {
        /** TCP connected and a 220 greeting arrived. */
        GREETED,
        /** The server answered 421 (or another 4xx): busy or rate limiting, not a verdict. */
        TEMPORARILY_REFUSED,
        /** TCP connected but no usable greeting (silence, garbage, 5xx). */
        NO_GREETING,
        /** TCP connect refused or timed out. */
        UNREACHABLE
    }

    public SmtpProbeResult {
        ehlo = List.copyOf(ehlo);
        authBeforeTls = List.copyOf(authBeforeTls);
        handshakes = Map.copyOf(handshakes);
        rawHandshakes = Map.copyOf(rawHandshakes);
    }

    /** Without a renegotiation test (the probe did not get as far as a TLS 1.2 handshake). */
    public SmtpProbeResult(String address, Reach reach, String greeting, Optional<String> greetingHost, List<String> ehlo,
                           boolean starttls, boolean starttlsAccepted, List<String> authBeforeTls,
                           Map<String, Handshake> handshakes, Map<String, RawHandshake> rawHandshakes, String problem,
                           boolean interrupted) {
        this(address, reach, greeting, greetingHost, ehlo, starttls, starttlsAccepted, authBeforeTls, handshakes, rawHandshakes, problem,
                interrupted, Optional.empty());
    }

    public Optional<RawHandshake> raw(String name) {
        return Optional.ofNullable(rawHandshakes.get(name));
    }

    public Optional<Handshake> handshake(String name) {
        return Optional.ofNullable(handshakes.get(name));
    }

    /** The main handshake (best versions and suites offered), if it completed. */
    public Optional<Handshake> best() {
        return handshake(SmtpTlsProber.DEFAULT).filter(Handshake::completed);
    }
}
