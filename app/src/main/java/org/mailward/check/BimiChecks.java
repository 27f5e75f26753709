package org.mailward.check;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailward.auth.dmarc.Policy;
import org.mailward.check.probe.PolicyFetcher;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.records.BimiRecord;
import org.mailward.records.ZoneText;

/**
 * CHECKS.md section 14 (BIMI, optional module: runs only with {@code CheckConfig.bimi}). Reads the assertion record
 * at {@code <selector>._bimi.<domain>} ({@link BimiRecord}), checks that DMARC is at enforcement, fetches the logo
 * ({@code l=}) and checks it against SVG Tiny PS ({@link BimiSvg}), and fetches the mark certificate ({@code a=}).
 *
 * <p>Mark certificate coverage (what is NOT checked): the certificate is parsed and its validity dates, its
 * extended key usage (id-kp-BrandIndicatorforMessageIdentification, 1.3.6.1.5.5.7.3.31) and its subject alternative
 * names (the domain or its Organizational Domain) are checked; its chain is not validated against the mark
 * verifying authorities' roots (none are shipped) and the logo embedded in it (RFC 3709 logotype extension) is not
 * compared with the published SVG. The HTTPS server of each asset must present a certificate that is trusted, current
 * and names the host.
 */
public final class BimiChecks implements AreaCheck {

    /** The EKU that marks a Verified Mark Certificate (or Common Mark Certificate). */
    static final String BIMI_EKU = "1.3.6.1.5.5.7.3.31";
    private static final int MAX_CERT_BYTES = 64 * 1024;

    @Override
    public Area area() {
        return Area.BIMI;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        if (!ev.config().bimi()) {
            return out;
        }
        String d = ev.domain();
        String name = ev.config().bimiSelector() + "._bimi." + d;
        DnsAnswer apex = ev.query(d, RecordType.TXT);
        if (apex.texts().stream().anyMatch(t -> t.strip().startsWith("v=BIMI1"))) {
            out.add(Finding.of(Rule.BIMI_SYNTAX, d).severity(Severity.INFO).summary("A v=BIMI1 record at the apex " + d + " has no effect")
                    .why("Receivers look for BIMI only at <selector>._bimi." + d + ".").evidence(List.of(ev.evidence(d, RecordType.TXT))).build());
        }
        DnsAnswer txt = ev.query(name, RecordType.TXT);
        if (txt.status().isError()) {
            return out; // GEN-DNS-INCONCLUSIVE reports the failed lookup
        }
        List<Evidence> rEv = List.of(ev.evidence(name, RecordType.TXT));
        List<String> candidates = txt.texts().stream().filter(BimiRecord::isCandidate).toList();
        if (candidates.isEmpty()) {
            return out;
        }
        if (candidates.size() > 1) {
            out.add(Finding.of(Rule.BIMI_SYNTAX, name).summary(candidates.size() + " BIMI records at " + name)
                    .why("With more than one record receivers show no logo.").evidence(rEv).build());
            return out;
        }
        BimiRecord rec = BimiRecord.parse(candidates.get(0));
        if (!rec.errors().isEmpty()) {
            out.add(Finding.of(Rule.BIMI_SYNTAX, name).summary("BIMI record at " + name + ": " + String.join("; ", rec.errors()))
                    .detail(MtaStsChecks.clip(candidates.get(0))).why("Receivers ignore a BIMI record they cannot parse.").evidence(rEv).build());
            return out;
        }
        if (rec.declined()) {
            return out; // a declination to publish: nothing to display, nothing more to check
        }
        dmarc(ev, name, out);
        rec.location().ifPresent(uri -> logo(ev, name, uri, out));
        rec.authority().ifPresent(uri -> certificate(ev, name, uri, out));
        return out;
    }

    /** BIMI-DMARC-NOT-ENFORCED: p and sp quarantine/reject, pct 100, no t=y. */
    private static void dmarc(DomainEvidence ev, String name, List<Finding> out) {
        Optional<DmarcState.Applied> applied = ev.dmarc().applied();
        if (ev.dmarc().answer().status().isError()) {
            return;
        }
        List<String> why = new ArrayList<>();
        if (applied.isEmpty()) {
            why.add("no usable DMARC record");
        } else {
            var r = applied.get().record();
            Policy p = applied.get().own() ? r.policy() : r.effectiveSubdomainPolicy();
            if (p == Policy.NONE) {
                why.add("p=none");
            }
            if (r.effectiveSubdomainPolicy() == Policy.NONE) {
                why.add("sp=none");
            }
            if (r.percent() < 100) {
                why.add("pct=" + r.percent());
            }
            if (r.testing()) {
                why.add("t=y");
            }
        }
        if (!why.isEmpty()) {
            out.add(Finding.of(Rule.BIMI_DMARC_NOT_ENFORCED, name).summary("BIMI is published but DMARC is not enforced: " + String.join(", ", why))
                    .why("Mailbox providers show a BIMI logo only for domains whose DMARC policy is quarantine or reject for all mail.")
                    .record(ZoneText.txt("_dmarc." + ev.domain(), "v=DMARC1; p=quarantine; sp=quarantine"))
                    .build());
        }
    }

