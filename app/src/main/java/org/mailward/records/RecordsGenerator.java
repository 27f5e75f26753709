package org.mailward.records;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.Resolver;

/**
 * Generates the records a domain should publish ({@code mailward records}): DMARC for a rollout stage (GOV.UK
 * guidance, {@link DmarcRollout}), {@code _report._dmarc} authorisations for report addresses in other domains,
 * SPF from includes and IP ranges (checked with auth.spf, {@link SpfLookupCount}), the DKIM key record
 * ({@link DkimKeyFile}), the MTA-STS TXT record and policy file (RFC 8461) and TLS-RPT (RFC 8460). Pure apart from
 * the optional SPF check, which needs a resolver for the includes.
 */
public final class RecordsGenerator {

    /** uk-gov: the GOV.UK central reporting addresses and ladder; generic: the domain's own addresses only. */
    public enum Profile { UK_GOV, GENERIC }

    /** A file to serve (the MTA-STS policy). */
    public record ServedFile(String url, String contentType, String body, String purpose) {
    }

    /** What to publish, with notes for the administrator. */
    public record Plan(String domain, List<PublishedRecord> records, List<ServedFile> files, List<String> notes,
                       Optional<SpfLookupCount> spf, DmarcRollout stage) {
        public Plan {
            records = List.copyOf(records);
            files = List.copyOf(files);
            notes = List.copyOf(notes);
        }
    }

    public static final String UK_DMARC_CENTRAL_RUA = "mailto:dmarc-rua@dmarc.service.gov.uk";
    public static final String UK_DMARC_CENTRAL_RUF = "mailto:dmarc-ruf@dmarc.service.gov.uk";
    public static final String UK_TLSRPT_CENTRAL = "mailto:tls-rua@mailcheck.service.ncsc.gov.uk";

    private String domain;
    private DmarcRollout stage = DmarcRollout.NONE;
    private Profile profile = Profile.GENERIC;
    private List<String> rua = List.of();
    private List<String> ruf = List.of();
    private String centralRua = UK_DMARC_CENTRAL_RUA;
    private String centralRuf = UK_DMARC_CENTRAL_RUF;
    private String centralTlsRpt = UK_TLSRPT_CENTRAL;
    private List<String> spfIncludes = List.of();
    private List<String> spfIps = List.of();
    private String spfAll = "~all";
    private Optional<String> dkimSelector = Optional.empty();
    private Optional<DkimKeyFile.Result.Ok> dkimKey = Optional.empty();
    private Optional<String> mtaStsMode = Optional.empty();
    private List<String> mxHosts = List.of();
    private List<String> tlsrpt = List.of();
    private long ttl = 3600;
    private Optional<DmarcRecordText> dmarcBase = Optional.empty();
    private PublicSuffixList psl = PublicSuffixList.bundled();

    public RecordsGenerator(String domain) {
        this.domain = Resolver.normalise(domain);
    }

    public RecordsGenerator stage(DmarcRollout v) { stage = v; return this; }
    public RecordsGenerator profile(Profile v) { profile = v; return this; }
    /** The organisation's own aggregate-report addresses (default {@code mailto:dmarc@<domain>}). */
    public RecordsGenerator rua(List<String> v) { rua = v.stream().map(RecordsGenerator::mailto).toList(); return this; }
    public RecordsGenerator ruf(List<String> v) { ruf = v.stream().map(RecordsGenerator::mailto).toList(); return this; }
    /** Central addresses of the uk-gov profile; "" leaves them out. */
    public RecordsGenerator central(String rua, String ruf, String tlsrpt) {
        centralRua = rua.isEmpty() ? "" : mailto(rua);
        centralRuf = ruf.isEmpty() ? "" : mailto(ruf);
        centralTlsRpt = tlsrpt.isEmpty() ? "" : mailto(tlsrpt);
        return this;
    }
    public RecordsGenerator spf(List<String> includes, List<String> ips, String all) { spfIncludes = includes; spfIps = ips; spfAll = all; return this; }
    public RecordsGenerator dkim(String selector, DkimKeyFile.Result.Ok key) { dkimSelector = Optional.of(selector); dkimKey = Optional.of(key); return this; }
    public RecordsGenerator mtaSts(String mode, List<String> mx) { mtaStsMode = Optional.of(mode); mxHosts = mx; return this; }
    public RecordsGenerator tlsrpt(List<String> v) { tlsrpt = v.stream().map(u -> u.contains(":") ? u : "mailto:" + u).toList(); return this; }
    public RecordsGenerator ttl(long v) { ttl = v; return this; }
    /** Keep the other tags of a published record (for {@code --next}): only the stage's p/sp/np/pct change. */
    public RecordsGenerator dmarcBase(DmarcRecordText v) { dmarcBase = Optional.of(v); return this; }
    public RecordsGenerator psl(PublicSuffixList v) { psl = v; return this; }

