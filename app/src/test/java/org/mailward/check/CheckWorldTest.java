package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.mailward.check.world.TestWorld;

/**
 * Runs the checker over the generated test world (zone-file resolver, local SMTP and HTTPS endpoints) and asserts,
 * per domain, exactly the set of finding ids it was built to produce.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckWorldTest {

    private TestWorld world;
    private final Map<String, DomainReport> reports = new ConcurrentHashMap<>();
    private long millis;

    @BeforeAll
    void run() throws Exception {
        world = TestWorld.shared();
        CheckRunner runner = new CheckRunner(world.config(world.resolver()).build());
        long t0 = System.nanoTime();
        runner.checkAll(new ArrayList<>(world.expected().keySet()), 8, r -> reports.put(r.domain(), r));
        millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("checked " + reports.size() + " domains in " + millis + " ms");
    }


    @TestFactory
    Stream<DynamicTest> eachDomainProducesExactlyItsFindings() {
        return world.expected().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            DomainReport r = reports.get(e.getKey());
            assertThat(r).as("report for " + e.getKey()).isNotNull();
            assertThat(r.ids()).as(e.getKey() + " findings:\n" + describe(r)).isEqualTo(new TreeSet<>(e.getValue()));
        }));
    }

    @Test
    void statusFollowsSeverities() {
        assertThat(reports.get("perfect.test").status()).isEqualTo(DomainReport.Status.PASS);
        assertThat(reports.get("perfect.test").findings()).isEmpty();
        assertThat(reports.get("nostarttls.test").status()).isEqualTo(DomainReport.Status.ERROR);
        assertThat(reports.get("nostarttls.test").areas().get(Area.TLS)).isEqualTo(DomainReport.Status.ERROR);
        assertThat(reports.get("nostarttls.test").areas().get(Area.CERT)).isEqualTo(DomainReport.Status.PASS);
        // 421 greeting: MX-UNREACHABLE is INCONCLUSIVE, which never counts as a failure.
        DomainReport busy = reports.get("busy.test");
        assertThat(busy.findings()).filteredOn(f -> f.id().equals("MX-UNREACHABLE")).allMatch(f -> f.severity() == Severity.INCONCLUSIVE);
        assertThat(busy.status()).isEqualTo(DomainReport.Status.WARNING); // from MTASTS-NO-RECORD / TLSRPT-NO-RECORD only
        assertThat(reports.get("nx.test").findings()).hasSize(1);
    }

    @Test
    void severitiesDependOnContext() {
        assertThat(severity("partial.test", "MX-UNREACHABLE")).isEqualTo(Severity.WARN);
        assertThat(severity("unreach.test", "MX-UNREACHABLE")).isEqualTo(Severity.ERROR);
        assertThat(severity("stsnotcovered.test", "MTASTS-MX-NOT-COVERED")).isEqualTo(Severity.ERROR);
        assertThat(severity("stswillfail.test", "MTASTS-ENFORCE-WILL-FAIL")).isEqualTo(Severity.ERROR);
        assertThat(severity("cname.test", "MX-HOST-ALIAS-OR-LITERAL")).isEqualTo(Severity.WARN);
        assertThat(severity("literal.test", "MX-HOST-ALIAS-OR-LITERAL")).isEqualTo(Severity.ERROR);
        assertThat(severity("expiring.test", "CERT-EXPIRING")).isEqualTo(Severity.WARN);
        assertThat(severity("mistyped.gov.uk", "UK-TLSRPT-CENTRAL")).isEqualTo(Severity.ERROR);
        assertThat(severity("central.gov.uk", "UK-TLSRPT-CENTRAL")).isEqualTo(Severity.INFO);
        assertThat(severity("bogus.test", "DNSSEC-BOGUS")).isEqualTo(Severity.INCONCLUSIVE);
        assertThat(reports.get("central.gov.uk").manual()).anyMatch(m -> m.contains("emailsecurity@central.gov.uk"));
        // DMARC / SPF / DKIM / UK severities that depend on profile and context
        assertThat(severity("uk-nop.gov.uk", "DMARC-NO-POLICY-TAG")).isEqualTo(Severity.ERROR);
        assertThat(severity("uk-nop.gov.uk", "DMARC-NO-RUA")).isEqualTo(Severity.ERROR);
        assertThat(severity("dm-nop.test", "DMARC-NO-POLICY-TAG")).isEqualTo(Severity.WARN);
        assertThat(severity("dm-norua.test", "DMARC-NO-RUA")).isEqualTo(Severity.WARN);
        assertThat(severity("dm-spnone.test", "DMARC-SP-NONE")).isEqualTo(Severity.WARN);
        assertThat(severity("dm-spweak.test", "DMARC-SP-NONE")).isEqualTo(Severity.INFO);
        assertThat(severity("dm-uri.test", "DMARC-URI-INVALID")).isEqualTo(Severity.ERROR);
        assertThat(severity("rpt.gov.uk", "UK-NONSENDING-DMARC")).isEqualTo(Severity.INFO);
        assertThat(severity("uk-nonsend.gov.uk", "UK-NONSENDING-DMARC")).isEqualTo(Severity.ERROR);
        assertThat(severity("spf-loop.test", "SPF-LOOP")).isEqualTo(Severity.ERROR);
        assertThat(severity("spf-dupinc.test", "SPF-LOOP")).isEqualTo(Severity.WARN);
        assertThat(severity("uk-spfweak.gov.uk", "SPF-ALL-WEAK")).isEqualTo(Severity.ERROR);
        assertThat(severity("spf-weak.test", "SPF-ALL-WEAK")).isEqualTo(Severity.WARN);
        assertThat(severity("spf-near.test", "SPF-LOOKUP-NEAR-LIMIT")).isEqualTo(Severity.INFO);
        assertThat(severity("dk-sha1.test", "DKIM-SHA1")).isEqualTo(Severity.ERROR);
        assertThat(severity("dk-revoked.test", "DKIM-KEY-REVOKED")).isEqualTo(Severity.INFO);
        assertThat(severity("ptr-out.test", "PTR-MISSING")).isEqualTo(Severity.WARN);
        assertThat(severity("uk-ptrout.gov.uk", "PTR-NOT-CONFIRMED")).isEqualTo(Severity.ERROR);
        // the corrected record is a master-file line for the record's own name
        assertThat(reports.get("dm-dup.test").findings()).filteredOn(f -> f.id().equals("DMARC-DUPLICATE-TAG")).singleElement()
                .matches(f -> f.record().orElseThrow().equals("_dmarc.dm-dup.test. IN TXT \"v=DMARC1;p=reject;rua=mailto:dmarc@reports.test\""));
    }

    @Test
    void handBuiltHelloFindingsNameWhatTheServerChose() {
        assertThat(severity("dh1024.test", "TLS-WEAK-DH")).isEqualTo(Severity.ERROR);
        assertThat(severity("noreneg.test", "TLS-RENEGOTIATION")).isEqualTo(Severity.WARN);
        assertThat(severity("clientreneg.test", "TLS-RENEGOTIATION")).isEqualTo(Severity.WARN);
        assertThat(summary("clientreneg.test", "TLS-RENEGOTIATION")).contains("accepts client-initiated renegotiation");
        assertThat(severity("noems.test", "TLS-RENEGOTIATION")).isEqualTo(Severity.INFO);
        assertThat(severity("p224.test", "TLS-WEAK-DH")).isEqualTo(Severity.WARN);
        assertThat(summary("p224.test", "TLS-WEAK-DH")).contains("ECDHE on secp224r1");
        assertThat(summary("noems.test", "TLS-RENEGOTIATION")).contains("Extended Master Secret");
        assertThat(severity("anon.test", "CERT-NONE")).isEqualTo(Severity.INCONCLUSIVE);
        assertThat(summary("ssl2.test", "TLS-SSL-ENABLED")).contains("SSL 2.0").doesNotContain("SSL 3.0");
        assertThat(summary("ssl3.test", "TLS-SSL-ENABLED")).contains("SSL 3.0 (ServerHello version 3.0 choosing TLS_RSA_WITH_AES_128_CBC_SHA)");
        assertThat(summary("sha1kx.test", "TLS-SHA1-SIGNATURE")).contains("sha1/ecdsa");
        assertThat(summary("deflate.test", "TLS-COMPRESSION")).contains("method 1, DEFLATE");
        assertThat(summary("anon.test", "TLS-INSECURE-CIPHER")).contains("TLS_DH_anon_");
        assertThat(summary("nullcipher.test", "TLS-INSECURE-CIPHER")).contains("TLS_ECDHE_ECDSA_WITH_NULL_SHA");
    }

    private String summary(String domain, String id) {
        return reports.get(domain).findings().stream().filter(f -> f.id().equals(id)).map(Finding::summary).findFirst().orElseThrow();
    }

    @Test
    void rulesHelperSeveritiesAndDetails() {
        // [REPORTS]: a revoked key still seen signing in the last 30 days is an ERROR, a retired one only INFO.
        assertThat(severity("dk-revsign.test", "DKIM-KEY-REVOKED")).isEqualTo(Severity.ERROR);
        assertThat(severity("dk-revoked.test", "DKIM-KEY-REVOKED")).isEqualTo(Severity.INFO);
        assertThat(reports.get("dk-reports.test").findings()).filteredOn(f -> f.id().equals("DKIM-SELECTOR-NO-KEY")).singleElement()
                .matches(f -> f.subject().equals("retired2025._domainkey.dk-reports.test"));
        // GEN-NS-INCONSISTENT: a stale secondary is a WARN naming the name that differs; a dead server only INCONCLUSIVE.
        assertThat(reports.get("ns-diff.test").findings()).filteredOn(f -> f.id().equals("GEN-NS-INCONSISTENT")).singleElement()
                .matches(f -> f.severity() == Severity.WARN && f.detail().startsWith("_dmarc.ns-diff.test/TXT:") && f.detail().contains("p=none"));
        assertThat(reports.get("ns-down.test").findings()).filteredOn(f -> f.id().equals("GEN-NS-INCONSISTENT")).singleElement()
                .matches(f -> f.severity() == Severity.INCONCLUSIVE && f.detail().contains("ns2.ns-down.test"));
        assertThat(reports.get("ns-down.test").millis()).isLessThan(15_000);
        assertThat(severity("rpki-invalid.test", "RPKI-ROUTE")).isEqualTo(Severity.WARN);
        assertThat(severity("rpki-notfound.test", "RPKI-ROUTE")).isEqualTo(Severity.INFO);
        assertThat(severity("cert-revoked.test", "CERT-REVOKED")).isEqualTo(Severity.ERROR);
        assertThat(severity("cert-ocsprevoked.test", "CERT-REVOKED")).isEqualTo(Severity.ERROR);
        assertThat(severity("cert-revunknown.test", "CERT-REVOKED")).isEqualTo(Severity.INCONCLUSIVE);
        assertThat(severity("cert-notrevoked.test", "CERT-REVOKED")).isEqualTo(Severity.INFO);
        assertThat(severity("nocaa.test", "CERT-REVOKED")).isEqualTo(Severity.INFO);
        assertThat(summary("nocaa.test", "CERT-REVOKED")).contains("No CAA record for MX host mx.nocaa.test");
        assertThat(summary("cert-notrevoked.test", "CERT-REVOKED")).contains("does not staple OCSP");
        // BIMI-ASSETS names the SVG Tiny PS violations and the mark certificate problems
        assertThat(reports.get("bimi-assets.test").findings()).filteredOn(f -> f.id().equals("BIMI-ASSETS")).hasSize(2)
                .anyMatch(f -> f.summary().contains("baseProfile is 'tiny'") && f.summary().contains("<script>") && f.summary().contains("not square"))
                .anyMatch(f -> f.summary().contains("expired") && f.summary().contains("does not cover bimi-assets.test"));
        assertThat(reports.get("bimi-tlshost.test").findings()).filteredOn(f -> f.id().equals("BIMI-ASSETS")).singleElement()
                .matches(f -> f.summary().contains("is not trusted") && !f.summary().contains("SVG"), "only the host certificate is wrong");
    }

    @Test
    void hostileInputsFinishInBoundedTime() {
        // Stalls (silent greeting, stalled handshake, dripping policy) are cut by the 6 s read timeout / 12 s deadline.
        for (String d : List.of("silent.test", "stall.test", "stsslow.test", "garbage.test", "hugetxt.test", "manymx.test", "cnameloop.test")) {
            assertThat(reports.get(d).millis()).as(d).isLessThan(30_000);
        }
        assertThat(millis).isLessThan(90_000);
    }

    @Test
    void everyImplementedRuleIsTriggeredBySomeDomain() {
        Set<String> triggered = new TreeSet<>();
        world.expected().values().forEach(triggered::addAll);
        assertThat(triggered).containsAll(ImplementedRules.IDS);
    }

    private Severity severity(String domain, String id) {
        return reports.get(domain).findings().stream().filter(f -> f.id().equals(id)).map(Finding::severity)
                .max((a, b) -> Integer.compare(a.rank(), b.rank())).orElseThrow();
    }

    private static String describe(DomainReport r) {
        StringBuilder sb = new StringBuilder();
        for (Finding f : r.findings()) {
            sb.append("  ").append(f.id()).append(' ').append(f.severity()).append(' ').append(f.subject()).append(": ").append(f.summary())
                    .append(f.detail().isEmpty() ? "" : " | " + f.detail()).append('\n');
        }
        return sb.toString();
    }
}
