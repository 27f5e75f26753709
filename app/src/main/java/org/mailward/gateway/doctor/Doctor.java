package org.mailward.gateway.doctor;

import java.net.InetAddress;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.spf.SpfEvaluator;
import org.mailward.auth.spf.SpfRequest;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.spf.SpfVerdict;
import org.mailward.check.Area;
import org.mailward.check.CertChains;
import org.mailward.check.CheckRunner;
import org.mailward.check.DomainReport;
import org.mailward.check.Finding;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.config.GatewayConfig.DkimDefinition;
import org.mailward.gateway.doctor.DoctorItem.Status;
import org.mailward.gateway.outbound.DkimDefinitions;
import org.mailward.smtp.tls.KeyMaterial;
import org.mailward.smtp.tls.TlsProfile;

/**
 * Checks a gateway deployment against the outside view (package doc). Every item is computed from DNS answers, the
 * configuration and the certificate; nothing here talks SMTP. Areas the checker already covers (DMARC, MTA-STS,
 * TLS-RPT) come from {@link CheckRunner} with its CHECKS.md ids, so one implementation serves both commands.
 */
public final class Doctor {

    /** A certificate expiring sooner than this is a warning (issue 8: "not expiring within 30 days"). */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private static final Set<Area> CHECKER_AREAS = Set.of(Area.DMARC, Area.REPORTAUTH, Area.MTASTS, Area.TLSRPT);

    private final Resolver resolver;
    private final Clock clock;
    private final Set<X509Certificate> trustAnchors;
    private final Optional<CheckRunner> checker;

    /**
     * @param checker the domain checker for the DMARC, MTA-STS and TLS-RPT items (configured without SMTP probes);
     *                empty to leave those areas out
     */
    public Doctor(Resolver resolver, Clock clock, Set<X509Certificate> trustAnchors, Optional<CheckRunner> checker) {
        this.resolver = Objects.requireNonNull(resolver);
        this.clock = Objects.requireNonNull(clock);
        this.trustAnchors = Set.copyOf(trustAnchors);
        this.checker = Objects.requireNonNull(checker);
    }

    /**
     * @param config        the gateway configuration
     * @param outbound      the addresses the gateway sends from (what SPF and PTR must cover)
     * @param certificate   the listeners' certificate chain and key; empty when none is configured (self-signed)
     */
    public List<DoctorItem> run(GatewayConfig config, List<InetAddress> outbound, Optional<KeyMaterial> certificate) {
        List<DoctorItem> items = new ArrayList<>();
        String host = Resolver.normalise(config.hostname());
        hostname(host, outbound, items);
        for (InetAddress ip : outbound) {
            reverse(ip, host, items);
        }
        Set<String> ourNames = ourNames(config, host, outbound);
        certificate(certificate, ourNames, items);
        tlsProfiles(config, items);
        List<DkimDefinitions.Checked> dkim = DkimDefinitions.check(config.dkim(), resolver);
        SpfEvaluator spf = new SpfEvaluator(resolver, clock, host);
        for (GatewayConfig.LocalDomain d : config.localDomains()) {
            mx(d.domain(), ourNames, host, items);
            for (InetAddress ip : outbound) {
                spf(spf, d.domain(), ip, host, items);
            }
            dkim(d.domain(), dkim, items);
            checker.ifPresent(c -> checkerItems(c, d.domain(), items));
            reflector(config, d.domain(), items);
        }
        secureDelivery(config, items);
        return List.copyOf(items);
    }

    /** The worst status of a checklist (PASS when empty). */
    public static Status worst(List<DoctorItem> items) {
        return items.stream().map(DoctorItem::status).max(Enum::compareTo).orElse(Status.PASS);
    }

    private void hostname(String host, List<InetAddress> outbound, List<DoctorItem> items) {
        Addresses a = addresses(host);
        if (a.failed()) {
            items.add(DoctorItem.of("DOCTOR-HOSTNAME-ADDRESS", Status.WARN, host, "the address lookup failed (" + a.why() + "): could not be checked", "retry; check the DNS servers"));
            return;
        }
        if (a.list().isEmpty()) {
            items.add(DoctorItem.of("DOCTOR-HOSTNAME-ADDRESS", Status.ERROR, host, "the gateway's hostname (EHLO name) has no A or AAAA record",
                    "publish " + host + ". IN A <outbound address> (and AAAA for IPv6)"));
            return;
        }
        List<InetAddress> missing = outbound.stream().filter(ip -> !a.list().contains(ip)).toList();
        if (missing.isEmpty()) {
            items.add(DoctorItem.pass("DOCTOR-HOSTNAME-ADDRESS", host, "resolves to " + text(a.list())));
        } else {
            items.add(DoctorItem.of("DOCTOR-HOSTNAME-ADDRESS", Status.WARN, host, "resolves to " + text(a.list()) + " but not to the outbound address(es) " + text(missing),
                    "add " + missing.stream().map(ip -> host + ". IN " + (ip.getAddress().length == 4 ? "A " : "AAAA ") + ip.getHostAddress()).toList()));
        }
    }

