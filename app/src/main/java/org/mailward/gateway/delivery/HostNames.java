package org.mailward.gateway.delivery;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/** Certificate name checks (RFC 6125 6.4 as profiled for SMTP by RFC 7672 3.2.3 and RFC 8461 4.2). */
final class HostNames {

    private HostNames() {
    }

    /**
     * True when a DNS-ID of the certificate matches {@code host}: exact (case-insensitive, trailing dot ignored) or a
     * wildcard {@code *.rest} covering exactly one leftmost label. The subject CN is consulted only when the
     * certificate has no DNS subjectAltName (RFC 6125 6.4.4).
     */
    static boolean certificateMatches(X509Certificate cert, String host) {
        String h = normalise(host);
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names.isEmpty()) {
            String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
            for (String part : dn.split(",")) {
                if (part.regionMatches(true, 0, "CN=", 0, 3)) {
                    names.add(part.substring(3));
                }
            }
        }
        for (String n : names) {
            String p = normalise(n);
            if (p.equals(h)) {
                return true;
            }
            if (p.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(p.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String normalise(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
