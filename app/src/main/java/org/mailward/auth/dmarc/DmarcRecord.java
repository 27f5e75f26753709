package org.mailward.auth.dmarc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed DMARC policy record (RFC 7489 6.3; DMARCbis adds {@code np}, {@code psd}, {@code t} and drops
 * {@code pct}, {@code rf}, {@code ri}). Tags that were absent are empty Optionals; the accessors without
 * "declared" apply the RFC defaults.
 *
 * @param policy              {@code p} (or {@link Policy#NONE} when {@link #policyFallback})
 * @param subdomainPolicy     {@code sp} as declared
 * @param nonexistentPolicy   {@code np} as declared (DMARCbis; RFC 9091)
 * @param dkimAlignment       {@code adkim}, default relaxed
 * @param spfAlignment        {@code aspf}, default relaxed
 * @param declaredPercent     {@code pct} as declared (RFC 7489; default 100)
 * @param aggregateUris       {@code rua}, syntactically valid URIs only
 * @param failureUris         {@code ruf}, syntactically valid URIs only
 * @param failureOptions      {@code fo} options ("0", "1", "d", "s"), default ["0"]
 * @param reportFormats       {@code rf}, default ["afrf"]
 * @param reportInterval      {@code ri} seconds, default 86400
 * @param psd                 {@code psd}, default u
 * @param declaredTesting     {@code t} as declared (DMARCbis)
 * @param policyFallback      true when {@code p}/{@code sp}/{@code np} was missing or invalid and the record is
 *                            treated as {@code p=none} because it has a valid {@code rua} (RFC 7489 6.6.3)
 * @param text                the record text as published
 */
public record DmarcRecord(Policy policy, Optional<Policy> subdomainPolicy, Optional<Policy> nonexistentPolicy,
                          Alignment dkimAlignment, Alignment spfAlignment, Optional<Integer> declaredPercent,
                          List<ReportUri> aggregateUris, List<ReportUri> failureUris, List<String> failureOptions,
                          List<String> reportFormats, long reportInterval, PsdFlag psd,
                          Optional<Boolean> declaredTesting, boolean policyFallback, String text) {

    public DmarcRecord {
        Objects.requireNonNull(policy);
        Objects.requireNonNull(subdomainPolicy);
        Objects.requireNonNull(nonexistentPolicy);
        Objects.requireNonNull(dkimAlignment);
        Objects.requireNonNull(spfAlignment);
        Objects.requireNonNull(declaredPercent);
        aggregateUris = List.copyOf(aggregateUris);
        failureUris = List.copyOf(failureUris);
        failureOptions = List.copyOf(failureOptions);
        reportFormats = List.copyOf(reportFormats);
        Objects.requireNonNull(psd);
        Objects.requireNonNull(declaredTesting);
        Objects.requireNonNull(text);
    }

    /** {@code pct} with its default of 100 (RFC 7489 6.3). */
    public int percent() {
        return declaredPercent.orElse(100);
    }

    /** {@code t=y} (DMARCbis test mode); default n. */
    public boolean testing() {
        return declaredTesting.orElse(false);
    }

    /** The policy for subdomains: {@code sp}, else {@code p} (RFC 7489 6.3). */
    public Policy effectiveSubdomainPolicy() {
        return subdomainPolicy.orElse(policy);
    }

    /** The policy for non-existent subdomains: {@code np}, else {@code sp}, else {@code p} (DMARCbis, RFC 9091). */
    public Policy effectiveNonexistentPolicy() {
        return nonexistentPolicy.orElse(effectiveSubdomainPolicy());
    }

    /** Parses a record; see {@link DmarcRecordParser#parse(String)}. */
    public static DmarcRecordParse parse(String text) {
        return DmarcRecordParser.parse(text);
    }
}
