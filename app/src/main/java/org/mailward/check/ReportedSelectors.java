package org.mailward.check;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * CHECKS.md {@code [REPORTS]} evidence for the DKIM rules: which selectors DMARC aggregate reports (RFC 7489
 * Appendix C, {@code auth_results/dkim/selector}) saw signing for a domain, and when last. The check layer does not
 * read the reports database itself (layer rule: check does not depend on reports); the application implements this
 * from the store, and without {@code --data} the checker uses {@link #none()}.
 */
@FunctionalInterface
public interface ReportedSelectors {

    /**
     * The selectors seen in reports whose report period covers the domain, mapped to the end of the last report period
     * in which each was seen. Empty when no report about the domain is stored at all (then nothing is concluded); an
     * empty map when reports exist but none carried a DKIM selector.
     */
    Optional<Map<String, Instant>> lastSeen(String domain);

    /** No report data: the {@code [REPORTS]} parts of the DKIM rules are skipped. */
    static ReportedSelectors none() {
        return domain -> Optional.empty();
    }
}
