package org.mailward.reports.generate;

import java.util.Objects;
import java.util.Optional;

/**
 * One report destination taken from a domain's DNS ({@code rua} of its DMARC or TLS-RPT record), and whether we
 * send to it, with the reason either way (shown by {@code reports generate --dry-run}).
 *
 * @param uri      the URI as published (without a size suffix)
 * @param target   the mailbox of a mailto: URI or the URL of an https: URI; empty when unusable
 * @param maxBytes the {@code !size} limit of a DMARC rua (RFC 7489 6.4), if any
 * @param accepted true when the report goes there
 * @param reason   why it was accepted or refused
 */
public record Destination(String uri, String target, Optional<Long> maxBytes, boolean accepted, String reason) {

    public Destination {
        Objects.requireNonNull(uri);
        Objects.requireNonNull(target);
        Objects.requireNonNull(maxBytes);
        Objects.requireNonNull(reason);
    }

    public static Destination accept(String uri, String target, Optional<Long> maxBytes, String reason) {
        return new Destination(uri, target, maxBytes, true, reason);
    }

    public static Destination refuse(String uri, String target, Optional<Long> maxBytes, String reason) {
        return new Destination(uri, target, maxBytes, false, reason);
    }

    public boolean isMailto() {
        return uri.regionMatches(true, 0, "mailto:", 0, 7);
    }

    public boolean isHttps() {
        return uri.regionMatches(true, 0, "https:", 0, 6);
    }

    /**
     * RFC 7489 6.4: a destination with a size limit gets no report larger than it; the limit is compared with the
     * whole message as sent (after compression and base64), the strictest reading.
     */
    public Destination withinLimit(long messageBytes) {
        if (accepted && maxBytes.isPresent() && messageBytes > maxBytes.get()) {
            return refuse(uri, target, maxBytes, "report mail is " + messageBytes + " bytes, over the limit of "
                    + maxBytes.get() + " bytes (!size, RFC 7489 6.4)");
        }
        return this;
    }
}
