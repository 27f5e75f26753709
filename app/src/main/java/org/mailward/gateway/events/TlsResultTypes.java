package org.mailward.gateway.events;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/** Maps a failed TLS handshake to an RFC 8460 4.3 result-type, from the exception chain. */
public final class TlsResultTypes {

    private TlsResultTypes() {
    }

    /**
     * certificate-expired (also not yet valid), certificate-host-mismatch, certificate-not-trusted (no path to a
     * trusted root), else validation-failure (RFC 8460 4.3.2: "a general failure for a reason not matching a
     * category above").
     */
    public static String of(Throwable e) {
        // the most specific cause wins wherever it sits in the chain (a wrapper often says only "PKIX ... failed")
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return "certificate-expired";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no subject alternative") || m.contains("doesn't match any of the subject") || m.contains("hostname")) {
                return "certificate-host-mismatch";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof CertPathValidatorException || m.contains("unable to find valid certification path")
                    || m.contains("pkix path")) {
                return "certificate-not-trusted";
            }
        }
        return "validation-failure";
    }
}
