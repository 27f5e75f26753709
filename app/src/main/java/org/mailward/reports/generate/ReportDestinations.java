package org.mailward.reports.generate;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.mailward.auth.dmarc.DiscoveryMode;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.DmarcRecordParse;
import org.mailward.auth.dmarc.DmarcRecordParser;
import org.mailward.auth.dmarc.PolicyDiscovery;
import org.mailward.auth.dmarc.PolicyDiscovery.Level;
import org.mailward.auth.dmarc.ReportUri;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.records.TlsRptRecord;

/**
 * Where a report may go: the {@code rua} of the domain's DMARC record (RFC 7489 6.2, 7.1) or of its TLS-RPT record
 * (RFC 8460 3), each destination accepted or refused with a reason.
 *
 * <p>DMARC (RFC 7489 7.1, "Verifying External Destinations"): a mailto: destination whose host is not in the
 * policy domain's Organizational Domain (PSL, RFC 7489 3.2) is used only when
 * {@code <policy-domain>._report._dmarc.<destination-host>} has a TXT record starting with {@code v=DMARC1}; no such
 * record, or a DNS error, refuses it; a {@code rua} in that record replaces the destination with its URIs at the same
 * host. Other schemes than mailto: are refused (RFC 7489 defines only mailto: for
 * delivery). TLS-RPT has no such check (RFC 8460 3); its mailto: and https: URIs are used as published.
 */
public final class ReportDestinations {

    private static final Pattern DMARC1 = Pattern.compile("^[ \\t]*v[ \\t]*=[ \\t]*DMARC1[ \\t]*(;.*)?$", Pattern.DOTALL);

    /** The destinations of one domain, plus notes on the lookups (no record, DNS error, ...). */
    public record Lookup(List<Destination> destinations, List<String> notes) {
        public Lookup {
            destinations = List.copyOf(destinations);
            notes = List.copyOf(notes);
        }
    }

    private final Resolver resolver;
    private final PublicSuffixList psl;

    public ReportDestinations(Resolver resolver, PublicSuffixList psl) {
        this.resolver = resolver;
        this.psl = psl;
    }

    /** The DMARC aggregate destinations of the domain whose record was applied (policy_published/domain). */
    public Lookup dmarc(String policyDomain) {
        PolicyDiscovery discovery = new PolicyDiscovery(resolver, psl, DmarcOptions.defaults().withDiscovery(DiscoveryMode.RFC7489));
        Level level = discovery.level(policyDomain);
        List<String> notes = new ArrayList<>();
        List<ReportUri> uris;
        switch (level) {
            case Level.One one -> uris = one.record().aggregateUris();
            case Level.NoRecord n -> {
                notes.add("no DMARC record at _dmarc." + policyDomain + " now: nowhere to send the report");
                return new Lookup(List.of(), notes);
            }
            case Level.Unusable u -> {
                notes.add("_dmarc." + policyDomain + ": " + u.reason());
                return new Lookup(List.of(), notes);
            }
            case Level.DnsError e -> {
                notes.add("_dmarc." + policyDomain + ": DNS error " + e.detail() + "; try again later");
                return new Lookup(List.of(), notes);
            }
        }
        if (uris.isEmpty()) {
            notes.add("the DMARC record of " + policyDomain + " has no rua: no aggregate reports wanted");
        }
        String policyOrg = discovery.organizationalDomain(policyDomain).domain();
        List<Destination> out = new ArrayList<>();
        for (ReportUri u : uris) {
            out.addAll(dmarcDestination(policyDomain, policyOrg, u, discovery, DmarcRecord::aggregateUris));
        }
        return new Lookup(out, notes);
    }

    /**
     * The DMARC failure report destinations: the {@code ruf} URIs of the record that was applied to the message
     * (passed in: the record as evaluated, not looked up again), with the same RFC 7489 7.1 external destination
     * check as aggregate reports (RFC 9991 3.2); a {@code ruf} in the authorising record replaces the destination.
     */
    public Lookup dmarcFailure(String policyDomain, List<ReportUri> ruf) {
        PolicyDiscovery discovery = new PolicyDiscovery(resolver, psl, DmarcOptions.defaults().withDiscovery(DiscoveryMode.RFC7489));
        List<String> notes = new ArrayList<>();
        if (ruf.isEmpty()) {
            notes.add("the DMARC record of " + policyDomain + " has no ruf: no failure reports wanted");
        }
        String policyOrg = discovery.organizationalDomain(policyDomain).domain();
        List<Destination> out = new ArrayList<>();
        for (ReportUri u : ruf) {
            out.addAll(dmarcDestination(policyDomain, policyOrg, u, discovery, DmarcRecord::failureUris));
        }
        return new Lookup(out, notes);
    }

