package org.mailward.smtp;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What the session knows about its client when it asks the {@link SessionHandler}: an immutable snapshot.
 *
 * @param id        session id for logs
 * @param listener  the listener's name from the configuration
 * @param remote    the client's address
 * @param local     our address
 * @param helo      the EHLO/HELO argument, once given
 * @param esmtp     true after EHLO (false after HELO)
 * @param tls       the TLS session, once STARTTLS succeeded
 * @param authUser  the authenticated user (RFC 4954), once AUTH succeeded
 */
public record SessionInfo(String id, String listener, InetSocketAddress remote, InetSocketAddress local,
                          Optional<String> helo, boolean esmtp, Optional<TlsInfo> tls, Optional<String> authUser) {

    /** The negotiated TLS protocol and cipher suite. */
    public record TlsInfo(String protocol, String cipherSuite) {
    }
}
