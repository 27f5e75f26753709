package org.mailward.smtp;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.mailward.smtp.tls.TlsProfile;

/**
 * One listener's protocol settings.
 *
 * @param name          listener name (logs, {@link SessionInfo#listener()})
 * @param bind          address and port (port 0: any free port)
 * @param hostname      our name in the greeting and EHLO reply
 * @param tls           the server TLS context and profile for STARTTLS; empty: STARTTLS not offered
 * @param authenticator offered as AUTH PLAIN LOGIN, only after TLS (RFC 4954 4: never over plaintext); empty: no AUTH
 * @param limits        limits and timeouts
 * @param pipelining    advertise PIPELINING (RFC 2920)
 * @param chunking      advertise CHUNKING (RFC 3030)
 */
public record SmtpServerConfig(String name, InetSocketAddress bind, String hostname, Optional<ServerTls> tls,
                               Optional<Authenticator> authenticator, SmtpLimits limits, boolean pipelining,
                               boolean chunking) {

    /** The TLS material of a listener: an SSL context supplier (reloadable) and the profile to apply. */
    public record ServerTls(java.util.function.Supplier<javax.net.ssl.SSLContext> context, TlsProfile profile) {
    }

    public SmtpServerConfig {
        Objects.requireNonNull(name);
        Objects.requireNonNull(bind);
        Objects.requireNonNull(hostname);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(authenticator);
        Objects.requireNonNull(limits);
    }

    public static SmtpServerConfig of(String name, InetSocketAddress bind, String hostname) {
        return new SmtpServerConfig(name, bind, hostname, Optional.empty(), Optional.empty(), SmtpLimits.defaults(), true, true);
    }

    public SmtpServerConfig withTls(ServerTls t) {
        return new SmtpServerConfig(name, bind, hostname, Optional.of(t), authenticator, limits, pipelining, chunking);
    }

    public SmtpServerConfig withAuthenticator(Authenticator a) {
        return new SmtpServerConfig(name, bind, hostname, tls, Optional.of(a), limits, pipelining, chunking);
    }

    public SmtpServerConfig withLimits(SmtpLimits l) {
        return new SmtpServerConfig(name, bind, hostname, tls, authenticator, l, pipelining, chunking);
    }

    public SmtpServerConfig withPipelining(boolean p) {
        return new SmtpServerConfig(name, bind, hostname, tls, authenticator, limits, p, chunking);
    }
}
