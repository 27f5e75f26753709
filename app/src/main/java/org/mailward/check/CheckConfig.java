package org.mailward.check;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailward.auth.dmarc.DiscoveryMode;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.Resolver;

/**
 * Everything a check run depends on, injected (STYLE.md "Injected world"): resolver, clock, trust anchors, ports and
 * time limits. Immutable; build with {@link #builder(Resolver)}.
 *
 * @param resolver          the shared resolver (usually caching, shared by every domain of a batch)
 * @param resolverLabel     how evidence names the resolver
 * @param clock             "now" for certificate expiry and evidence timestamps ({@code --at})
 * @param smtpPort          port probed on each MX address (25; tests use a free local port)
 * @param probeSmtp         whether to open SMTP connections at all
 * @param connectTimeout    TCP connect timeout of the SMTP and HTTPS probes
 * @param readTimeout       read timeout of the SMTP and HTTPS probes
 * @param connectionDeadline hard limit on one connection
 * @param ehloName          the name the prober sends in EHLO
 * @param egressVerified    outbound port 25 from this machine is known to work (else an unreachable MX is
 *                          INCONCLUSIVE, CHECKS.md MX-UNREACHABLE)
 * @param trustAnchors      the public trust store used for CERT-UNTRUSTED and the MTA-STS policy host
 * @param httpsPort         port of the MTA-STS policy host (443)
 * @param policyMaxBytes    MTA-STS policy size cap (64 KiB)
 * @param profile           forced profile; empty: UK for UK-government domain suffixes, else generic
 * @param treatAsPublic     address prefixes (CIDR) not reported by MX-HOST-PRIVATE-IP (a lab or test network)
 * @param approvedMx        approved MX host names (MX-DUPLICATE-OR-UNAPPROVED); empty: no list
 * @param nonSending        the user says the domain sends no mail (UK-NONSENDING-*)
 * @param ukTlsRptCentral   the UK central TLS-RPT address (UK-TLSRPT-CENTRAL); empty when central reporting is off
 * @param probeCacheTtl     how long a probe of one IP is reused
 * @param dmarcMode         DMARC policy discovery mode (CHECKS.md 0.5: DMARCbis tree walk by default, RFC 7489 PSL)
 * @param psl               the Public Suffix List (RFC 7489 Organizational Domains)
 * @param ukDmarcCentralRua the UK central DMARC aggregate address (UK-DMARC-CENTRAL-RUA); empty when central reporting
 *                          is off
 * @param ukDmarcCentralRuf the central failure-report address the GOV.UK guidance names (UK-DMARC-CENTRAL-RUF)
 * @param dkimSelectors     DKIM selectors the user names (checked strictly: a missing key is an error)
 * @param probeDkim         also probe the built-in list of common selectors (findings labelled "probed")
 * @param reportedSelectors DKIM selectors seen in stored DMARC aggregate reports ({@code [REPORTS]}; none without
 *                          {@code --data})
 * @param webFetcher        fetches http/https URLs (BIMI assets, CRLs, OCSP); default: over the network, hosts
 *                          resolved through {@code resolver}
 * @param bimi              run the optional BIMI module (CHECKS.md 14; off by default and in the UK profile)
 * @param bimiSelector      the BIMI selector to check ({@code default})
 * @param nsConsistency     ask every authoritative nameserver address directly (GEN-NS-INCONSISTENT)
 * @param directResolvers   makes the resolver that asks one nameserver address (port 53 in production)
 * @param rpki              the optional RPKI module's data (VRPs and announcements); empty: module off
 */
