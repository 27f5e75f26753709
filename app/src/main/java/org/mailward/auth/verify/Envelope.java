package org.mailward.auth.verify;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the SMTP transaction told us about a message (RFC 5321): the client address, the HELO/EHLO name and the
 * MAIL FROM address. Everything is optional so a stored message can be checked without its transaction.
 *
 * <p>SPF (RFC 7208) is evaluated only with a client address and at least one identity (MAIL FROM or HELO). A
 * missing MAIL FROM is treated as the null reverse-path {@code <>}: SPF then checks {@code postmaster@HELO} and
 * DMARC uses the HELO identity for SPF alignment (RFC 7489 3.1.2).
 *
 * @param clientIp the SMTP client's address, when known
 * @param helo     the HELO/EHLO name, empty when unknown
 * @param mailFrom the RFC5321.MailFrom address without angle brackets; empty string for the null reverse-path
 *                 (also when unknown)
 */
public record Envelope(Optional<InetAddress> clientIp, String helo, String mailFrom) {

    public Envelope {
        Objects.requireNonNull(clientIp);
        helo = Objects.requireNonNull(helo).strip();
        mailFrom = Objects.requireNonNull(mailFrom).strip();
        if (mailFrom.startsWith("<") && mailFrom.endsWith(">")) {
            mailFrom = mailFrom.substring(1, mailFrom.length() - 1).strip();
        }
    }

    /** No transaction information: SPF is not evaluated. */
    public static Envelope none() {
        return new Envelope(Optional.empty(), "", "");
    }

    public static Envelope of(InetAddress clientIp, String helo, String mailFrom) {
        return new Envelope(Optional.of(clientIp), helo, mailFrom);
    }

    /** Why SPF cannot be evaluated for this envelope; empty when it can. */
    public Optional<String> spfNotEvaluatedBecause() {
        if (clientIp.isEmpty()) {
            return Optional.of("no client IP address");
        }
        if (helo.isEmpty() && mailFrom.isEmpty()) {
            return Optional.of("neither MAIL FROM nor HELO given");
        }
        return Optional.empty();
    }
}
