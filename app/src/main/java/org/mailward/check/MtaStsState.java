package org.mailward.check;

import java.util.List;
import java.util.Optional;
import org.mailward.check.probe.PolicyFetcher;
import org.mailward.dns.DnsAnswer;
import org.mailward.records.MtaStsPolicy;
import org.mailward.records.MtaStsRecord;

/**
 * What was learnt about a domain's MTA-STS (RFC 8461): the TXT answer, the records that begin {@code v=STSv1}, the
 * parsed record when there is exactly one, the policy host's address answer, the fetch and the parsed policy.
 */
public record MtaStsState(DnsAnswer txt, List<String> candidates, Optional<MtaStsRecord> record, Optional<DnsAnswer> hostAddress,
                          Optional<PolicyFetcher.Result> fetch, Optional<MtaStsPolicy> policy) {
    public MtaStsState {
        candidates = List.copyOf(candidates);
    }

    /** The policy mode when a valid policy was fetched. */
    public Optional<String> mode() {
        return policy.flatMap(MtaStsPolicy::mode);
    }
}