    /** FCrDNS: the PTR of each outbound address names a host that resolves back to it, ideally the EHLO name. */
    private void reverse(InetAddress ip, String host, List<DoctorItem> items) {
        String ipText = ip.getHostAddress();
        DnsAnswer ptr = resolver.query(Resolver.reverseName(ip), RecordType.PTR);
        if (ptr.status() == DnsStatus.SERVFAIL || ptr.status() == DnsStatus.TIMEOUT) {
            items.add(DoctorItem.of("PTR-MISSING", Status.WARN, ipText, "the PTR lookup failed (" + ptr.status().name().toLowerCase(Locale.ROOT) + "): could not be checked", "retry"));
            return;
        }
        List<String> names = ptr.records().stream().filter(r -> r instanceof DnsRecord.Ptr).map(r -> Resolver.normalise(((DnsRecord.Ptr) r).target())).toList();
        if (names.isEmpty()) {
            items.add(DoctorItem.of("PTR-MISSING", Status.ERROR, ipText, "the outbound address has no PTR record",
                    "ask the address's owner to publish " + Resolver.reverseName(ip) + ". IN PTR " + host + "."));
            return;
        }
        List<String> confirmed = names.stream().filter(n -> addresses(n).list().contains(ip)).toList();
        if (confirmed.isEmpty()) {
            items.add(DoctorItem.of("PTR-NOT-CONFIRMED", Status.ERROR, ipText, "PTR names " + names + " but none resolves back to " + ipText,
                    "publish " + names.get(0) + ". IN " + (ip.getAddress().length == 4 ? "A " : "AAAA ") + ipText + " or correct the PTR"));
            return;
        }
        items.add(DoctorItem.pass("PTR-NOT-CONFIRMED", ipText, "PTR " + confirmed.get(0) + " resolves back (FCrDNS)"));
        if (confirmed.contains(host)) {
            items.add(DoctorItem.pass("PTR-HELO-MISMATCH", ipText, "the EHLO name " + host + " is the PTR name"));
        } else {
            items.add(DoctorItem.of("PTR-HELO-MISMATCH", Status.WARN, ipText, "the EHLO name " + host + " differs from the PTR name " + confirmed.get(0),
                    "set hostname: " + confirmed.get(0) + " in mailward.yml, or point the PTR at " + host));
        }
    }

    /** The names other servers reach us by: the EHLO name and every local-domain MX host that resolves to us. */
    private Set<String> ourNames(GatewayConfig config, String host, List<InetAddress> outbound) {
        Set<String> names = new LinkedHashSet<>();
        names.add(host);
        Set<InetAddress> ours = new LinkedHashSet<>(outbound);
        ours.addAll(addresses(host).list());
        for (GatewayConfig.LocalDomain d : config.localDomains()) {
            for (String mx : mxHosts(d.domain())) {
                if (addresses(mx).list().stream().anyMatch(ours::contains)) {
                    names.add(mx);
                }
            }
        }
        return names;
    }

