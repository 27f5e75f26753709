package org.mailward.check;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.mailward.check.probe.PolicyFetcher;
import org.mailward.check.probe.ProbeCache;
import org.mailward.check.probe.SmtpTlsProber;
import org.mailward.dns.Resolver;

/**
 * Checks domains: gathers each domain's evidence once ({@link DomainEvidence}) and runs the areas in order, then
 * GEN-DNS-INCONCLUSIVE over every failed lookup. Batches run on virtual threads with at most {@code concurrency}
 * domains in flight (a semaphore); SMTP probes are shared per IP through one {@link ProbeCache} for the whole run.
 *
 * <pre>
 *   domain ─► GEN-DOMAIN-NXDOMAIN? ─► DMARC ─► REPORTAUTH ─► SPF ─► DKIM ─► MX ─► PTR ─► TLS ─► CERT ─► TLSRPT ─► MTASTS ─► DNSSEC/DANE ─► [RPKI] ─► [BIMI] ─► UK ─► GEN-DNS-INCONCLUSIVE
 *                 (stop if missing)    └──────────── DomainEvidence (DNS answers, probes, policy) ────────────┘
 * </pre>
 *
 */
public final class CheckRunner {

    private final CheckConfig config;
    private final ProbeCache probes;
    private final PolicyFetcher fetcher;
    private final List<AreaCheck> areas;

    public CheckRunner(CheckConfig config) {
        this.config = config;
        this.probes = new ProbeCache(new SmtpTlsProber(config.connectTimeout(), config.readTimeout(), config.connectionDeadline(),
                config.ehloName()), config.clock(), config.probeCacheTtl());
        this.fetcher = new PolicyFetcher(config.connectTimeout(), config.readTimeout(), config.connectionDeadline(), config.policyMaxBytes());
        List<AreaCheck> list = new ArrayList<>(List.of(new DmarcChecks(), new ReportAuthChecks(), new SpfChecks(), new DkimChecks(), new MxChecks(), new PtrChecks(), new TlsChecks(), new CertChecks(), new CertRevocation(), new TlsRptChecks(),
                new MtaStsChecks(), new DnssecDaneChecks()));
        // Optional modules (CHECKS.md 13, 14) are listed, and so get an area status, only when enabled.
        if (config.rpki().isPresent()) {
            list.add(new RpkiChecks());
        }
        if (config.bimi()) {
            list.add(new BimiChecks());
        }
        list.add(new UkChecks());
        this.areas = List.copyOf(list);
    }

    /** The areas this runner evaluates, in order (GEN first). */
    public List<Area> areas() {
        List<Area> a = new ArrayList<>();
        a.add(Area.GEN);
        areas.forEach(x -> a.add(x.area()));
        return a;
    }

    public DomainReport check(String domainName) {
        long start = System.nanoTime();
        String domain = Resolver.normalise(domainName);
        DnsLookups dns = new DnsLookups(config.resolver(), config.resolverLabel(), config.clock());
        DomainEvidence ev = new DomainEvidence(domain, config, dns, probes, fetcher);
        List<Finding> findings = new ArrayList<>(GeneralChecks.domainMissing(ev));
        List<String> manual = List.of();
        if (findings.isEmpty()) {
            ev.prefetch();
            for (AreaCheck area : areas) {
                findings.addAll(area.check(ev, List.copyOf(findings)));
            }
            findings.addAll(GeneralChecks.nameServers(ev));
            manual = UkChecks.manualItems(ev);
        }
        findings.addAll(GeneralChecks.inconclusive(ev));
        return new DomainReport(domain, DomainReport.statusOf(findings), DomainReport.areaStatuses(areas(), findings), findings, manual,
                dns.questions(), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Checks every domain with at most {@code concurrency} in flight; {@code sink} receives each report as it
     * finishes (called from several threads, one call at a time). A bug in one domain's check is passed to
     * {@code failed} (same locking) for that domain only; the batch goes on.
     */
    public void checkAll(List<String> domains, int concurrency, Consumer<DomainReport> sink, BiConsumer<String, Throwable> failed)
            throws InterruptedException {
        Semaphore permits = new Semaphore(Math.max(1, concurrency));
        Object lock = new Object();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String d : domains) {
                permits.acquire();
                ex.submit(() -> {
                    try {
                        DomainReport r;
                        try {
                            r = check(d);
                        } catch (RuntimeException | Error e) {
                            synchronized (lock) {
                                failed.accept(d, e);
                            }
                            return null;
                        }
                        synchronized (lock) {
                            sink.accept(r);
                        }
                    } finally {
                        permits.release();
                    }
                    return null;
                });
            }
        }
    }

    /** As above; a domain whose check fails with a bug is reported as an {@link IllegalStateException} at the end. */
    public void checkAll(List<String> domains, int concurrency, Consumer<DomainReport> sink) throws InterruptedException {
        List<Throwable> errors = new ArrayList<>();
        checkAll(domains, concurrency, sink, (d, e) -> errors.add(new IllegalStateException("checking " + d + ": " + e, e)));
        if (!errors.isEmpty()) {
            IllegalStateException first = (IllegalStateException) errors.get(0);
            errors.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Number of distinct SMTP addresses probed so far in this run. */
    public int probedAddresses() {
        return probes.size();
    }
}
