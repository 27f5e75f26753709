package org.mailward.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsResultTypesTest {

    static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void certificateFailuresMapToTheirRfc8460ResultTypes() {
        assertThat(TlsResultTypes.of(handshake("(certificate_unknown) PKIX path validation failed",
                new CertificateExpiredException("NotAfter: ...")))).isEqualTo("certificate-expired");
        assertThat(TlsResultTypes.of(handshake("(certificate_unknown) No subject alternative DNS name matching mx.example found", null)))
                .isEqualTo("certificate-host-mismatch");
        assertThat(TlsResultTypes.of(handshake("(certificate_unknown) PKIX path building failed: unable to find valid certification path", null)))
                .isEqualTo("certificate-not-trusted");
        assertThat(TlsResultTypes.of(new IOException("x", new CertPathValidatorException("untrusted")))).isEqualTo("certificate-not-trusted");
        assertThat(TlsResultTypes.of(new IOException("Connection reset"))).isEqualTo("validation-failure");
    }
}
