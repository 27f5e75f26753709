package org.mailward.gateway.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.records.MtaStsPolicy;
import org.mailward.records.MtaStsRecord;

/**
 * MTA-STS policy discovery for delivery (RFC 8461 3, 5.1) with a policy cache. For a recipient domain: look up the
 * {@code _mta-sts} TXT record; when its id equals the cached policy's id and the cached policy has not outlived its
 * {@code max_age}, use the cache; otherwise fetch the policy over HTTPS and cache it. When the record is missing or
 * the fetch fails, an unexpired cached policy still applies (RFC 8461 5.1, 10.2: an attacker who blocks the record or
 * the fetch must not be able to downgrade a known policy); without one the domain has no policy and the failure is
 * reported (sts-policy-fetch-error, sts-webpki-invalid, sts-policy-invalid).
 */
public final class MtaStsPolicies {

    /** A valid, cached policy in mode enforce or testing (mode none means no policy). */
    public record Active(String domain, String id, MtaStsPolicy policy, String text, Instant fetchedAt, Instant expires) {

        public boolean enforce() {
            return policy.mode().orElse("").equals("enforce");
        }

        public String mode() {
            return policy.mode().orElse("");
        }

        /** RFC 8461 4.1: the MX host matches one of the policy's mx patterns. */
        public boolean allows(String mxHost) {
            return policy.mx().stream().anyMatch(p -> MtaStsPolicy.matches(p, mxHost));
        }

        /** RFC 8460 4.4 policy-string: the policy file's lines. */
        public List<String> policyStrings() {
            return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
    }

    /** The lookup result: the policy in force (if any) and a problem worth reporting (if any). */
    public record Lookup(Optional<Active> policy, Optional<DeliveryTlsOutcome.FailureType> problem, String detail) {
        static Lookup none() {
            return new Lookup(Optional.empty(), Optional.empty(), "");
        }
    }

    private final Resolver resolver;
    private final Clock clock;
    private final MtaStsFetcher fetcher;
    private final Map<String, Active> cache = new ConcurrentHashMap<>();

    public MtaStsPolicies(Resolver resolver, Clock clock, MtaStsFetcher fetcher) {
        this.resolver = resolver;
        this.clock = clock;
        this.fetcher = fetcher;
    }

    public Lookup lookup(String domain) {
        Instant now = clock.instant();
        Optional<Active> cached = Optional.ofNullable(cache.get(domain)).filter(a -> a.expires().isAfter(now));
        if (cached.isEmpty()) {
            cache.remove(domain);
        }
        DnsAnswer txt = resolver.query("_mta-sts." + domain, RecordType.TXT);
        List<String> candidates = txt.texts().stream().filter(MtaStsRecord::isCandidate).toList();
        if (txt.status() != DnsStatus.RECORDS || candidates.isEmpty()) {
            // RFC 8461 5.1: no record (or a lookup failure): an unexpired cached policy still applies
            return cached.map(MtaStsPolicies::active).orElse(Lookup.none());
        }
        if (candidates.size() > 1) {
            // RFC 8461 3.1: several records: as if none was published
            return cached.map(MtaStsPolicies::active).orElse(Lookup.none());
        }
        MtaStsRecord rec = MtaStsRecord.parse(candidates.get(0));
        if (!rec.valid() || rec.id().isEmpty()) {
            return new Lookup(cached.filter(a -> !a.mode().equals("none")), Optional.of(DeliveryTlsOutcome.FailureType.STS_POLICY_INVALID),
                    "_mta-sts." + domain + ": " + String.join("; ", rec.errors()));
        }
        String id = rec.id().get();
        if (cached.isPresent() && cached.get().id().equals(id)) {
            return active(cached.get());
        }
        MtaStsFetcher.Result r = fetcher.fetch(domain);
        if (r instanceof MtaStsFetcher.Failed f) {
            DeliveryTlsOutcome.FailureType t = f.webPki() ? DeliveryTlsOutcome.FailureType.STS_WEBPKI_INVALID
                    : DeliveryTlsOutcome.FailureType.STS_POLICY_FETCH_ERROR;
            return new Lookup(cached.filter(a -> !a.mode().equals("none")), Optional.of(t), f.reason());
        }
        String text = ((MtaStsFetcher.Body) r).text();
        MtaStsPolicy p = MtaStsPolicy.parse(text);
        if (!p.valid()) {
            return new Lookup(cached.filter(a -> !a.mode().equals("none")), Optional.of(DeliveryTlsOutcome.FailureType.STS_POLICY_INVALID),
                    String.join("; ", p.errors()));
        }
        // RFC 8461 5: a policy in mode none is cached too (it replaces an earlier policy) but imposes nothing
        Active a = new Active(domain, id, p, text, now, now.plusSeconds(p.maxAge().orElse(0)));
        cache.put(domain, a);
        return active(a);
    }

    private static Lookup active(Active a) {
        return a.mode().equals("none") ? Lookup.none() : new Lookup(Optional.of(a), Optional.empty(), "");
    }

    /** Drops every cached policy (tests, administrators). */
    public void clear() {
        cache.clear();
    }
}
