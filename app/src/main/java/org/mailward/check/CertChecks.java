package org.mailward.check;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mailward.check.probe.CipherClass;
import org.mailward.check.probe.Handshake;

/**
 * CHECKS.md section 8 (certificates on each MX address), from the chain captured by the best handshake of each
 * address. CERT-UNTRUSTED is ERROR when the domain's MTA-STS policy is enforce or testing; CERT-NAME-MISMATCH is
 * ERROR under the UK profile or MTA-STS enforce. When no careful handshake completes but one with an insecure suite
 * does (an anonymous-only server), that handshake is judged, and CERT-NONE reports that it carried no certificate.
 * CERT-REVOKED (CRL/OCSP fetching) is not implemented.
 */
public final class CertChecks implements AreaCheck {

    @Override
    public Area area() {
        return Area.CERT;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        Optional<String> mode = ev.probes().isEmpty() ? Optional.empty() : ev.mtaSts().mode();
        boolean enforce = mode.filter("enforce"::equals).isPresent();
        boolean sts = mode.filter(m -> m.equals("enforce") || m.equals("testing")).isPresent();
        for (ProbedAddress p : ev.probes()) {
            Optional<Handshake> best = p.result().best()
                    .or(() -> p.result().handshake(org.mailward.check.probe.SmtpTlsProber.INSECURE).filter(Handshake::completed));
            if (best.isEmpty()) {
                continue;
            }
            out.addAll(checkChain(ev, p, best.get(), enforce, sts));
        }
        return out;
    }

