package org.mailward.auth.dmarc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mailward.auth.ParseCache;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * Finds the DMARC policy record for an Author Domain and the Organizational Domain of any domain, in either
 * {@link DiscoveryMode}. One instance serves one message: it remembers every {@code _dmarc} answer so the several
 * walks of one evaluation (Author Domain, SPF domain, each DKIM domain) ask the DNS once per name, and keeps a log
 * of the questions asked ({@link #lookups()}).
 *
 * <p>Both modes stop at the first level whose {@code v=DMARC1} records are more than one, or one that cannot be
 * used (RFC 7489 6.6.3 steps 5 and 6: "no DMARC processing"), and at a DNS error (temperror).
 */
public final class PolicyDiscovery {

    /** DMARCbis 4.10: a Tree Walk asks at most this many names. */
    public static final int MAX_TREE_WALK_QUERIES = 8;

    /** What one {@code _dmarc.<name>} TXT question gave. */
    public sealed interface Level {
        record NoRecord() implements Level {
        }

        record One(DmarcRecord record, List<String> warnings) implements Level {
        }

        record Unusable(String reason) implements Level {
        }

        record DnsError(String detail) implements Level {
        }
    }

    /** The outcome of policy discovery for an Author Domain. */
    public sealed interface Discovery {
        /** @param domain where the record was found (the Author Domain, an Organizational Domain or a PSD) */
        record Found(String domain, DmarcRecord record, List<String> warnings) implements Discovery {
            public Found {
                Objects.requireNonNull(domain);
                Objects.requireNonNull(record);
                warnings = List.copyOf(warnings);
            }
        }

        /** No usable record: DMARC does not apply (RFC 7489 6.6.3). */
        record NoPolicy(String reason) implements Discovery {
        }

        /** A DNS error stopped discovery (RFC 7489 6.6.3: temperror). */
        record TempError(String detail) implements Discovery {
        }
    }

    /**
     * An Organizational Domain.
     *
     * @param domain the Organizational Domain
     * @param how    a short trace: "tree walk: psd=n at example.com", "PSL", "PSL (DNS error fallback)"...
     * @param error  a DNS error that prevented the answer (then {@code domain} is the input domain)
     */
    public record OrgDomain(String domain, String how, Optional<String> error) {
    }

    private final Resolver resolver;
    private final PublicSuffixList psl;
    private final DmarcOptions options;
    private final Map<String, Level> levels = new HashMap<>();
    private final Map<String, OrgDomain> orgDomains = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();

    public PolicyDiscovery(Resolver resolver, PublicSuffixList psl, DmarcOptions options) {
        this.resolver = Objects.requireNonNull(resolver);
        this.psl = Objects.requireNonNull(psl);
        this.options = Objects.requireNonNull(options);
    }

    /** The questions asked so far, in order, with their outcome ("_dmarc.example.com TXT: RECORDS"). */
    public List<String> lookups() {
        return List.copyOf(lookups);
    }

    /**
     * The names a DMARCbis Tree Walk asks about, in order (RFC 9989 4.10): the domain itself; then, when it has 8
     * or more labels, its 7-label suffix; then one label fewer each step down to the single-label TLD. At most 8.
     */
    public static List<String> treeWalkNames(String domain) {
        String[] labels = domain.split("\\.");
        List<String> out = new ArrayList<>();
        out.add(domain);
        int n = labels.length;
        int next = n >= 8 ? 7 : n - 1;
        for (int k = next; k >= 1; k--) {
            out.add(String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - k, labels.length)));
        }
        return out;
    }

    /** Finds the policy record that applies to mail from {@code authorDomain} (lower-case A-labels). */
    public Discovery discover(String authorDomain) {
        return switch (options.discovery()) {
            case DMARCBIS -> discoverBis(authorDomain);
            case RFC7489 -> discover7489(authorDomain);
        };
    }

    // RFC 7489 6.6.3: the Author Domain, then its Organizational Domain (PSL, RFC 7489 3.2).
    private Discovery discover7489(String authorDomain) {
        List<String> names = new ArrayList<>();
        names.add(authorDomain);
        Optional<String> org = psl.registrableDomain(authorDomain);
        if (org.isPresent() && !org.get().equals(authorDomain)) {
            names.add(org.get());
        }
        return walk(names, "RFC 7489 6.6.3");
    }

    // RFC 9989 4.10.1: the DNS Tree Walk from the Author Domain.
    private Discovery discoverBis(String authorDomain) {
        return walk(treeWalkNames(authorDomain), "RFC 9989 4.10");
    }

    private Discovery walk(List<String> names, String rule) {
        for (String name : names) {
            Level level = level(name);
            switch (level) {
                case Level.NoRecord n -> {
                    continue;
                }
                case Level.One one -> {
                    return new Discovery.Found(name, one.record(), one.warnings());
                }
                case Level.Unusable u -> {
                    return new Discovery.NoPolicy("_dmarc." + name + ": " + u.reason() + " (" + rule + ")");
                }
                case Level.DnsError e -> {
                    return new Discovery.TempError("_dmarc." + name + ": " + e.detail());
                }
            }
        }
        return new Discovery.NoPolicy("no DMARC record at " + String.join(", ", names.stream().map(n -> "_dmarc." + n).toList())
                + " (" + rule + ")");
    }

    /**
     * The Organizational Domain of {@code domain}: the PSL registrable domain in RFC 7489 mode (3.2), the Tree Walk
     * result in DMARCbis mode (RFC 9989 4.10.2).
     */
    public OrgDomain organizationalDomain(String domain) {
        OrgDomain cached = orgDomains.get(domain);
        if (cached != null) {
            return cached;
        }
        OrgDomain result = options.discovery() == DiscoveryMode.RFC7489 ? pslOrgDomain(domain, "PSL") : treeWalkOrgDomain(domain);
        orgDomains.put(domain, result);
        return result;
    }

    private OrgDomain pslOrgDomain(String domain, String how) {
        // RFC 7489 3.2: a name that is itself a public suffix is its own Organizational Domain.
        return new OrgDomain(psl.registrableDomain(domain).orElse(domain), how, Optional.empty());
    }

    // RFC 9989 4.10.2: psd=n marks the Organizational Domain; psd=y marks a PSD, the Organizational Domain is one
    // label below it; otherwise the record with the fewest labels; no record at all: the domain itself.
    private OrgDomain treeWalkOrgDomain(String domain) {
        String[] labels = domain.split("\\.");
        String fewest = null;
        for (String name : treeWalkNames(domain)) {
            Level level = level(name);
            if (level instanceof Level.DnsError e) {
                if (options.pslFallbackOnDnsError()) {
                    return pslOrgDomain(domain, "PSL (fallback: DNS error at _dmarc." + name + ")");
                }
                return new OrgDomain(domain, "tree walk stopped", Optional.of("_dmarc." + name + ": " + e.detail()));
            }
            if (level instanceof Level.One one) {
                if (one.record().psd() == PsdFlag.N) {
                    return new OrgDomain(name, "tree walk: psd=n at " + name, Optional.empty());
                }
                if (one.record().psd() == PsdFlag.Y) {
                    int k = name.split("\\.").length + 1;
                    if (k > labels.length) {
                        return new OrgDomain(domain, "tree walk: psd=y at the domain itself", Optional.empty());
                    }
                    String below = String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - k, labels.length));
                    return new OrgDomain(below, "tree walk: psd=y at " + name, Optional.empty());
                }
                fewest = name;
            }
        }
        if (fewest != null) {
            return new OrgDomain(fewest, "tree walk: record with fewest labels at " + fewest, Optional.empty());
        }
        return new OrgDomain(domain, "tree walk: no record, the domain itself", Optional.empty());
    }

    /**
     * DMARCbis "non-existent domain": A, AAAA and MX all answer NXDOMAIN or NODATA. A DNS error counts as existing
     * (the stricter np is never applied on doubt).
     */
    public boolean exists(String domain) {
        for (RecordType t : new RecordType[] {RecordType.A, RecordType.AAAA, RecordType.MX}) {
            DnsAnswer a = resolver.query(domain, t);
            lookups.add(domain + " " + t + ": " + a.status());
            if (!a.status().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The parsed {@code _dmarc.<name>} TXT set, asked once per instance. */
    public Level level(String name) {
        Level cached = levels.get(name);
        if (cached != null) {
            return cached;
        }
        DnsAnswer answer = resolver.query("_dmarc." + name, RecordType.TXT);
        lookups.add("_dmarc." + name + " TXT: " + answer.status());
        Level level = classify(answer);
        levels.put(name, level);
        return level;
    }

    /** Parsed record texts, shared: the same published text always parses the same (see {@link ParseCache}). */
    private static final ParseCache<DmarcRecordParse> PARSED = new ParseCache<>(DmarcRecordParser::parse, 1024, 4096);

    // RFC 7489 6.6.3 steps 2, 5, 6: keep only v=DMARC1 records; more than one means no policy.
    static Level classify(DnsAnswer answer) {
        if (answer.status().isError()) {
            return new Level.DnsError(answer.status() + (answer.detail().isEmpty() ? "" : " (" + answer.detail() + ")"));
        }
        if (answer.status() != DnsStatus.RECORDS) {
            return new Level.NoRecord();
        }
        List<DmarcRecordParse> dmarc = new ArrayList<>();
        for (String text : answer.texts()) {
            DmarcRecordParse p = PARSED.parse(text);
            if (!(p instanceof DmarcRecordParse.NotDmarc)) {
                dmarc.add(p);
            }
        }
        if (dmarc.isEmpty()) {
            return new Level.NoRecord();
        }
        if (dmarc.size() > 1) {
            return new Level.Unusable(dmarc.size() + " DMARC records published; DMARC is not applied (RFC 7489 6.6.3)");
        }
        return switch (dmarc.get(0)) {
            case DmarcRecordParse.Valid v -> new Level.One(v.record(), v.warnings());
            case DmarcRecordParse.Invalid i -> new Level.Unusable("invalid record: " + i.error());
            case DmarcRecordParse.NotDmarc n -> new Level.NoRecord();
        };
    }
}
