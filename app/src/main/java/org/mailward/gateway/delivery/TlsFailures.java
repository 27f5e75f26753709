package org.mailward.gateway.delivery;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Maps a failed TLS handshake to an RFC 8460 4.3 result type. */
final class TlsFailures {

    private TlsFailures() {
    }

    static DeliveryTlsOutcome.FailureType classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
                    || t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return DeliveryTlsOutcome.FailureType.CERTIFICATE_EXPIRED;
            }
        }
        String text = chainText(e).toLowerCase(Locale.ROOT);
        if (text.contains("no subject alternative") || text.contains("no name matching") || text.contains("not valid for")) {
            return DeliveryTlsOutcome.FailureType.CERTIFICATE_HOST_MISMATCH;
        }
        if (text.contains("expired") || text.contains("not yet valid")) {
            return DeliveryTlsOutcome.FailureType.CERTIFICATE_EXPIRED;
        }
        if (text.contains("pkix") || text.contains("certification path") || text.contains("trust anchor") || text.contains("unknown_ca")
                || text.contains("certificate_unknown")) {
            return DeliveryTlsOutcome.FailureType.CERTIFICATE_NOT_TRUSTED;
        }
        return DeliveryTlsOutcome.FailureType.VALIDATION_FAILURE;
    }

    private static String chainText(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }

    /** The JDK's default trust anchors as a trust manager (for the MTA-STS policy fetch). */
    static X509TrustManager defaultTrustManager() {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            for (TrustManager t : f.getTrustManagers()) {
                if (t instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X509TrustManager in the default TrustManagerFactory");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