    private void certificate(Optional<KeyMaterial> km, Set<String> names, List<DoctorItem> items) {
        if (km.isEmpty()) {
            items.add(DoctorItem.of("DOCTOR-SELF-SIGNED", Status.WARN, "tls.certificate", "no certificate configured: the gateway presents a self-signed one, "
                    + "which the guidance allows for opportunistic TLS only; senders that verify certificates (MTA-STS, enforced TLS) will not deliver",
                    "set tls.certificate and tls.key to a certificate from a public CA whose names cover " + names));
            return;
        }
        List<X509Certificate> chain = km.get().chain();
        X509Certificate leaf = chain.get(0);
        String subject = "certificate " + leaf.getSubjectX500Principal().getName();
        Instant now = clock.instant();
        List<String> expired = CertChains.outOfValidity(chain, now);
        if (!expired.isEmpty()) {
            items.add(DoctorItem.of("CERT-EXPIRED", Status.ERROR, subject, "outside its validity: " + expired, "renew the certificate"));
        } else if (leaf.getNotAfter().toInstant().isBefore(now.plus(EXPIRY_WARNING))) {
            items.add(DoctorItem.of("CERT-EXPIRING", Status.WARN, subject, "expires " + leaf.getNotAfter().toInstant() + ", within " + EXPIRY_WARNING.toDays() + " days",
                    "renew the certificate"));
        } else {
            items.add(DoctorItem.pass("CERT-EXPIRING", subject, "valid until " + leaf.getNotAfter().toInstant()));
        }
        List<String> uncovered = names.stream().filter(n -> !CertChains.matchesName(leaf, n)).toList();
        if (uncovered.isEmpty()) {
            items.add(DoctorItem.pass("CERT-NAME-MISMATCH", subject, "CN/SAN cover " + names));
        } else {
            items.add(DoctorItem.of("CERT-NAME-MISMATCH", Status.ERROR, subject, "CN/SAN " + CertChains.names(leaf) + " do not cover " + uncovered
                    + " (the names MX records and EHLO use)", "reissue the certificate with subjectAltName " + names));
        }
        Optional<String> untrusted = CertChains.untrusted(chain, trustAnchors);
        if (untrusted.isPresent()) {
            items.add(DoctorItem.of("CERT-UNTRUSTED", Status.ERROR, subject, untrusted.get(),
                    "use a certificate from a public CA and configure the whole chain (leaf first) in tls.certificate"));
        } else {
            items.add(DoctorItem.pass("CERT-UNTRUSTED", subject, "the chain validates to a trusted root"));
        }
        String weak = weakness(leaf);
        if (weak == null) {
            items.add(DoctorItem.pass("CERT-WEAK-KEY-OR-ALG", subject, "key and signature algorithms acceptable"));
        } else {
            items.add(DoctorItem.of("CERT-WEAK-KEY-OR-ALG", Status.ERROR, subject, weak, "reissue with an RSA key of at least 2048 bits or ECDSA P-256, signed with SHA-256 or better"));
        }
    }

    private static String weakness(X509Certificate c) {
        PublicKey k = c.getPublicKey();
        int bits = CertChains.keyBits(k);
        if (k instanceof RSAKey && bits < 2048) {
            return "RSA key of " + bits + " bits (NCSC: at least 2048)";
        }
        if (k instanceof ECKey && bits < 256) {
            return "EC key of " + bits + " bits";
        }
        String alg = c.getSigAlgName().toUpperCase(Locale.ROOT);
        if (alg.contains("SHA1") || alg.contains("MD5")) {
            return "signed with " + c.getSigAlgName();
        }
        return null;
    }

    private static void tlsProfiles(GatewayConfig config, List<DoctorItem> items) {
        Set<String> protocols = Set.of("TLSv1.2", "TLSv1.3");
        Set<String> suites = new LinkedHashSet<>(TlsProfile.NCSC_TLS13_SUITES);
        suites.addAll(TlsProfile.NCSC_TLS12_SUITES);
        for (GatewayConfig.Listener l : config.listeners()) {
            String name = l.tlsProfile() == null || l.tlsProfile().isEmpty() ? config.tls().defaultProfile() : l.tlsProfile();
            TlsProfile p = config.tls().profile(name);
            if (p == null) {
                p = TlsProfile.builtIn(name).orElse(null);
            }
            String subject = "listener " + l.name();
            if (p == null) {
                items.add(DoctorItem.of("DOCTOR-TLS-PROFILE", Status.ERROR, subject, "unknown TLS profile " + name, "use tlsProfile: ncsc"));
                continue;
            }
            List<String> badProtocols = p.protocols().stream().filter(x -> !protocols.contains(x)).toList();
            List<String> badSuites = p.cipherSuites().stream().filter(x -> !suites.contains(x)).toList();
            if (badProtocols.isEmpty() && badSuites.isEmpty()) {
                items.add(DoctorItem.pass("DOCTOR-TLS-PROFILE", subject, "profile " + p.name() + " is within the NCSC baseline (TLS 1.2/1.3, AEAD with ECDHE)"));
            } else {
                items.add(DoctorItem.of("DOCTOR-TLS-PROFILE", Status.WARN, subject, "profile " + p.name() + " goes beyond the NCSC baseline: "
                        + (badProtocols.isEmpty() ? "" : "protocols " + badProtocols + " ") + (badSuites.isEmpty() ? "" : "suites " + badSuites),
                        "use tlsProfile: ncsc, or remove those entries from the profile"));
            }
        }
    }