    private List<Finding> checkChain(DomainEvidence ev, ProbedAddress p, Handshake hs, boolean enforce, boolean sts) {
        List<Finding> out = new ArrayList<>();
        String s = p.subject();
        List<X509Certificate> chain = hs.chain();
        Instant now = ev.config().clock().instant();
        if (chain.isEmpty()) {
            out.add(Finding.of(Rule.CERT_NONE, s).summary("No certificate obtained from " + s)
                    .detail("handshake " + hs.protocol() + " " + hs.cipherSuite()).why("Nothing to judge.").build());
            return out;
        }
        List<Evidence> certEv = List.of(new Evidence("tls " + p.result().address() + " certificate chain", hs.protocol(),
                chain.stream().map(c -> "subject=" + c.getSubjectX500Principal().getName() + " issuer=" + c.getIssuerX500Principal().getName()
                        + " notAfter=" + c.getNotAfter().toInstant() + " names=" + CertChains.names(c)).toList(), p.result().address(), now));
        X509Certificate leaf = chain.get(0);
        List<String> invalid = CertChains.outOfValidity(chain, now);
        if (!invalid.isEmpty()) {
            out.add(Finding.of(Rule.CERT_EXPIRED, s).summary("Certificate of " + s + " is outside its validity period")
                    .detail(String.join("; ", invalid)).why("Validating senders (MTA-STS, DANE-TA, mandatory TLS) refuse delivery.")
                    .evidence(certEv).build());
        } else {
            Duration left = Duration.between(now, leaf.getNotAfter().toInstant());
            if (left.compareTo(Duration.ofDays(30)) < 0) {
                Severity sev = left.compareTo(Duration.ofDays(14)) < 0 ? Severity.WARN : Severity.INFO;
                out.add(Finding.of(Rule.CERT_EXPIRING, s).severity(sev)
                        .summary("Certificate of " + s + " expires in " + left.toDays() + " days (" + leaf.getNotAfter().toInstant() + ")")
                        .why("An expired certificate breaks validating senders.").evidence(certEv).build());
            }
        }
        if (!CertChains.matchesName(leaf, p.host().name())) {
            Severity sev = enforce || ev.profile() == CheckConfig.Profile.UK ? Severity.ERROR : Severity.WARN;
            out.add(Finding.of(Rule.CERT_NAME_MISMATCH, s).severity(sev)
                    .summary("Certificate of " + s + " does not name " + p.host().name())
                    .detail("certificate names: " + CertChains.names(leaf))
                    .why("Senders that validate (MTA-STS, mandatory TLS) cannot match the MX host name.").evidence(certEv).build());
        }
        Optional<String> untrusted = CertChains.untrusted(chain, ev.config().trustAnchors());
        if (untrusted.isPresent()) {
            out.add(Finding.of(Rule.CERT_UNTRUSTED, s).severity(sts ? Severity.ERROR : Severity.WARN)
                    .summary("Certificate of " + s + " does not chain to a trusted root")
                    .detail(untrusted.get())
                    .why(sts ? "The domain's MTA-STS policy makes senders validate: they will not deliver." : "Opportunistic TLS still works; validating senders refuse it.")
                    .evidence(certEv).build());
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!chain.get(i).getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())) {
                order.add("certificate " + (i + 2) + " is not the issuer of certificate " + (i + 1));
            }
        }
        X509Certificate top = chain.get(chain.size() - 1);
        boolean topAnchored = ev.config().trustAnchors().stream().anyMatch(a -> a.getSubjectX500Principal().equals(top.getIssuerX500Principal()));
        if (!CertChains.selfIssued(top) && !topAnchored) {
            order.add("the issuer of " + top.getSubjectX500Principal().getName() + " (" + top.getIssuerX500Principal().getName() + ") is not sent");
        }
        if (!order.isEmpty()) {
            out.add(Finding.of(Rule.CERT_CHAIN_INCOMPLETE_OR_DISORDERED, s).summary("Certificate chain of " + s + " is incomplete or out of order")
                    .detail(String.join("; ", order)).why("Senders without the missing intermediate cannot build a path.").evidence(certEv).build());
        }
        List<String> badSig = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            X509Certificate issuer = i + 1 < chain.size() && c.getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())
                    ? chain.get(i + 1) : CertChains.selfIssued(c) ? c : null;
            if (issuer == null) {
                continue;
            }
            try {
                c.verify(issuer.getPublicKey());
            } catch (java.security.GeneralSecurityException e) {
                badSig.add(c.getSubjectX500Principal().getName() + ": " + e.getMessage());
            }
        }
        if (!badSig.isEmpty()) {
            out.add(Finding.of(Rule.CERT_BAD_SIGNATURE, s).summary("A certificate signature in the chain of " + s + " does not verify")
                    .detail(String.join("; ", badSig)).why("The chain is forged or corrupt.").evidence(certEv).build());
        }
        Map<Severity, List<String>> weak = new LinkedHashMap<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (i > 0 && CertChains.selfIssued(c)) {
                continue; // a root's self-signature is not relied upon
            }
            String name = c.getSubjectX500Principal().getName();
            String alg = c.getPublicKey().getAlgorithm();
            int bits = CertChains.keyBits(c.getPublicKey());
            if (alg.equals("RSA") && bits < 2048 || alg.equals("EC") && bits < 256) {
                weak.computeIfAbsent(Severity.ERROR, k -> new ArrayList<>()).add(name + ": " + alg + " " + bits + " bits");
            } else if (alg.equals("RSA") && bits == 2048 && i == 0) {
                weak.computeIfAbsent(Severity.INFO, k -> new ArrayList<>()).add(name + ": RSA 2048 bits (3072 preferred)");
            }
            String sig = c.getSigAlgName().toUpperCase(Locale.ROOT);
            if (sig.contains("MD5") || sig.startsWith("SHA1") || sig.contains("SHA1WITH")) {
                weak.computeIfAbsent(Severity.ERROR, k -> new ArrayList<>()).add(name + ": signed with " + c.getSigAlgName());
            } else if (sig.startsWith("SHA224")) {
                weak.computeIfAbsent(Severity.WARN, k -> new ArrayList<>()).add(name + ": signed with " + c.getSigAlgName());
            }
        }
        for (Severity sev : List.of(Severity.ERROR, Severity.WARN, Severity.INFO)) {
            if (weak.containsKey(sev)) {
                out.add(Finding.of(Rule.CERT_WEAK_KEY_OR_ALG, s).severity(sev)
                        .summary("Weak key or signature in the chain of " + s)
                        .detail(String.join("; ", weak.get(sev))).why("Short keys and SHA-1/MD5 signatures can be forged.").evidence(certEv).build());
                break;
            }
        }
        List<String> usage = new ArrayList<>();
        boolean[] ku = leaf.getKeyUsage();
        if (ku != null) {
            boolean staticRsa = CipherClass.of(hs.cipherSuite()) == CipherClass.WEAK && hs.cipherSuite().startsWith("TLS_RSA_");
            if (staticRsa && !ku[2]) {
                usage.add("leaf keyUsage lacks keyEncipherment needed by " + hs.cipherSuite());
            } else if (!staticRsa && !ku[0]) {
                usage.add("leaf keyUsage lacks digitalSignature needed by " + hs.cipherSuite());
            }
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains("1.3.6.1.5.5.7.3.1") && !eku.contains("2.5.29.37.0")) {
                usage.add("leaf extendedKeyUsage " + eku + " lacks serverAuth");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            usage.add("leaf extendedKeyUsage unparseable");
        }
        for (int i = 1; i < chain.size(); i++) {
            boolean[] cku = chain.get(i).getKeyUsage();
            if (cku != null && !cku[5]) {
                usage.add(chain.get(i).getSubjectX500Principal().getName() + " lacks keyCertSign");
            }
        }
        if (!usage.isEmpty()) {
            out.add(Finding.of(Rule.CERT_KEY_USAGE, s).summary("Key usage of the certificate of " + s + " does not fit its use")
                    .detail(String.join("; ", usage)).why("Strict clients reject certificates whose usages do not allow server authentication.").evidence(certEv).build());
        }
        return out;
    }
}
