package org.mailward.auth.spf;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One SPF question (RFC 7208 2.2-2.4): the SMTP client address, the MAIL FROM address (empty for a null
 * reverse-path, then {@code postmaster@helo} is checked) and the HELO/EHLO name.
 */
public record SpfRequest(InetAddress clientIp, String mailFrom, String helo) {

    public SpfRequest {
        Objects.requireNonNull(clientIp);
        mailFrom = mailFrom == null ? "" : mailFrom.trim();
        helo = helo == null ? "" : helo.trim();
        if (mailFrom.startsWith("<") && mailFrom.endsWith(">")) {
            mailFrom = mailFrom.substring(1, mailFrom.length() - 1);
        }
    }

    /** From text (CLI, batch lines): empty when the address is not an IP literal. Never resolves names. */
    public static Optional<SpfRequest> of(String ip, String mailFrom, String helo) {
        return IpLiterals.parseClient(ip == null ? "" : ip).map(a -> new SpfRequest(a, mailFrom, helo));
    }
}
