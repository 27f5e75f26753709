package org.mailward.gateway.delivery;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.mailward.dns.DnsRecord;

/**
 * DANE authentication of an SMTP server certificate (RFC 7672 3, RFC 6698 2.1, RFC 7671). Only the usages SMTP
 * DANE allows are usable: DANE-EE(3) matches the leaf key or certificate, with no name or expiry checks
 * (RFC 7672 3.1.1); DANE-TA(2) matches a trust anchor in the presented chain, the chain below it must verify
 * (signatures and validity) and the leaf must carry the MX host name (RFC 7672 3.1.2, 3.2.3). Selectors 0 (full
 * certificate) and 1 (SubjectPublicKeyInfo); matching types 0 (exact), 1 (SHA-256), 2 (SHA-512).
 */
final class DaneVerifier {

    private DaneVerifier() {
    }

    /** RFC 7672 3.1: usable records are DANE-TA(2) and DANE-EE(3) with known selector and matching type. */
    static boolean usable(DnsRecord.Tlsa t) {
        return (t.usage() == 2 || t.usage() == 3) && (t.selector() == 0 || t.selector() == 1) && t.matchingType() >= 0 && t.matchingType() <= 2;
    }

    /** Why {@code chain} (leaf first) does not authenticate against {@code records}; empty string when it does. */
    static String verify(List<DnsRecord.Tlsa> records, List<X509Certificate> chain, String mxHost, Clock clock) {
        if (chain.isEmpty()) {
            return "no certificate presented";
        }
        StringBuilder why = new StringBuilder();
        for (DnsRecord.Tlsa t : records) {
            if (!usable(t)) {
                continue;
            }
            if (t.usage() == 3) {
                if (t.matches(chain.get(0))) {
                    return "";
                }
                continue;
            }
            for (int i = 1; i < chain.size(); i++) {
                if (!t.matches(chain.get(i))) {
                    continue;
                }
                String problem = chainBelow(chain, i, clock);
                if (problem.isEmpty() && !HostNames.certificateMatches(chain.get(0), mxHost)) {
                    problem = "certificate not valid for " + mxHost;
                }
                if (problem.isEmpty()) {
                    return "";
                }
                why.append(problem).append("; ");
            }
        }
        return why.isEmpty() ? "no TLSA record matches the certificate chain" : why.substring(0, why.length() - 2);
    }

    private static String chainBelow(List<X509Certificate> chain, int anchor, Clock clock) {
        Date now = Date.from(clock.instant());
        for (int i = 0; i < anchor; i++) {
            try {
                chain.get(i).checkValidity(now);
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            } catch (GeneralSecurityException e) {
                return "chain below the DANE-TA anchor does not verify: " + e.getMessage();
            }
        }
        return "";
    }

    /**
     * A client SSLContext whose trust decision is the DANE match; the reason of a refusal is left in {@code failure}
     * so the caller can report it (RFC 8460 validation-failure).
     */
    static SSLContext context(List<DnsRecord.Tlsa> records, String mxHost, Clock clock, AtomicReference<String> failure) {
        X509ExtendedTrustManager tm = new X509ExtendedTrustManager() {
            private void check(X509Certificate[] chain) throws CertificateException {
                String why = verify(records, Arrays.asList(chain), mxHost, clock);
                if (!why.isEmpty()) {
                    failure.set(why);
                    throw new CertificateException("DANE: " + why);
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
