package org.mailward.auth.dmarc;

import java.util.Objects;
import java.util.Optional;

/**
 * Identifier alignment (RFC 7489 3.1): does an authenticated domain (DKIM d=, SPF MAIL FROM/HELO domain) align
 * with the Author Domain? Strict: the names are identical. Relaxed: their Organizational Domains are equal, found
 * by the {@link PolicyDiscovery} of the configured mode (PSL in RFC 7489 mode, Tree Walk in DMARCbis mode).
 */
public final class IdentifierAlignment {

    /** @param aligned the verdict; {@code error} a DNS error that prevented a relaxed check (then not aligned) */
    public record Check(boolean aligned, Optional<String> error) {
        public Check {
            Objects.requireNonNull(error);
        }
    }

    private IdentifierAlignment() {
    }

    /**
     * @param domain     the authenticated domain, lower-case A-labels
     * @param authorDomain the RFC5322.From domain, lower-case A-labels
     */
    public static Check check(String domain, String authorDomain, Alignment mode, PolicyDiscovery discovery) {
        if (domain.equals(authorDomain)) {
            return new Check(true, Optional.empty()); // RFC 7489 3.1.1/3.1.2: identical names align in both modes
        }
        if (mode == Alignment.STRICT) {
            return new Check(false, Optional.empty());
        }
        PolicyDiscovery.OrgDomain fromOrg = discovery.organizationalDomain(authorDomain);
        if (fromOrg.error().isPresent()) {
            return new Check(false, fromOrg.error());
        }
        PolicyDiscovery.OrgDomain org = discovery.organizationalDomain(domain);
        if (org.error().isPresent()) {
            return new Check(false, org.error());
        }
        return new Check(org.domain().equals(fromOrg.domain()), Optional.empty());
    }
}