    private List<Destination> dmarcDestination(String policyDomain, String policyOrg, ReportUri u, PolicyDiscovery discovery,
                                               Function<DmarcRecord, List<ReportUri>> override) {
        if (!u.scheme().equals("mailto")) {
            return List.of(Destination.refuse(u.uri(), "", u.maxBytes(), "scheme '" + u.scheme() + "' not supported: only mailto: (RFC 7489 6.2)"));
        }
        Optional<String> mailbox = mailbox(u.uri());
        if (mailbox.isEmpty()) {
            return List.of(Destination.refuse(u.uri(), "", u.maxBytes(), "not a usable mailto: address"));
        }
        String host = host(mailbox.get());
        String hostOrg = discovery.organizationalDomain(host).domain();
        if (hostOrg.equals(policyOrg)) {
            return List.of(Destination.accept(u.uri(), mailbox.get(), u.maxBytes(), "same Organizational Domain (" + policyOrg + ")"));
        }
        // RFC 7489 7.1 steps 1-6
        String name = policyDomain + "._report._dmarc." + host;
        DnsAnswer answer = resolver.query(name, RecordType.TXT);
        if (answer.status().isError()) {
            return List.of(Destination.refuse(u.uri(), mailbox.get(), u.maxBytes(), "external destination: " + name + " TXT: "
                    + answer.status() + " (DNS error; not authorised, RFC 7489 7.1)"));
        }
        List<String> records = answer.status() == DnsStatus.RECORDS
                ? answer.texts().stream().filter(t -> DMARC1.matcher(t).matches()).toList() : List.of();
        if (records.isEmpty()) {
            return List.of(Destination.refuse(u.uri(), mailbox.get(), u.maxBytes(), "external destination not authorised: no v=DMARC1 TXT record at "
                    + name + " (RFC 7489 7.1)"));
        }
        // RFC 7489 7.1: a rua in the authorising record replaces the destination, but only with URIs of the same
        // destination host (no loops, no redirection to a third party)
        if (records.size() == 1 && DmarcRecordParser.parse(records.get(0)) instanceof DmarcRecordParse.Valid v
                && !override.apply(v.record()).isEmpty()) {
            List<Destination> out = new ArrayList<>();
            for (ReportUri r : override.apply(v.record())) {
                Optional<String> box = r.scheme().equals("mailto") ? mailbox(r.uri()) : Optional.empty();
                if (box.isPresent() && host(box.get()).equals(host)) {
                    out.add(Destination.accept(r.uri(), box.get(), r.maxBytes(), "replaces " + u.uri() + " as the URI of the authorising record "
                            + name + " (RFC 7489 7.1)"));
                } else {
                    out.add(Destination.refuse(r.uri(), box.orElse(""), r.maxBytes(), "URI of " + name + " is not a mailto: address at "
                            + host + "; ignored (RFC 7489 7.1)"));
                }
            }
            return out;
        }
        return List.of(Destination.accept(u.uri(), mailbox.get(), u.maxBytes(), "external destination authorised by " + name
                + " (RFC 7489 7.1)"));
    }

    private static String host(String mailbox) {
        return mailbox.substring(mailbox.lastIndexOf('@') + 1);
    }

    /** The TLS-RPT destinations of a recipient domain ({@code _smtp._tls.<domain>}, RFC 8460 3). */
    public Lookup tlsRpt(String domain) {
        String name = "_smtp._tls." + domain;
        DnsAnswer answer = resolver.query(name, RecordType.TXT);
        List<String> notes = new ArrayList<>();
        if (answer.status().isError()) {
            notes.add(name + ": DNS error " + answer.status() + "; try again later");
            return new Lookup(List.of(), notes);
        }
        List<String> candidates = answer.status() == DnsStatus.RECORDS
                ? answer.texts().stream().filter(TlsRptRecord::isCandidate).toList() : List.of();
        if (candidates.isEmpty()) {
            notes.add("no TLS-RPT record at " + name + ": no reports wanted");
            return new Lookup(List.of(), notes);
        }
        if (candidates.size() > 1) {
            // RFC 8460 3: more than one record means none is used
            notes.add(candidates.size() + " TLS-RPT records at " + name + ": none is used (RFC 8460 3)");
            return new Lookup(List.of(), notes);
        }
        TlsRptRecord record = TlsRptRecord.parse(candidates.get(0));
        if (!record.errors().isEmpty()) {
            notes.add("TLS-RPT record at " + name + " is invalid: " + String.join("; ", record.errors()));
            return new Lookup(List.of(), notes);
        }
        List<Destination> out = new ArrayList<>();
        for (String uri : record.rua()) {
            out.add(tlsDestination(uri));
        }
        return new Lookup(out, notes);
    }

    // RFC 8460 3: rua is a comma-separated list of mailto: or https: URIs
    private static Destination tlsDestination(String uri) {
        if (uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            Optional<String> mailbox = mailbox(uri);
            return mailbox.isPresent() ? Destination.accept(uri, mailbox.get(), Optional.empty(), "TLS-RPT rua (RFC 8460 3)")
                    : Destination.refuse(uri, "", Optional.empty(), "not a usable mailto: address");
        }
        if (uri.regionMatches(true, 0, "https:", 0, 6)) {
            try {
                URI u = new URI(uri);
                if (u.getHost() != null && !u.getHost().isEmpty()) {
                    return Destination.accept(uri, uri, Optional.empty(), "TLS-RPT rua (RFC 8460 3)");
                }
            } catch (URISyntaxException e) {
                // refused below
            }
            return Destination.refuse(uri, "", Optional.empty(), "not a usable https: URI");
        }
        return Destination.refuse(uri, "", Optional.empty(), "neither mailto: nor https: (RFC 8460 3)");
    }

    /**
     * The mailbox of a mailto: URI (RFC 6068): percent-decoded, without {@code ?headers}, one address only; the
     * domain in lower case. Empty when it is not one plain address.
     */
    static Optional<String> mailbox(String uri) {
        try {
            String ssp = new URI(uri).getSchemeSpecificPart();
            if (ssp == null) {
                return Optional.empty();
            }
            int q = ssp.indexOf('?');
            String addr = (q >= 0 ? ssp.substring(0, q) : ssp).strip();
            int at = addr.lastIndexOf('@');
            if (at <= 0 || at == addr.length() - 1 || addr.contains(",") || addr.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>')) {
                return Optional.empty();
            }
            return Optional.of(addr.substring(0, at) + "@" + addr.substring(at + 1).toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
