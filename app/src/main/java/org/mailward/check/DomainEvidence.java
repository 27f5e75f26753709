package org.mailward.check;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.mailward.check.probe.PolicyFetcher;
import org.mailward.check.probe.ProbeCache;
import org.mailward.check.probe.SmtpProbeResult;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.records.MtaStsPolicy;
import org.mailward.records.MtaStsRecord;

/**
 * The evidence of one domain, gathered once and shared by every area (STYLE.md "The checker mirrors its
 * catalogue"): DNS answers (through {@link DnsLookups}), the MX hosts and their addresses, the SMTP/TLS probe of each
 * address (through the run's per-IP {@link ProbeCache}) and the MTA-STS policy. Each piece is computed on first use.
 */
public final class DomainEvidence {

    private final String domain;
    private final CheckConfig config;
    private final DnsLookups dns;
    private final ProbeCache probes;
    private final PolicyFetcher fetcher;
    private final Supplier<List<MailHost>> hosts;
    private final Supplier<List<ProbedAddress>> probed;
    private final Supplier<MtaStsState> mtaSts;
    private final Supplier<DmarcState> dmarc;

    public DomainEvidence(String domain, CheckConfig config, DnsLookups dns, ProbeCache probes, PolicyFetcher fetcher) {
        this.domain = domain;
        this.config = config;
        this.dns = dns;
        this.probes = probes;
        this.fetcher = fetcher;
        this.hosts = memo(this::gatherHosts);
        this.probed = memo(this::gatherProbes);
        this.mtaSts = memo(this::gatherMtaSts);
        this.dmarc = memo(() -> new DmarcState(this));
    }

    public String domain() {
        return domain;
    }

    public CheckConfig config() {
        return config;
    }

    public DnsLookups dns() {
        return dns;
    }

    public CheckConfig.Profile profile() {
        return config.profileFor(domain);
    }

    public DnsAnswer query(String name, RecordType type) {
        return dns.query(name, type);
    }

    public Evidence evidence(String name, RecordType type) {
        return dns.evidence(name, type);
    }

    public DnsAnswer mx() {
        return dns.query(domain, RecordType.MX);
    }

    /** RFC 7505: the domain publishes a null MX (an MX whose exchange is the root). */
    public boolean hasNullMx() {
        return mx().recordsOf(DnsRecord.Mx.class).stream().anyMatch(r -> r.exchange().isEmpty());
    }

    /** The distinct MX hosts (null MX excluded), by preference, with their A and AAAA answers. */
    public List<MailHost> hosts() {
        return hosts.get();
    }

    /** The SMTP/TLS probe of every address of every MX host (empty when probing is off or the domain has null MX). */
    public List<ProbedAddress> probes() {
        return probed.get();
    }

    public MtaStsState mtaSts() {
        return mtaSts.get();
    }

    /** The DMARC records, discovery and Organizational Domains of the domain (shared by DMARC, REPORTAUTH, UK, MX). */
    public DmarcState dmarc() {
        return dmarc.get();
    }

    /**
     * The apex TXT strings that select as SPF (RFC 7208 4.5: exactly {@code v=spf1} or {@code v=spf1} and a space).
     * Selection only: evaluation belongs to auth.spf.
     */
    public List<String> spfRecords() {
        return dns.query(domain, RecordType.TXT).texts().stream()
                .filter(t -> t.regionMatches(true, 0, "v=spf1", 0, 6) && (t.length() == 6 || t.charAt(6) == ' ')).toList();
    }

    /**
     * CHECKS.md UK-NONSENDING-*: the domain is non-sending when the user says so, when it publishes a null MX, or when
     * its only SPF record is exactly {@code v=spf1 -all}.
     */
    public Optional<String> nonSendingReason() {
        if (config.nonSending()) {
            return Optional.of("declared non-sending (--non-sending)");
        }
        if (hasNullMx()) {
            return Optional.of("publishes a null MX");
        }
        List<String> spf = spfRecords();
        if (spf.size() == 1 && spf.get(0).trim().replaceAll(" +", " ").equalsIgnoreCase("v=spf1 -all")) {
            return Optional.of("SPF is exactly v=spf1 -all");
        }
        return Optional.empty();
    }

    /**
     * Starts, in parallel, the questions every check of an existing domain asks (DMARC, SPF, MX, DKIM selectors,
     * MTA-STS, TLS-RPT), so the areas find them answered instead of waiting one round trip per question. Called once
     * the domain is known to exist (its SOA question is not NXDOMAIN), so a missing domain costs one question.
     */
    public void prefetch() {
        List<DnsLookups.Question> qs = new ArrayList<>();
        qs.add(new DnsLookups.Question("_dmarc." + domain, RecordType.TXT));
        qs.add(new DnsLookups.Question(domain, RecordType.TXT));
        qs.add(new DnsLookups.Question(domain, RecordType.MX));
        qs.add(new DnsLookups.Question(DkimChecks.wildcardProbe(domain), RecordType.TXT));
        java.util.LinkedHashSet<String> selectors = new java.util.LinkedHashSet<>(config.dkimSelectors());
        if (config.probeDkim()) {
            selectors.addAll(DkimChecks.PROBES);
        }
        selectors.forEach(sel -> qs.add(new DnsLookups.Question(sel + "._domainkey." + domain, RecordType.TXT)));
        qs.add(new DnsLookups.Question("_mta-sts." + domain, RecordType.TXT));
        qs.add(new DnsLookups.Question("_smtp._tls." + domain, RecordType.TXT));
        dns.prefetch(qs);
    }