    private void mx(String domain, Set<String> ourNames, String host, List<DoctorItem> items) {
        DnsAnswer a = resolver.query(domain, RecordType.MX);
        if (a.status() == DnsStatus.SERVFAIL || a.status() == DnsStatus.TIMEOUT) {
            items.add(DoctorItem.of("DOCTOR-MX", Status.WARN, domain, "the MX lookup failed: could not be checked", "retry"));
            return;
        }
        List<String> hosts = mxHosts(a);
        if (hosts.isEmpty()) {
            items.add(DoctorItem.of("DOCTOR-MX", Status.ERROR, domain, "no MX record: mail for the domain does not come through the gateway",
                    "publish " + domain + ". IN MX 10 " + host + "."));
            return;
        }
        List<String> elsewhere = hosts.stream().filter(h -> !ourNames.contains(h)).toList();
        if (elsewhere.size() == hosts.size()) {
            items.add(DoctorItem.of("DOCTOR-MX", Status.ERROR, domain, "MX " + hosts + " point elsewhere, not at this gateway",
                    "publish " + domain + ". IN MX 10 " + host + ". and remove the others"));
        } else if (!elsewhere.isEmpty()) {
            items.add(DoctorItem.of("DOCTOR-MX", Status.WARN, domain, "MX " + elsewhere + " bypass the gateway (inbound checks are skipped for mail sent there)",
                    "remove those MX records or route them through the gateway"));
        } else {
            items.add(DoctorItem.pass("DOCTOR-MX", domain, "MX " + hosts + " point at this gateway"));
        }
    }

    private void spf(SpfEvaluator spf, String domain, InetAddress ip, String host, List<DoctorItem> items) {
        SpfResult r = spf.evaluate(new SpfRequest(ip, "postmaster@" + domain, host));
        String subject = domain + " from " + ip.getHostAddress();
        if (r.result() == SpfVerdict.PASS) {
            items.add(DoctorItem.pass("DOCTOR-SPF-AUTHORISES", subject, "SPF pass"));
        } else {
            Status s = r.result() == SpfVerdict.TEMPERROR ? Status.WARN : Status.ERROR;
            items.add(DoctorItem.of("DOCTOR-SPF-AUTHORISES", s, subject, "SPF " + r.result().name().toLowerCase(Locale.ROOT)
                    + ": the gateway's outbound address is not authorised to send for " + domain,
                    "add " + (ip.getAddress().length == 4 ? "ip4:" : "ip6:") + ip.getHostAddress() + " to the SPF record of " + domain));
        }
    }

    private static void dkim(String domain, List<DkimDefinitions.Checked> checked, List<DoctorItem> items) {
        List<DkimDefinitions.Checked> mine = checked.stream().filter(c -> c.definition().domain().equalsIgnoreCase(domain)).toList();
        if (mine.isEmpty()) {
            items.add(DoctorItem.of("DOCTOR-DKIM-DEFINITION", Status.WARN, domain, "no DKIM signing definition: outbound mail from the domain is not signed",
                    "./mailward dkim keygen --domain " + domain + " --selector S, publish the record it prints, and add a dkim: entry to mailward.yml"));
            return;
        }
        for (DkimDefinitions.Checked c : mine) {
            DkimDefinition d = c.definition();
            String subject = d.selector() + "._domainkey." + d.domain();
            if (c.enabled()) {
                items.add(DoctorItem.pass("DOCTOR-DKIM-DEFINITION", subject, c.reason()));
            } else {
                String record = DkimKeys.zoneLine(subject, DkimKeys.recordValue(DkimKeys.publicKey(d.key())));
                items.add(DoctorItem.of("DOCTOR-DKIM-DEFINITION", Status.ERROR, subject, c.reason() + "; the definition is disabled and mail goes unsigned",
                        "publish " + record));
            }
        }
    }

    private static void checkerItems(CheckRunner c, String domain, List<DoctorItem> items) {
        DomainReport r = c.check(domain);
        for (Finding f : r.findings()) {
            if (!CHECKER_AREAS.contains(f.area()) && f.area() != Area.GEN) {
                continue;
            }
            Status s = switch (f.severity()) {
                case ERROR -> Status.ERROR;
                case WARN, INCONCLUSIVE -> Status.WARN;
                default -> Status.INFO;
            };
            String fix = f.fix() + f.record().map(x -> " Record: " + x).orElse("");
            items.add(DoctorItem.of(f.id(), s, domain, f.summary(), fix.strip()));
        }
        // a pass only on positive evidence: the checker evaluated the DMARC area and found nothing to warn about
        if (r.areas().get(Area.DMARC) == DomainReport.Status.PASS
                && r.findings().stream().noneMatch(f -> f.area() == Area.GEN && f.severity() != org.mailward.check.Severity.INFO)) {
            items.add(DoctorItem.pass("DOCTOR-DMARC", domain, "DMARC record published without errors or warnings"));
        }
    }

