package org.mailward.check;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.mailward.check.probe.Handshake;
import org.mailward.check.probe.PolicyFetcher;

/**
 * CHECKS.md CERT-REVOKED: the revocation status of the leaf certificate served on each MX address. Sources in order:
 * the HTTP CRL distribution points of the certificate (RFC 5280 4.2.1.13; the CRL's signature is verified with the
 * issuer's key and it must be current), then the OCSP responders of its Authority Information Access extension
 * (RFC 6960, request sent with GET as in appendix A.1; the response is verified with the issuer's key or a delegated
 * responder certificate issued by it with the OCSPSigning key purpose). Revoked: ERROR. Sources present but none
 * usable (unreachable, unverifiable, stale): INCONCLUSIVE. No source at all, or no issuer certificate in the served
 * chain: nothing is reported (the chain rules cover a missing issuer).
 *
 * <p>Results are cached per certificate for the run (10,000 domains on one provider cost one fetch). Bounded: the
 * {@link org.mailward.check.probe.WebFetcher}'s time limits, CRLs up to 4 MiB, OCSP responses up to 64 KiB, at most
 * two URLs of each kind.
 *
 * <p>INFO, no OCSP stapling: reported only for a leaf that names an OCSP responder (AIA) when the prober's main
 * handshake, which sends status_request (RFC 6066 8), got no CertificateStatus. INFO, no CAA record: see
 * {@link #caa}.
 */
public final class CertRevocation implements AreaCheck {

    static final int MAX_CRL = 4 * 1024 * 1024;
    static final int MAX_OCSP = 64 * 1024;

    /** The revocation status found for one certificate. */
    sealed interface Status {
        record Good(String source) implements Status { }
        record Revoked(String source, Instant when) implements Status { }
        record Unknown(List<String> failures) implements Status { }
        record NoSource() implements Status { }
    }

    private final Map<String, Status> cache = new ConcurrentHashMap<>();

    @Override
    public Area area() {
        return Area.CERT;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        caa(ev, out);
        for (ProbedAddress p : ev.probes()) {
            Optional<Handshake> hs = p.result().best();
            if (hs.isEmpty() || hs.get().chain().size() < 2) {
                continue;
            }
            X509Certificate leaf = hs.get().chain().get(0);
            X509Certificate issuer = hs.get().chain().get(1);
            if (!leaf.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                continue;
            }
            Status st = cache.computeIfAbsent(fingerprint(leaf), k -> status(ev, leaf, issuer));
            String s = p.subject();
            switch (st) {
                case Status.Revoked r -> out.add(Finding.of(Rule.CERT_REVOKED, s)
                        .summary("The certificate of " + s + " is revoked (" + r.source() + ")")
                        .detail("serial " + leaf.getSerialNumber().toString(16) + (r.when() == null ? "" : ", revoked at " + r.when()))
                        .why("Clients that check revocation refuse the connection; the key may be compromised.").build());
                case Status.Unknown u -> out.add(Finding.of(Rule.CERT_REVOKED, s).severity(Severity.INCONCLUSIVE)
                        .summary("Revocation status of the certificate of " + s + " could not be determined")
                        .detail(String.join("; ", u.failures()))
                        .why("No CRL or OCSP source answered usably; this is not reported as revoked.").build());
                case Status.Good g -> { }
                case Status.NoSource n -> { }
            }
            // RFC 6066 8 / RFC 6961: stapling matters only for a certificate with an OCSP responder to staple from.
            List<URI> responders = ocspUrls(leaf);
            if (!responders.isEmpty() && !hs.get().ocspStapled()) {
                out.add(Finding.of(Rule.CERT_REVOKED, s).severity(Severity.INFO)
                        .summary(s + " does not staple OCSP responses")
                        .detail("the certificate names the OCSP responder " + responders.get(0) + "; the handshake ("
                                + hs.get().protocol() + ") offered status_request and got no CertificateStatus")
                        .why("Without stapling every client must ask the CA's responder itself, which is slower, leaks who "
                                + "connects to the CA, and is skipped by most clients when the responder is down.").build());
            }
        }
        return out;
    }

