package org.mailward.auth.dmarc;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Receiver configuration for DMARC evaluation.
 *
 * @param discovery            how policy records and Organizational Domains are found; default
 *                             {@link DiscoveryMode#DMARCBIS}
 * @param pslFallbackOnDnsError in DMARCbis mode, when a Tree Walk for an Organizational Domain meets a DNS error
 *                             (SERVFAIL or timeout), use the Public Suffix List for that domain instead of returning
 *                             temperror; default true (docs/dmarc.md)
 * @param trustedArcSealers    ARC sealers (d= of the newest ARC-Seal) whose passing chain overrides a DMARC failure
 *                             (reason local_policy, comment "arc=pass"); empty by default
 */
public record DmarcOptions(DiscoveryMode discovery, boolean pslFallbackOnDnsError, Set<String> trustedArcSealers) {

    public DmarcOptions {
        Objects.requireNonNull(discovery);
        trustedArcSealers = trustedArcSealers.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static DmarcOptions defaults() {
        return new DmarcOptions(DiscoveryMode.DMARCBIS, true, Set.of());
    }

    public DmarcOptions withDiscovery(DiscoveryMode mode) {
        return new DmarcOptions(mode, pslFallbackOnDnsError, trustedArcSealers);
    }

    public DmarcOptions withPslFallbackOnDnsError(boolean fallback) {
        return new DmarcOptions(discovery, fallback, trustedArcSealers);
    }

    public DmarcOptions withTrustedArcSealers(Set<String> sealers) {
        return new DmarcOptions(discovery, pslFallbackOnDnsError, sealers);
    }
}