    /** The emailsecurity@ reflector of a local domain: on (pass) or off (warn), from the configuration. */
    private static void reflector(GatewayConfig config, String domain, List<DoctorItem> items) {
        GatewayConfig.Reflector r = config.reflector();
        Optional<String> address = r.addressFor(domain);
        if (address.isEmpty()) {
            String fix = r.domains().stream().anyMatch(x -> x.domain().equals(domain))
                    ? "set enabled: true for " + domain + " under reflector.domains"
                    : "set reflector.enabled: true, or add { domain: " + domain + ", enabled: true } under reflector.domains";
            items.add(DoctorItem.of("DOCTOR-REFLECTOR", Status.WARN, domain, "the reflector is disabled for this domain: the guidance asks for "
                    + "an address (e.g. emailsecurity@" + domain + ") that shows how mail from others is checked", fix));
        } else if (!config.authentication().enabled()) {
            items.add(DoctorItem.of("DOCTOR-REFLECTOR", Status.WARN, address.get(), "inbound authentication is disabled, so the reflector has no "
                    + "results to send and does not answer", "set authentication.enabled: true"));
        } else {
            items.add(DoctorItem.pass("DOCTOR-REFLECTOR", address.get(), "the gateway answers this address with the authentication results "
                    + "(at most " + r.maxRepliesPerSenderPerHour() + " replies per sender per hour)"));
        }
    }

    private static void secureDelivery(GatewayConfig config, List<DoctorItem> items) {
        List<String> enforced = new ArrayList<>();
        for (GatewayConfig.SecureDeliveryRule rule : config.delivery().secureDelivery()) {
            if (!rule.policy().startsWith("enforced")) {
                continue;
            }
            String d = rule.domain().toLowerCase(Locale.ROOT);
            if (d.equals("gov.uk") || d.equals("*.gov.uk")) {
                items.add(DoctorItem.of("DOCTOR-ENFORCED-GOV-UK", Status.WARN, "delivery.secureDelivery", "TLS is enforced for " + rule.domain()
                        + ": the guidance says not to, several gov.uk domains do not support TLS yet", "remove the rule or make it opportunistic"));
            }
            enforced.add(rule.domain() + " (" + rule.policy() + ")");
        }
        items.add(DoctorItem.of("DOCTOR-MANDATORY-TLS", enforced.isEmpty() ? Status.WARN : Status.INFO, "delivery.secureDelivery",
                enforced.isEmpty() ? "no mandatory-TLS rule: the guidance asks for mandatory TLS to *.gsi.gov.uk, *.gsx.gov.uk, *.gse.gov.uk, *.gcsx.gov.uk"
                        : "mandatory TLS in force for " + String.join(", ", enforced),
                enforced.isEmpty() ? "add the guidance's list under delivery.secureDelivery" : ""));
    }

    private List<String> mxHosts(String domain) {
        return mxHosts(resolver.query(domain, RecordType.MX));
    }

    private static List<String> mxHosts(DnsAnswer a) {
        return a.records().stream().filter(r -> r instanceof DnsRecord.Mx).map(r -> Resolver.normalise(((DnsRecord.Mx) r).exchange()))
                .filter(h -> !h.isEmpty()).distinct().toList();
    }

    private record Addresses(List<InetAddress> list, boolean failed, String why) {
    }

    private Addresses addresses(String host) {
        List<InetAddress> out = new ArrayList<>();
        boolean failed = false;
        String why = "";
        for (RecordType t : List.of(RecordType.A, RecordType.AAAA)) {
            DnsAnswer a = resolver.query(host, t);
            if (a.status() == DnsStatus.SERVFAIL || a.status() == DnsStatus.TIMEOUT) {
                failed = true;
                why = a.status().name().toLowerCase(Locale.ROOT);
            }
            for (DnsRecord r : a.records()) {
                if (r instanceof DnsRecord.A x) {
                    out.add(x.address());
                } else if (r instanceof DnsRecord.Aaaa x) {
                    out.add(x.address());
                }
            }
        }
        return new Addresses(out, failed && out.isEmpty(), why);
    }

    private static String text(List<InetAddress> ips) {
        return ips.stream().map(InetAddress::getHostAddress).toList().toString();
    }
}
