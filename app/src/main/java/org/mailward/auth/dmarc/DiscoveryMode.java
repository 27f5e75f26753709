package org.mailward.auth.dmarc;

/**
 * How the policy record and Organizational Domains are found (docs/dmarc.md).
 */
public enum DiscoveryMode {
    /**
     * DMARCbis (RFC 9989 4.10): the DNS Tree Walk, at most 8 queries, long names shortened to 7 labels first; the
     * {@code psd} tag decides Organizational Domains. The default.
     */
    DMARCBIS,
    /**
     * RFC 7489 6.6.3: the Author Domain, then its Organizational Domain from the Public Suffix List (RFC 7489 3.2).
     */
    RFC7489
}