    /**
     * The plan. {@code resolver} (optional) is used to count the SPF record's DNS-querying terms through its
     * includes; without it the SPF record is parsed only.
     */
    public Plan generate(Optional<Resolver> resolver, Clock clock) {
        List<PublishedRecord> out = new ArrayList<>();
        List<ServedFile> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String d = domain;
        boolean uk = profile == Profile.UK_GOV;

        // ---- DMARC ----
        List<String> ownRua = rua.isEmpty() ? List.of("mailto:dmarc@" + d) : rua;
        DmarcRecordText dmarc;
        if (dmarcBase.isPresent()) {
            dmarc = stage.apply(dmarcBase.get());
        } else {
            Set<String> ruaAll = new LinkedHashSet<>();
            Set<String> rufAll = new LinkedHashSet<>();
            if (uk && !centralRua.isEmpty()) {
                ruaAll.add(centralRua);
            }
            ruaAll.addAll(ownRua);
            if (uk && !centralRuf.isEmpty()) {
                rufAll.add(centralRuf);
            }
            rufAll.addAll(ruf);
            DmarcRecordText base = DmarcRecordText.of(stage.policy()).withRua(List.copyOf(ruaAll)).withRuf(List.copyOf(rufAll));
            if (uk || !rufAll.isEmpty()) {
                base = base.withFailureOptions(List.of("1"));
            }
            dmarc = stage.apply(base);
        }
        out.add(new PublishedRecord("_dmarc." + d + ".", "TXT", dmarc.text(), ttl, "DMARC policy, stage " + stage.label()
                + (stage.next().map(n -> " (next: " + n.label() + ")").orElse(" (final stage)"))));
        if (dmarc.rua().size() > 2) {
            notes.add("More than two rua addresses: receivers need deliver to two only (RFC 7489 6.2).");
        }
        for (String u : dmarc.rua()) {
            mailboxHost(u).filter(h -> h.equals(d)).ifPresent(h -> notes.add("Create the mailbox " + u.substring(7) + " to receive the DMARC aggregate reports (XML, daily)."));
        }
        Set<String> authorised = new LinkedHashSet<>();
        for (String u : concat(dmarc.rua(), dmarc.ruf())) {
            Optional<String> host = mailboxHost(u);
            if (host.isEmpty() || sameOrg(host.get(), d) || isCentral(u)) {
                continue;
            }
            if (authorised.add(host.get())) {
                out.add(new PublishedRecord(d + "._report._dmarc." + host.get() + ".", "TXT", "v=DMARC1", ttl,
                        "authorises " + host.get() + " to receive " + d + "'s DMARC reports (RFC 7489 7.1): publish in the zone of " + host.get()));
            }
        }
        if (uk && !centralRua.isEmpty()) {
            notes.add("The central addresses (" + centralRua + (centralRuf.isEmpty() ? "" : ", " + centralRuf)
                    + ") come from GOV.UK's 2018 guidance; NCSC Mail Check was reported retired in 2026: check they still accept reports "
                    + "(--uk-central-rua / --uk-central-reporting off).");
        }
        if (uk && !centralRuf.isEmpty() && dmarc.ruf().contains(centralRuf)) {
            notes.add("The guidance asks for the central ruf, but Mail Check says failure reports are no longer collected (check reports UK-DMARC-CENTRAL-RUF).");
        }
        if (dmarc.percent().isPresent()) {
            notes.add(DmarcRollout.pctNote());
        }

        // ---- SPF ----
        Optional<SpfLookupCount> spfCount = Optional.empty();
        if (!spfIncludes.isEmpty() || !spfIps.isEmpty()) {
            List<String> terms = new ArrayList<>();
            terms.add("v=spf1");
            spfIncludes.forEach(i -> terms.add("include:" + i));
            for (String ip : spfIps) {
                terms.add((ip.contains(":") ? "ip6:" : "ip4:") + ip);
            }
            terms.add(spfAll);
            String spf = String.join(" ", terms);
            long countedTerms = spfIncludes.size();
            String purpose = "SPF: authorises " + String.join(", ", concat(spfIncludes, spfIps)) + "; " + countedTerms + " DNS-querying term(s) at the top";
            if (resolver.isPresent()) {
                SpfLookupCount c = SpfLookupCount.of(resolver.get(), clock, d, spf);
                spfCount = Optional.of(c);
                purpose = "SPF: authorises " + String.join(", ", concat(spfIncludes, spfIps)) + "; " + c.lookups() + " of 10 DNS lookups (RFC 7208 4.6.4)";
                if (!c.withinLimits()) {
                    notes.add("SPF check: " + c.verdict().keyword() + (c.problem().map(p -> " (" + p + ")").orElse(""))
                            + ": " + c.lookups() + " DNS-querying terms, " + c.voidLookups() + " void lookups. Receivers will permerror: remove includes or use ip4/ip6 ranges.");
                }
            } else {
                notes.add("SPF lookups through includes not counted (no resolver).");
            }
            out.add(new PublishedRecord(d + ".", "TXT", spf, ttl, purpose));
            if (uk && spfAll.equals("?all")) {
                notes.add("UK guidance: SPF must end in at least a soft fail (~all).");
            }
        } else {
            notes.add("No SPF record generated: give --spf-include and/or --spf-ip (or publish v=spf1 -all if " + d + " sends no mail).");
        }

        // ---- DKIM ----
        if (dkimSelector.isPresent() && dkimKey.isPresent()) {
            DkimKeyFile.Result.Ok k = dkimKey.get();
            out.add(new PublishedRecord(dkimSelector.get() + "._domainkey." + d + ".", "TXT", k.value(), ttl,
                    "DKIM public key (" + k.keyType() + (k.keyType().equals("rsa") ? " " + k.bits() + " bits" : "") + ") for selector " + dkimSelector.get()));
            if (k.keyType().equals("rsa") && k.bits() < 2048) {
                notes.add("RSA key of " + k.bits() + " bits: RFC 8301 asks for at least 2048 (the 2018 guidance's 1024 is superseded).");
            }
        }

        // ---- MTA-STS ----
        if (mtaStsMode.isPresent()) {
            String id = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(clock.instant());
            out.add(new PublishedRecord("_mta-sts." + d + ".", "TXT", "v=STSv1; id=" + id, ttl,
                    "MTA-STS (RFC 8461): senders fetch the policy; change id whenever the policy file changes"));
            long maxAge = mtaStsMode.get().equals("enforce") ? 1209600 : 86400;
            StringBuilder policy = new StringBuilder("version: STSv1\r\nmode: " + mtaStsMode.get() + "\r\n");
            if (mxHosts.isEmpty()) {
                notes.add("MTA-STS: no MX hosts known for " + d + ": add one mx: line per MX host to the policy.");
            }
            for (String mx : mxHosts) {
                policy.append("mx: ").append(Resolver.normalise(mx)).append("\r\n");
            }
            policy.append("max_age: ").append(maxAge).append("\r\n");
            files.add(new ServedFile("https://mta-sts." + d + "/.well-known/mta-sts.txt", "text/plain", policy.toString(),
                    "MTA-STS policy file, served over HTTPS with a valid certificate for mta-sts." + d));
            notes.add("MTA-STS needs a web host: mta-sts." + d + " (A/AAAA or CNAME) serving the policy file with a publicly trusted certificate.");
            if (tlsrpt.isEmpty() && !(uk && !centralTlsRpt.isEmpty())) {
                notes.add("Publish TLS-RPT (--tlsrpt) before enforcing MTA-STS, to see delivery failures.");
            }
        }

        // ---- TLS-RPT ----
        List<String> rpt = new ArrayList<>();
        if (uk && !centralTlsRpt.isEmpty()) {
            rpt.add(centralTlsRpt);
        }
        rpt.addAll(tlsrpt);
        if (!rpt.isEmpty() && (!tlsrpt.isEmpty() || mtaStsMode.isPresent() || uk)) {
            out.add(new PublishedRecord("_smtp._tls." + d + ".", "TXT", "v=TLSRPTv1; rua=" + String.join(",", new LinkedHashSet<>(rpt)), ttl,
                    "TLS-RPT (RFC 8460): daily reports of TLS failures delivering to " + d));
        }
        return new Plan(d, out, files, notes, spfCount, stage);
    }

    private static boolean isCentral(String uri) {
        Optional<String> h = mailboxHost(uri);
        return h.isPresent() && (h.get().equals("dmarc.service.gov.uk") || h.get().endsWith(".mailcheck.service.ncsc.gov.uk"));
    }

    private boolean sameOrg(String host, String d) {
        if (host.equals(d) || host.endsWith("." + d)) {
            return true;
        }
        return psl.registrableDomain(host).equals(psl.registrableDomain(d)) && psl.registrableDomain(d).isPresent();
    }

    static Optional<String> mailboxHost(String uri) {
        if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            return Optional.empty();
        }
        String a = uri.substring(7).replaceFirst("[!?].*$", "");
        int at = a.lastIndexOf('@');
        return at > 0 && at < a.length() - 1 ? Optional.of(a.substring(at + 1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    static String mailto(String addr) {
        return addr.regionMatches(true, 0, "mailto:", 0, 7) || addr.contains("://") ? addr : "mailto:" + addr;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
