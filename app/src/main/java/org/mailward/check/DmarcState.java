package org.mailward.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.mailward.auth.dmarc.DiscoveryMode;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.DmarcRecordParse;
import org.mailward.auth.dmarc.DmarcRecordParser;
import org.mailward.auth.dmarc.PolicyDiscovery;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * What was learnt about a domain's DMARC (CHECKS.md section 2), with the parser and discovery of
 * {@code org.mailward.auth.dmarc} (the same code the gateway evaluates messages with): the TXT set at
 * {@code _dmarc.<domain>} sorted into DMARC records, near misses and unrelated texts; policy discovery in the
 * configured mode and in the other mode; Organizational Domains in both modes. Every DNS question goes through the
 * check's {@link DnsLookups}, so it is asked once and becomes evidence.
 */
public final class DmarcState {

    /** One TXT string at the DMARC name that begins with {@code v=DMARC1} (after optional white space). */
    public record Candidate(String text, DmarcRecordParse parse) {
    }

    /** The record that applies to the domain: found at {@code domain} ({@code own} when that is the domain itself). */
    public record Applied(String domain, boolean own, DmarcRecord record, Optional<DmarcRecordParse.Valid> parse) {
    }

    // A text that is evidently meant as DMARC although it is not one: a version tag in the wrong case or place, or
    // the p/rua tags of a policy record.
    private static final Pattern MEANT_AS_DMARC = Pattern.compile("(?i)(v\\s*=\\s*dmarc|(^|;)\\s*(p|rua|sp)\\s*=)");

    private final String domain;
    private final String name;
    private final DnsAnswer answer;
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<String> nearMisses = new ArrayList<>();
    private final List<String> unrelated = new ArrayList<>();
    private final PolicyDiscovery discovery;
    private final PolicyDiscovery other;
    private final PolicyDiscovery.Discovery found;
    private final PolicyDiscovery.Discovery foundOther;
    private final DiscoveryMode mode;

    DmarcState(DomainEvidence ev) {
        this.domain = ev.domain();
        this.name = "_dmarc." + domain;
        this.answer = ev.query(name, RecordType.TXT);
        for (String t : answer.texts()) {
            DmarcRecordParse p = DmarcRecordParser.parse(t);
            if (p instanceof DmarcRecordParse.NotDmarc) {
                (MEANT_AS_DMARC.matcher(t).find() ? nearMisses : unrelated).add(t);
            } else {
                candidates.add(new Candidate(t, p));
            }
        }
        Resolver through = (n, t) -> ev.query(n, t);
        this.mode = ev.config().dmarcMode();
        DiscoveryMode otherMode = mode == DiscoveryMode.DMARCBIS ? DiscoveryMode.RFC7489 : DiscoveryMode.DMARCBIS;
        this.discovery = new PolicyDiscovery(through, ev.config().psl(), DmarcOptions.defaults().withDiscovery(mode));
        this.other = new PolicyDiscovery(through, ev.config().psl(), DmarcOptions.defaults().withDiscovery(otherMode));
        this.found = answer.status().isError() ? new PolicyDiscovery.Discovery.TempError(answer.status().name()) : discovery.discover(domain);
        this.foundOther = answer.status().isError() ? found : other.discover(domain);
    }

    public String name() {
        return name;
    }

    public DnsAnswer answer() {
        return answer;
    }

    /** TXT strings at the DMARC name that begin with v=DMARC1 (valid or not). */
    public List<Candidate> candidates() {
        return List.copyOf(candidates);
    }

    /** TXT strings evidently meant as DMARC that receivers discard (DMARC-NOT-V-FIRST). */
    public List<String> nearMisses() {
        return List.copyOf(nearMisses);
    }

    /** Other TXT strings at the DMARC name (DMARC-WRONG-RECORD-AT-NAME). */
    public List<String> unrelated() {
        return List.copyOf(unrelated);
    }

    /** Policy discovery in the configured mode. */
    public PolicyDiscovery.Discovery discovery() {
        return found;
    }

    /** Policy discovery in the other mode (DMARC-DISCOVERY-DIVERGES). */
    public PolicyDiscovery.Discovery otherDiscovery() {
        return foundOther;
    }

    /** The configured discovery mode. */
    public DiscoveryMode mode() {
        return mode;
    }

    /** The Organizational Domain of a name in the configured mode. */
    public PolicyDiscovery.OrgDomain orgDomain(String n) {
        return discovery.organizationalDomain(Resolver.normalise(n));
    }

    /** The Organizational Domain of a name in the other mode. */
    public PolicyDiscovery.OrgDomain otherOrgDomain(String n) {
        return other.organizationalDomain(Resolver.normalise(n));
    }

    /** The record that applies to the domain (own or inherited), when discovery found a usable one. */
    public Optional<Applied> applied() {
        if (found instanceof PolicyDiscovery.Discovery.Found f) {
            boolean own = f.domain().equals(domain);
            DmarcRecordParse p = DmarcRecordParser.parse(f.record().text());
            return Optional.of(new Applied(f.domain(), own, f.record(),
                    p instanceof DmarcRecordParse.Valid v ? Optional.of(v) : Optional.empty()));
        }
        return Optional.empty();
    }

    /** The policy receivers apply to mail from the domain itself: p at the own record, sp when inherited; t=y lowers it. */
    public static org.mailward.auth.dmarc.Policy effectivePolicy(Applied a) {
        org.mailward.auth.dmarc.Policy p = a.own() ? a.record().policy() : a.record().effectiveSubdomainPolicy();
        return a.record().testing() ? p.lessStrict() : p;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
