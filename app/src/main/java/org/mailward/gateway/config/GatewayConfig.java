package org.mailward.gateway.config;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.gateway.inbound.Cidr;
import org.mailward.smtp.tls.TlsProfile;

/** The whole gateway configuration (immutable). See docs/configuration.md for every key. */
public record GatewayConfig(String hostname, Optional<Path> dataDir, Tls tls, List<Listener> listeners,
                            List<LocalDomain> localDomains, List<Cidr> relayNetworks, List<User> users, Limits limits,
                            Delivery delivery, List<DkimDefinition> dkim, List<Disclaimer> disclaimers, Optional<MetricsEndpoint> metrics) {

    /** A configuration without a metrics endpoint. */
    public GatewayConfig(String hostname, Optional<Path> dataDir, Tls tls, List<Listener> listeners,
                         List<LocalDomain> localDomains, List<Cidr> relayNetworks, List<User> users, Limits limits,
                         Delivery delivery, List<DkimDefinition> dkim, List<Disclaimer> disclaimers) {
        this(hostname, dataDir, tls, listeners, localDomains, relayNetworks, users, limits, delivery, dkim, disclaimers, Optional.empty());
    }

    /** Where the Prometheus metrics endpoint listens (GET /metrics); port 0 picks a free port (tests). */
    public record MetricsEndpoint(String address, int port) {
    }

    public GatewayConfig {
        dkim = List.copyOf(dkim);
        disclaimers = List.copyOf(disclaimers);
        listeners = List.copyOf(listeners);
        localDomains = List.copyOf(localDomains);
        relayNetworks = List.copyOf(relayNetworks);
        users = List.copyOf(users);
    }

    public enum ListenerKind { INBOUND, SUBMISSION }

    public enum TlsPolicy { OPPORTUNISTIC, REQUIRED }

    /** TLS material: PEM files (both or neither; neither: self-signed under the data directory) and profiles. */
    public record Tls(Optional<Path> certificate, Optional<Path> key, String defaultProfile, Map<String, TlsProfile> profiles,
                      Duration reloadCheck) {
        public Tls {
            profiles = Map.copyOf(profiles);
        }

        public TlsProfile profile(String name) {
            return profiles.get(name);
        }
    }

    public record Listener(String name, String address, int port, ListenerKind kind, TlsPolicy tls, String tlsProfile) {
    }

    /** A local domain (ASCII, lower case) and the internal server it is delivered to. */
    public record LocalDomain(String domain, String routeHost, int routePort) {
    }

    /** A submission user; {@code passwordHash} is {@code pbkdf2-sha256$iterations$salt-b64$hash-b64}. */
    public record User(String name, String passwordHash) {
    }

    public record Limits(long maxMessageSize, int maxRecipients, int maxErrors, Duration commandTimeout,
                         Duration dataTimeout, Duration greetPause, Duration hookTimeout, int maxConnections) {
    }

    /**
     * Delivery settings: retries (Postfix-like defaults), concurrency and Secure Delivery rules; {@code mtaSts} and
     * {@code dane} switch the RFC 8461 / RFC 7672 links of the Secure Delivery chain; {@code delayWarning} is how long
     * a message may wait before its sender gets a delay notice (0 disables them).
     */
    public record Delivery(Duration firstRetry, Duration maxRetryInterval, Duration maxQueueLifetime,
                           int concurrencyPerDestination, Duration connectTimeout, List<SecureDeliveryRule> secureDelivery,
                           Optional<Integer> mxPort, boolean mtaSts, boolean dane, Duration delayWarning) {
        public Delivery {
            secureDelivery = List.copyOf(secureDelivery);
        }
    }

    /**
     * A DKIM signing definition for outbound mail from {@code domain} (ASCII, lower case): the private key read
     * from {@code keyFile} at start, and the algorithm (which must fit the key). Several per domain are allowed.
     * It signs only once its published key record has been checked (gateway.outbound.DkimDefinitions).
     */
    public record DkimDefinition(String domain, String selector, Path keyFile, DkimAlgorithm algorithm, PrivateKey key) {
    }

    /** A footer appended to outbound mail whose From domain is {@code domain}: plain text and/or HTML (may be empty). */
    public record Disclaimer(String domain, String text, String html) {
    }

    /** {@code domain} is a name or a {@code *.}-wildcard; policy opportunistic, enforced-relaxed or enforced-strict. */
    public record SecureDeliveryRule(String domain, String policy) {
    }
}
