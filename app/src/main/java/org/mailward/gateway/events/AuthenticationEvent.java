package org.mailward.gateway.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One inbound message's authentication outcome: everything an outgoing DMARC aggregate report row needs (RFC 7489
 * Appendix C: row, identifiers, auth_results, policy_evaluated; policy_published of the sender domain) plus what
 * the gateway did. Column meanings: V3__gateway_events.sql.
 */
public record AuthenticationEvent(Instant time, String reporter, String sourceIp, String helo, String iprev,
                                  String iprevName, String messageId, String headerFrom, String envelopeFrom,
                                  List<String> envelopeToDomains, int recipientCount, String dmarcResult,
                                  String disposition, boolean dkimAligned, boolean spfAligned,
                                  List<String> overrideReasons, Optional<PolicyPublished> policy,
                                  Optional<String> appliedPolicy, List<DkimSignature> dkim, String spfDomain,
                                  String spfScope, String spfResult, String arcResult, String action,
                                  String actionReason, String localOverride) {

    public AuthenticationEvent {
        Objects.requireNonNull(time);
        envelopeToDomains = List.copyOf(envelopeToDomains);
        overrideReasons = List.copyOf(overrideReasons);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(appliedPolicy);
        dkim = List.copyOf(dkim);
    }

    /** The sender domain's DMARC record as found (policy_published). */
    public record PolicyPublished(String domain, String p, String sp, String np, int pct, String adkim, String aspf,
                                  String fo, String testing) {
    }

    /** One DKIM signature (auth_results/dkim). */
    public record DkimSignature(String domain, String selector, String result, boolean aligned, String humanResult) {
    }
}