public record CheckConfig(Resolver resolver, String resolverLabel, Clock clock, int smtpPort, boolean probeSmtp,
                          Duration connectTimeout, Duration readTimeout, Duration connectionDeadline, String ehloName,
                          boolean egressVerified, Set<X509Certificate> trustAnchors, int httpsPort, int policyMaxBytes,
                          Optional<Profile> profile, List<String> treatAsPublic, Set<String> approvedMx, boolean nonSending,
                          String ukTlsRptCentral, Duration probeCacheTtl, DiscoveryMode dmarcMode, PublicSuffixList psl,
                          String ukDmarcCentralRua, String ukDmarcCentralRuf, List<String> dkimSelectors, boolean probeDkim,
                          ReportedSelectors reportedSelectors, org.mailward.check.probe.WebFetcher webFetcher, boolean bimi,
                          String bimiSelector, boolean nsConsistency, DirectResolvers directResolvers,
                          Optional<org.mailward.check.rpki.OriginValidation> rpki) {

    /** Rule profiles of CHECKS.md: {@code [UK]} rules apply only under UK. */
    public enum Profile { UK, GENERIC }

    public static final String UK_TLSRPT_CENTRAL = "mailto:tls-rua@mailcheck.service.ncsc.gov.uk";

    /** GOV.UK "Set up government email services securely" (2018): the central aggregate-report mailbox. */
    public static final String UK_DMARC_CENTRAL_RUA = "mailto:dmarc-rua@dmarc.service.gov.uk";

    /** The same guidance's central failure-report mailbox (Mail Check says forensic reports are no longer collected). */
    public static final String UK_DMARC_CENTRAL_RUF = "mailto:dmarc-ruf@dmarc.service.gov.uk";

    public CheckConfig {
        trustAnchors = Set.copyOf(trustAnchors);
        treatAsPublic = List.copyOf(treatAsPublic);
        approvedMx = Set.copyOf(approvedMx);
        dkimSelectors = List.copyOf(dkimSelectors);
    }

    /** The profile for one domain: forced, or UK for the UK-government suffixes of CHECKS.md. */
    public Profile profileFor(String domain) {
        if (profile.isPresent()) {
            return profile.get();
        }
        String d = Resolver.normalise(domain);
        for (String s : List.of("gov.uk", "gov.scot", "gov.wales", "llyw.cymru", "nhs.uk", "police.uk")) {
            if (d.equals(s) || d.endsWith("." + s)) {
                return Profile.UK;
            }
        }
        return Profile.GENERIC;
    }

    public static Builder builder(Resolver resolver) {
        return new Builder(resolver);
    }

    public Builder toBuilder() {
        Builder b = new Builder(resolver);
        b.resolverLabel = resolverLabel;
        b.clock = clock;
        b.smtpPort = smtpPort;
        b.probeSmtp = probeSmtp;
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        b.connectionDeadline = connectionDeadline;
        b.ehloName = ehloName;
        b.egressVerified = egressVerified;
        b.trustAnchors = trustAnchors;
        b.httpsPort = httpsPort;
        b.policyMaxBytes = policyMaxBytes;
        b.profile = profile;
        b.treatAsPublic = treatAsPublic;
        b.approvedMx = approvedMx;
        b.nonSending = nonSending;
        b.ukTlsRptCentral = ukTlsRptCentral;
        b.probeCacheTtl = probeCacheTtl;
        b.dmarcMode = dmarcMode;
        b.psl = psl;
        b.ukDmarcCentralRua = ukDmarcCentralRua;
        b.ukDmarcCentralRuf = ukDmarcCentralRuf;
        b.dkimSelectors = dkimSelectors;
        b.probeDkim = probeDkim;
        b.reportedSelectors = reportedSelectors;
        b.webFetcher = webFetcher;
        b.bimi = bimi;
        b.bimiSelector = bimiSelector;
        b.nsConsistency = nsConsistency;
        b.directResolvers = directResolvers;
        b.rpki = rpki.orElse(null);
        return b;
    }

    public static final class Builder {
        private final Resolver resolver;
        private String resolverLabel = "resolver";
        private Clock clock = Clock.systemUTC();
        private int smtpPort = 25;
        private boolean probeSmtp = true;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(10);
        private Duration connectionDeadline = Duration.ofSeconds(30);
        private String ehloName = "mailward-check.invalid";
        private boolean egressVerified;
        private Set<X509Certificate> trustAnchors;
        private int httpsPort = 443;
        private int policyMaxBytes = 64 * 1024;
        private Optional<Profile> profile = Optional.empty();
        private List<String> treatAsPublic = List.of();
        private Set<String> approvedMx = Set.of();
        private boolean nonSending;
        private String ukTlsRptCentral = UK_TLSRPT_CENTRAL;
        private Duration probeCacheTtl = Duration.ofHours(1);
        private DiscoveryMode dmarcMode = DiscoveryMode.DMARCBIS;
        private PublicSuffixList psl;
        private String ukDmarcCentralRua = UK_DMARC_CENTRAL_RUA;
        private String ukDmarcCentralRuf = UK_DMARC_CENTRAL_RUF;
        private List<String> dkimSelectors = List.of();
        private boolean probeDkim = true;
        private ReportedSelectors reportedSelectors = ReportedSelectors.none();
        private org.mailward.check.probe.WebFetcher webFetcher;
        private boolean bimi;
        private String bimiSelector = "default";
        private boolean nsConsistency = true;
        private org.mailward.check.rpki.OriginValidation rpki;
        private DirectResolvers directResolvers = DirectResolvers.network(53, Duration.ofSeconds(2));

        private Builder(Resolver resolver) {
            this.resolver = resolver;
        }

        public Builder resolverLabel(String v) { resolverLabel = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder smtpPort(int v) { smtpPort = v; return this; }
        public Builder probeSmtp(boolean v) { probeSmtp = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }
        public Builder connectionDeadline(Duration v) { connectionDeadline = v; return this; }
        public Builder ehloName(String v) { ehloName = v; return this; }
        public Builder egressVerified(boolean v) { egressVerified = v; return this; }
        public Builder trustAnchors(Set<X509Certificate> v) { trustAnchors = v; return this; }
        public Builder httpsPort(int v) { httpsPort = v; return this; }
        public Builder policyMaxBytes(int v) { policyMaxBytes = v; return this; }
        public Builder profile(Profile v) { profile = Optional.ofNullable(v); return this; }
        public Builder treatAsPublic(List<String> v) { treatAsPublic = v; return this; }
        public Builder approvedMx(Set<String> v) { approvedMx = v.stream().map(Resolver::normalise).collect(java.util.stream.Collectors.toSet()); return this; }
        public Builder nonSending(boolean v) { nonSending = v; return this; }
        public Builder ukTlsRptCentral(String v) { ukTlsRptCentral = v.toLowerCase(Locale.ROOT); return this; }
        public Builder probeCacheTtl(Duration v) { probeCacheTtl = v; return this; }
        public Builder dmarcMode(DiscoveryMode v) { dmarcMode = v; return this; }
        public Builder psl(PublicSuffixList v) { psl = v; return this; }
        /** The central aggregate address ("" turns the central-reporting rules off). */
        public Builder ukDmarcCentralRua(String v) { ukDmarcCentralRua = v.toLowerCase(Locale.ROOT); return this; }
        public Builder ukDmarcCentralRuf(String v) { ukDmarcCentralRuf = v.toLowerCase(Locale.ROOT); return this; }
        public Builder dkimSelectors(List<String> v) { dkimSelectors = v.stream().map(x -> x.trim().toLowerCase(Locale.ROOT)).filter(x -> !x.isEmpty()).toList(); return this; }
        public Builder probeDkim(boolean v) { probeDkim = v; return this; }
        public Builder reportedSelectors(ReportedSelectors v) { reportedSelectors = v; return this; }
        public Builder webFetcher(org.mailward.check.probe.WebFetcher v) { webFetcher = v; return this; }
        public Builder bimi(boolean v) { bimi = v; return this; }
        public Builder bimiSelector(String v) { bimiSelector = v.trim().toLowerCase(Locale.ROOT); return this; }
        public Builder nsConsistency(boolean v) { nsConsistency = v; return this; }
        public Builder directResolvers(DirectResolvers v) { directResolvers = v; return this; }
        /** Turns the RPKI module on with this data (null: off). */
        public Builder rpki(org.mailward.check.rpki.OriginValidation v) { rpki = v; return this; }

        public CheckConfig build() {
            Set<X509Certificate> anchors = trustAnchors != null ? trustAnchors : TrustStores.jdkDefault();
            return new CheckConfig(resolver, resolverLabel, clock, smtpPort, probeSmtp, connectTimeout, readTimeout, connectionDeadline,
                    ehloName, egressVerified, anchors, httpsPort, policyMaxBytes, profile, treatAsPublic, approvedMx, nonSending,
                    ukTlsRptCentral, probeCacheTtl, dmarcMode, psl != null ? psl : PublicSuffixList.bundled(), ukDmarcCentralRua,
                    ukDmarcCentralRuf, dkimSelectors, probeDkim, reportedSelectors,
                    webFetcher != null ? webFetcher : new org.mailward.check.probe.HttpWebFetcher(resolver, connectTimeout, readTimeout, connectionDeadline),
                    bimi, bimiSelector, nsConsistency, directResolvers, Optional.ofNullable(rpki));
        }
    }
}