    /** BIMI-ASSETS for the logo: fetched over HTTPS and checked against SVG Tiny PS. */
    private static void logo(DomainEvidence ev, String name, URI uri, List<Finding> out) {
        PolicyFetcher.Result r = ev.config().webFetcher().get(uri, "image/svg+xml", BimiSvg.MAX_BYTES * 4);
        if (r instanceof PolicyFetcher.Failed f) {
            out.add(Finding.of(Rule.BIMI_ASSETS, name).severity(Severity.INCONCLUSIVE).summary("BIMI logo " + uri + " could not be fetched: " + f.reason())
                    .why("The logo could not be checked; receivers that cannot fetch it show no logo.").build());
            return;
        }
        PolicyFetcher.Response resp = (PolicyFetcher.Response) r;
        if (resp.status() != 200) {
            out.add(Finding.of(Rule.BIMI_ASSETS, name).summary("BIMI logo " + uri + " answered HTTP " + resp.status())
                    .why("Receivers show no logo they cannot fetch.").build());
            return;
        }
        List<String> problems = new ArrayList<>(resp.oversized() ? List.of("the file is larger than " + BimiSvg.MAX_BYTES * 4 + " bytes") : List.of());
        problems.addAll(hostCertificate(ev, uri, resp));
        if (!resp.oversized()) {
            problems.addAll(BimiSvg.problems(resp.body()));
        }
        if (!problems.isEmpty()) {
            out.add(Finding.of(Rule.BIMI_ASSETS, name).summary("BIMI logo " + uri + " is unusable: " + String.join("; ", problems))
                    .why("Receivers reject logos outside the SVG Tiny Portable/Secure profile (scripts and external references are unsafe)"
                            + " and logos served without a valid HTTPS certificate.")
                    .build());
        }
    }

    /** BIMI-ASSETS for the mark certificate: parsed, dated, EKU and domain coverage (see the class comment). */
    private static void certificate(DomainEvidence ev, String name, URI uri, List<Finding> out) {
        PolicyFetcher.Result r = ev.config().webFetcher().get(uri, "application/pem-certificate-chain", MAX_CERT_BYTES);
        if (r instanceof PolicyFetcher.Failed f) {
            out.add(Finding.of(Rule.BIMI_ASSETS, name).severity(Severity.INCONCLUSIVE).summary("Mark certificate " + uri + " could not be fetched: " + f.reason())
                    .why("The certificate could not be checked.").build());
            return;
        }
        PolicyFetcher.Response resp = (PolicyFetcher.Response) r;
        List<String> problems = new ArrayList<>();
        if (resp.status() != 200 || resp.oversized()) {
            problems.add(resp.oversized() ? "larger than " + MAX_CERT_BYTES + " bytes" : "HTTP " + resp.status());
        } else {
            problems.addAll(hostCertificate(ev, uri, resp));
            certificateProblems(resp.body(), ev.domain(), ev.dmarc().orgDomain(ev.domain()).domain(), ev.config().clock().instant(), problems);
        }
        if (!problems.isEmpty()) {
            out.add(Finding.of(Rule.BIMI_ASSETS, name).summary("Mark certificate " + uri + ": " + String.join("; ", problems))
                    .why("Receivers that require a mark certificate show no logo without a valid one for the domain.").build());
        }
    }

    /** The HTTPS server's own certificate: trusted (the checker's trust anchors, at the check's clock) and for the host. */
    private static List<String> hostCertificate(DomainEvidence ev, URI uri, PolicyFetcher.Response resp) {
        List<String> out = new ArrayList<>();
        if (resp.chain().isEmpty()) {
            return out; // plain http is already a BIMI-SYNTAX error; nothing captured to judge
        }
        CertChains.untrusted(resp.chain(), ev.config().trustAnchors()).ifPresent(why -> out.add("the TLS certificate of " + uri.getHost() + " is not trusted: " + why));
        if (!CertChains.matchesName(resp.chain().get(0), uri.getHost())) {
            out.add("the TLS certificate of " + uri.getHost() + " does not name it");
        }
        if (!CertChains.outOfValidity(resp.chain(), ev.config().clock().instant()).isEmpty()) {
            out.add("the TLS certificate of " + uri.getHost() + " is outside its validity period");
        }
        return out;
    }

    static void certificateProblems(byte[] pem, String domain, String orgDomain, Instant now, List<String> problems) {
        Collection<? extends java.security.cert.Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        } catch (CertificateException | RuntimeException e) {
            problems.add("not a PEM certificate chain: " + MtaStsChecks.clip(String.valueOf(e.getMessage())));
            return;
        }
        if (certs.isEmpty() || !(certs.iterator().next() instanceof X509Certificate c)) {
            problems.add("no certificate in the file");
            return;
        }
        if (now.isAfter(c.getNotAfter().toInstant())) {
            problems.add("expired on " + c.getNotAfter().toInstant());
        } else if (now.isBefore(c.getNotBefore().toInstant())) {
            problems.add("not valid before " + c.getNotBefore().toInstant());
        }
        try {
            List<String> eku = c.getExtendedKeyUsage();
            if (eku == null || !eku.contains(BIMI_EKU)) {
                problems.add("no BIMI extended key usage (" + BIMI_EKU + "): not a mark certificate");
            }
            List<String> names = new ArrayList<>();
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (!names.contains(domain) && !names.contains(orgDomain)) {
                problems.add("does not cover " + domain + " (names: " + names + ")");
            }
        } catch (CertificateException e) {
            problems.add("unreadable extensions: " + e.getMessage());
        }
    }
}
