package org.mailward.check;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Certificate-chain judgements shared by the CERT area and the MTA-STS policy host: path validation against the
 * configured trust anchors (expiry judged separately, so an expired but otherwise trusted chain is not also called
 * untrusted), RFC 9525 name matching, and key/signature strength.
 */
public final class CertChains {

    private CertChains() {
    }

    /** Why the chain does not validate to one of {@code anchors} (ignoring validity dates), or empty when it does. */
    public static Optional<String> untrusted(List<X509Certificate> chain, Set<X509Certificate> anchors) {
        if (chain.isEmpty()) {
            return Optional.of("no certificate");
        }
        X509Certificate leaf = chain.get(0);
        if (anchors.contains(leaf)) {
            return Optional.empty();
        }
        try {
            Set<TrustAnchor> ta = new HashSet<>();
            for (X509Certificate a : anchors) {
                ta.add(new TrustAnchor(a, null));
            }
            if (ta.isEmpty()) {
                return Optional.of("the trust store is empty");
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters p = new PKIXBuilderParameters(ta, target);
            p.setRevocationEnabled(false);
            p.setDate(Date.from(commonValidInstant(chain)));
            p.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            CertPathBuilder.getInstance("PKIX").build(p);
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (chain.size() == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                return Optional.of("self-signed certificate (" + leaf.getSubjectX500Principal().getName() + ")");
            }
            return Optional.of("no path to a trusted root: " + msg);
        }
    }

    /** An instant inside every certificate's validity, when one exists, else the latest notBefore. */
    private static Instant commonValidInstant(List<X509Certificate> chain) {
        Instant from = Instant.MIN;
        for (X509Certificate c : chain) {
            Instant nb = c.getNotBefore().toInstant();
            if (nb.isAfter(from)) {
                from = nb;
            }
        }
        return from.plusSeconds(1);
    }

    /** The certificates outside their validity period at {@code at}, described. */
    public static List<String> outOfValidity(List<X509Certificate> chain, Instant at) {
        List<String> out = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (c.getNotAfter().toInstant().isBefore(at)) {
                out.add(c.getSubjectX500Principal().getName() + " expired " + c.getNotAfter().toInstant());
            } else if (c.getNotBefore().toInstant().isAfter(at)) {
                out.add(c.getSubjectX500Principal().getName() + " not valid before " + c.getNotBefore().toInstant());
            }
        }
        return out;
    }

    /** The DNS names of a certificate: SAN dNSNames, or the subject CN when there is no dNSName (deprecated fallback). */
    public static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
                        out.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // unparseable SAN: treated as no SAN
        }
        if (out.isEmpty()) {
            String dn = c.getSubjectX500Principal().getName();
            for (String part : dn.split(",")) {
                if (part.trim().toUpperCase(Locale.ROOT).startsWith("CN=")) {
                    out.add(part.trim().substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** RFC 9525 6.3: a wildcard only as the whole leftmost label, matching exactly one label. */
    public static boolean matchesName(X509Certificate leaf, String host) {
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        for (String n : names(leaf)) {
            String name = n.replaceAll("\\.$", "");
            if (name.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(name.substring(2))) {
                    return true;
                }
            } else if (name.equals(h)) {
                return true;
            }
        }
        return false;
    }

    /** Key size in bits (RSA modulus, EC field size), or 0 when unknown. */
    public static int keyBits(PublicKey k) {
        if (k instanceof RSAPublicKey r) {
            return r.getModulus().bitLength();
        }
        if (k instanceof ECPublicKey e) {
            return e.getParams().getCurve().getField().getFieldSize();
        }
        return 0;
    }

    public static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }
}