    private List<MailHost> gatherHosts() {
        Map<String, int[]> seen = new LinkedHashMap<>();
        mx().recordsOf(DnsRecord.Mx.class).stream()
                .sorted((x, y) -> Integer.compare(x.preference(), y.preference()))
                .filter(r -> !r.exchange().isEmpty())
                .forEach(r -> seen.computeIfAbsent(r.exchange(), k -> new int[] {r.preference(), 0})[1]++);
        // every host's A and AAAA questions at once (the loop below asks each of them)
        dns.prefetch(seen.keySet().stream().limit(50).filter(h -> !h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !h.contains(":"))
                .flatMap(h -> java.util.stream.Stream.of(new DnsLookups.Question(h, RecordType.A), new DnsLookups.Question(h, RecordType.AAAA)))
                .toList());
        List<MailHost> out = new ArrayList<>();
        // Bounded: a hostile MX RRset of thousands of hosts is checked on its first 50 hosts only.
        seen.entrySet().stream().limit(50).forEach(e -> {
            String h = e.getKey();
            if (h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || h.contains(":")) {
                // An IP literal as exchange (MX-HOST-ALIAS-OR-LITERAL): its addresses are not looked up.
                DnsAnswer none = new DnsAnswer(h, RecordType.A, org.mailward.dns.DnsStatus.NODATA, List.of(), List.of(), false, 0,
                        "not asked: the exchange is an IP literal");
                out.add(new MailHost(h, e.getValue()[0], e.getValue()[1], none, new DnsAnswer(h, RecordType.AAAA,
                        org.mailward.dns.DnsStatus.NODATA, List.of(), List.of(), false, 0, "not asked: the exchange is an IP literal")));
                return;
            }
            DnsAnswer a = dns.query(h, RecordType.A);
            DnsAnswer aaaa = dns.query(h, RecordType.AAAA);
            out.add(new MailHost(h, e.getValue()[0], e.getValue()[1], a, aaaa));
        });
        return List.copyOf(out);
    }

    private List<ProbedAddress> gatherProbes() {
        if (!config.probeSmtp() || hasNullMx()) {
            return List.of();
        }
        List<MailHost> hs = hosts();
        List<CompletableFuture<ProbedAddress>> futures = new ArrayList<>();
        for (MailHost h : hs) {
            if (h.isIpLiteral()) {
                continue;
            }
            // Non-routable addresses (MX-HOST-PRIVATE-IP) are not probed: they are not the internet's view of the MX.
            for (InetAddress addr : h.addresses().stream().filter(x -> !MxChecks.nonRoutable(x, config.treatAsPublic())).limit(10).toList()) {
                futures.add(probes.probe(addr, config.smtpPort(), h.name()).thenApply(r -> new ProbedAddress(h, addr, r)));
            }
        }
        List<ProbedAddress> out = new ArrayList<>();
        for (CompletableFuture<ProbedAddress> f : futures) {
            out.add(f.join());
        }
        return List.copyOf(out);
    }

    private MtaStsState gatherMtaSts() {
        DnsAnswer txt = dns.query("_mta-sts." + domain, RecordType.TXT);
        List<String> candidates = txt.texts().stream().filter(MtaStsRecord::isCandidate).toList();
        Optional<MtaStsRecord> record = candidates.size() == 1 ? Optional.of(MtaStsRecord.parse(candidates.get(0))) : Optional.empty();
        if (candidates.isEmpty()) {
            return new MtaStsState(txt, candidates, record, Optional.empty(), Optional.empty(), Optional.empty());
        }
        String host = "mta-sts." + domain;
        DnsAnswer addr = dns.query(host, RecordType.A);
        if (!addr.hasRecords() && !addr.status().isError()) {
            DnsAnswer v6 = dns.query(host, RecordType.AAAA);
            if (v6.hasRecords() || v6.status().isError()) {
                addr = v6;
            }
        }
        if (!addr.hasRecords()) {
            return new MtaStsState(txt, candidates, record, Optional.of(addr), Optional.empty(), Optional.empty());
        }
        InetAddress ip = addr.records().get(0) instanceof DnsRecord.A a ? a.address() : ((DnsRecord.Aaaa) addr.records().get(0)).address();
        PolicyFetcher.Result fetched = fetcher.fetch(host, ip, config.httpsPort());
        Optional<MtaStsPolicy> policy = Optional.empty();
        if (fetched instanceof PolicyFetcher.Response r && r.status() == 200 && !r.oversized()) {
            policy = Optional.of(MtaStsPolicy.parse(r.text()));
        }
        return new MtaStsState(txt, candidates, record, Optional.of(addr), Optional.of(fetched), policy);
    }

    private static <T> Supplier<T> memo(Supplier<T> s) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }
}