    /**
     * INFO, no CAA: for each MX host that served a certificate, the CAA RRset is looked up at the host name and then
     * at each parent (RFC 8659 3: the closest one applies), stopping before the top-level label. No CAA record on
     * any of them: any CA may issue for the host. A lookup that fails (SERVFAIL, timeout) ends the walk without a
     * finding (this part is advice, never INCONCLUSIVE).
     */
    private static void caa(DomainEvidence ev, List<Finding> out) {
        java.util.Set<String> done = new java.util.HashSet<>();
        for (ProbedAddress p : ev.probes()) {
            String host = p.host().name();
            if (p.host().isIpLiteral() || p.result().best().filter(h -> !h.chain().isEmpty()).isEmpty() || !done.add(host)) {
                continue;
            }
            List<String> asked = new ArrayList<>();
            boolean found = false;
            boolean failed = false;
            for (String name = host; name.indexOf('.') > 0; name = name.substring(name.indexOf('.') + 1)) {
                org.mailward.dns.DnsAnswer a = ev.query(name, org.mailward.dns.RecordType.CAA);
                asked.add(name);
                if (a.status().isError()) {
                    failed = true;
                    break;
                }
                if (a.hasRecords()) {
                    found = true;
                    break;
                }
            }
            if (!found && !failed) {
                List<Evidence> caaEv = new ArrayList<>();
                asked.forEach(n -> caaEv.add(ev.evidence(n, org.mailward.dns.RecordType.CAA)));
                out.add(Finding.of(Rule.CERT_REVOKED, host).severity(Severity.INFO)
                        .summary("No CAA record for MX host " + host + " or its parent zones")
                        .detail("asked CAA for " + String.join(", ", asked) + ": no records")
                        .why("Without CAA (RFC 8659) every public CA may issue a certificate for this host name.")
                        .evidence(caaEv).build());
            }
        }
    }

    private static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Status status(DomainEvidence ev, X509Certificate leaf, X509Certificate issuer) {
        List<String> failures = new ArrayList<>();
        List<URI> crls = crlUrls(leaf);
        List<URI> ocsp = ocspUrls(leaf);
        if (crls.isEmpty() && ocsp.isEmpty()) {
            return new Status.NoSource();
        }
        Instant now = ev.config().clock().instant();
        for (URI u : crls) {
            PolicyFetcher.Result r = ev.config().webFetcher().get(u, "application/pkix-crl", MAX_CRL);
            if (!(r instanceof PolicyFetcher.Response resp) || resp.status() != 200 || resp.oversized()) {
                failures.add("CRL " + u + ": " + describe(r));
                continue;
            }
            try {
                X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(resp.body()));
                if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                    failures.add("CRL " + u + ": issued by " + crl.getIssuerX500Principal().getName() + ", not the certificate's issuer");
                    continue;
                }
                crl.verify(issuer.getPublicKey());
                if (crl.getNextUpdate() != null && now.isAfter(crl.getNextUpdate().toInstant())) {
                    failures.add("CRL " + u + ": stale (nextUpdate " + crl.getNextUpdate().toInstant() + ")");
                    continue;
                }
                var entry = crl.getRevokedCertificate(leaf.getSerialNumber());
                if (entry != null) {
                    return new Status.Revoked("CRL " + u, entry.getRevocationDate().toInstant());
                }
                return new Status.Good("CRL " + u);
            } catch (Exception e) {
                failures.add("CRL " + u + ": unusable (" + MtaStsChecks.clip(String.valueOf(e.getMessage())) + ")");
            }
        }
        for (URI u : ocsp) {
            try {
                Status s = ocsp(ev, u, leaf, issuer, now);
                if (s instanceof Status.Unknown un) {
                    failures.addAll(un.failures());
                    continue;
                }
                return s;
            } catch (Exception e) {
                failures.add("OCSP " + u + ": " + MtaStsChecks.clip(String.valueOf(e.getMessage())));
            }
        }
        return new Status.Unknown(failures);
    }

    private static Status ocsp(DomainEvidence ev, URI u, X509Certificate leaf, X509Certificate issuer, Instant now) throws Exception {
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer), leaf.getSerialNumber());
        byte[] req = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        // RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER request}
        String base = u.toString().endsWith("/") ? u.toString() : u + "/";
        URI get = URI.create(base + URLEncoder.encode(Base64.getEncoder().encodeToString(req), StandardCharsets.US_ASCII));
        PolicyFetcher.Result r = ev.config().webFetcher().get(get, "application/ocsp-response", MAX_OCSP);
        if (!(r instanceof PolicyFetcher.Response resp) || resp.status() != 200 || resp.oversized()) {
            return new Status.Unknown(List.of("OCSP " + u + ": " + describe(r)));
        }
        OCSPResp or = new OCSPResp(resp.body());
        if (or.getStatus() != OCSPResp.SUCCESSFUL || !(or.getResponseObject() instanceof BasicOCSPResp basic)) {
            return new Status.Unknown(List.of("OCSP " + u + ": response status " + or.getStatus()));
        }
        if (!signedByIssuerOrDelegate(basic, issuer)) {
            return new Status.Unknown(List.of("OCSP " + u + ": response signature does not verify"));
        }
        for (SingleResp single : basic.getResponses()) {
            if (!single.getCertID().equals(id)) {
                continue;
            }
            if (single.getNextUpdate() != null && now.isAfter(single.getNextUpdate().toInstant())) {
                return new Status.Unknown(List.of("OCSP " + u + ": stale response"));
            }
            CertificateStatus cs = single.getCertStatus();
            if (cs == CertificateStatus.GOOD) {
                return new Status.Good("OCSP " + u);
            }
            if (cs instanceof RevokedStatus rs) {
                return new Status.Revoked("OCSP " + u, rs.getRevocationTime().toInstant());
            }
            return new Status.Unknown(List.of("OCSP " + u + ": status unknown"));
        }
        return new Status.Unknown(List.of("OCSP " + u + ": no answer for this certificate"));
    }

    private static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer) throws Exception {
        JcaContentVerifierProviderBuilder vb = new JcaContentVerifierProviderBuilder();
        if (basic.isSignatureValid(vb.build(issuer.getPublicKey()))) {
            return true;
        }
        // RFC 6960 4.2.2.2: a delegated responder certificate issued by the CA with id-kp-OCSPSigning
        for (X509CertificateHolder h : basic.getCerts()) {
            if (h.isSignatureValid(vb.build(issuer.getPublicKey())) && h.getExtensions() != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(h.getExtensions()) != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(h.getExtensions()).hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)
                    && basic.isSignatureValid(vb.build(h))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(PolicyFetcher.Result r) {
        return switch (r) {
            case PolicyFetcher.Failed f -> f.reason();
            case PolicyFetcher.Response resp -> resp.oversized() ? "response too large" : "HTTP " + resp.status();
        };
    }

    /** HTTP URIs of the CRL distribution points (full names only; at most two). */
    static List<URI> crlUrls(X509Certificate c) {
        List<URI> out = new ArrayList<>();
        try {
            byte[] ext = c.getExtensionValue(Extension.cRLDistributionPoints.getId());
            if (ext == null) {
                return out;
            }
            ASN1Primitive v = JcaX509ExtensionUtils.parseExtensionValue(ext);
            for (DistributionPoint dp : CRLDistPoint.getInstance(v).getDistributionPoints()) {
                DistributionPointName n = dp.getDistributionPoint();
                if (n != null && n.getType() == DistributionPointName.FULL_NAME) {
                    httpUris(GeneralNames.getInstance(n.getName()).getNames(), out);
                }
            }
        } catch (Exception e) {
            return out; // an unreadable extension is no source
        }
        return out.stream().limit(2).toList();
    }

    /** HTTP URIs of the OCSP responders in the Authority Information Access extension (at most two). */
    static List<URI> ocspUrls(X509Certificate c) {
        List<URI> out = new ArrayList<>();
        try {
            byte[] ext = c.getExtensionValue(Extension.authorityInfoAccess.getId());
            if (ext == null) {
                return out;
            }
            for (AccessDescription ad : AuthorityInformationAccess.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext)).getAccessDescriptions()) {
                if (ad.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
                    httpUris(new GeneralName[] {ad.getAccessLocation()}, out);
                }
            }
        } catch (Exception e) {
            return out;
        }
        return out.stream().limit(2).toList();
    }

    private static void httpUris(GeneralName[] names, List<URI> out) {
        for (GeneralName g : names) {
            if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
                String s = g.getName().toString();
                if (s.regionMatches(true, 0, "http://", 0, 7)) {
                    try {
                        out.add(new URI(s));
                    } catch (java.net.URISyntaxException e) {
                        // not a usable URI: skipped
                    }
                }
            }
        }
    }
}
