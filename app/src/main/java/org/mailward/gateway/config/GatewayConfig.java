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
                            Delivery delivery, List<DkimDefinition> dkim, List<Disclaimer> disclaimers,
                            Authentication authentication, Optional<String> database, Optional<MetricsEndpoint> metrics,
                            FailureReports failureReports, Serve serve, Reflector reflector, Reports reports) {

    /**
     * {@code reports}: mail the gateway receives for one of {@code addresses} (lower case) goes straight to report
     * ingest in the gateway's database instead of being relayed ({@code relay: true}: ingested and relayed too).
     */
    public record Reports(List<String> addresses, boolean relay) {
        public Reports {
            addresses = List.copyOf(addresses);
        }

        public static Reports none() {
            return new Reports(List.of(), false);
        }
    }

    /** Where the Prometheus metrics endpoint listens (GET /metrics); port 0 picks a free port (tests). */
    public record MetricsEndpoint(String address, int port) {
    }

    public GatewayConfig {
        java.util.Objects.requireNonNull(authentication);
        java.util.Objects.requireNonNull(database);
        java.util.Objects.requireNonNull(metrics);
        java.util.Objects.requireNonNull(failureReports);
        java.util.Objects.requireNonNull(serve);
        java.util.Objects.requireNonNull(reflector);
        java.util.Objects.requireNonNull(reports);
        dkim = List.copyOf(dkim);
        disclaimers = List.copyOf(disclaimers);
        listeners = List.copyOf(listeners);
        localDomains = List.copyOf(localDomains);
        relayNetworks = List.copyOf(relayNetworks);
        users = List.copyOf(users);
    }

    /** The same configuration with another store URL (the CLI's {@code --db} wins over the file). */
    public GatewayConfig withDatabase(String jdbcUrl) {
        return new GatewayConfig(hostname, dataDir, tls, listeners, localDomains, relayNetworks, users, limits, delivery, dkim,
                disclaimers, authentication, Optional.of(jdbcUrl), metrics, failureReports, serve, reflector, reports);
    }

    /** The same configuration with other {@code serve} extras (tests). */
    public GatewayConfig withServe(Serve extras) {
        return new GatewayConfig(hostname, dataDir, tls, listeners, localDomains, relayNetworks, users, limits, delivery, dkim,
                disclaimers, authentication, database, metrics, failureReports, extras, reflector, reports);
    }

    /**
     * What {@code mailward serve} runs beside the SMTP listeners: the deployment self-check on a schedule
     * ({@code doctor:}), the dashboard ({@code dashboard:}, absent = none) and the daily outgoing reports
     * ({@code reportGeneration:}).
     */
    public record Serve(DoctorSchedule doctor, Optional<Dashboard> dashboard, ReportSchedule reportGeneration) {
        public static Serve defaults() {
            return new Serve(DoctorSchedule.defaults(), Optional.empty(), ReportSchedule.disabled());
        }
    }

    /**
     * {@code doctor: {enabled, interval, outboundAddresses}}: the doctor runs at start-up (in the background) and
     * every {@code interval}; {@code outboundAddresses} are what SPF and PTR must cover (default: the listeners'
     * addresses that are not wildcards).
     */
    public record DoctorSchedule(boolean enabled, Duration interval, List<String> outboundAddresses) {
        public DoctorSchedule {
            outboundAddresses = List.copyOf(outboundAddresses);
        }

        public static DoctorSchedule defaults() {
            return new DoctorSchedule(true, Duration.ofHours(6), List.of());
        }
    }

    /**
     * {@code dashboard: {address, port, secureCookies, tlsrptSecret}}: the reports dashboard and API on the gateway's
     * database; {@code tlsrptSecret} is the path secret of the TLS-RPT POST endpoint (empty: one generated and kept in
     * the database).
     */
    public record Dashboard(String address, int port, boolean secureCookies, Optional<String> tlsrptSecret) {
    }

    /**
     * {@code reportGeneration: {enabled, at, orgName, email, schema, catchUpDays}}: once a UTC day at {@code at}, the
     * previous days' DMARC aggregate and TLS-RPT reports are generated and sent (the same as
     * {@code mailward reports generate}); days missed while stopped are caught up, at most {@code catchUpDays}.
     *
     * @param schema {@code rfc7489} or {@code dmarc-2.0}
     */
    public record ReportSchedule(boolean enabled, java.time.LocalTime at, Optional<String> orgName, Optional<String> email,
                                 String schema, int catchUpDays) {
        public static ReportSchedule disabled() {
            return new ReportSchedule(false, java.time.LocalTime.of(1, 30), Optional.empty(), Optional.empty(), "rfc7489", 3);
        }
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

    /** What inbound DNS Authentication does with a failed check (in order of severity). */
    public enum AuthAction {
        NONE, TAG, QUARANTINE, REJECT;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public AuthAction max(AuthAction other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    /**
     * The action for each failure, and whether the sender's published DMARC policy is honoured (p=reject rejects,
     * p=quarantine quarantines, after the evaluator's pct sampling, test mode and trusted-ARC overrides).
     */
    public record AuthActions(AuthAction spfFail, AuthAction spfSoftfail, AuthAction dkimFail, AuthAction dmarcFail,
                              boolean honourDmarcPolicy) {
        /** The UK baseline: honour DMARC, nothing else decides on its own. */
        public static AuthActions baseline() {
            return new AuthActions(AuthAction.NONE, AuthAction.NONE, AuthAction.NONE, AuthAction.NONE, true);
        }

        /** Allow-list actions: checks still run and are recorded, nothing is done. */
        public static AuthActions allowed() {
            return new AuthActions(AuthAction.NONE, AuthAction.NONE, AuthAction.NONE, AuthAction.NONE, false);
        }
    }

    /**
     * A scope with its own actions: it matches when the sender domain (RFC5322.From or MAIL FROM domain; a name or a
     * {@code *.}-wildcard) is listed, or no domains are given, and the client is in one of the networks, or no
     * networks are given. {@code allowList}: an allow list entry (all actions none; logged when it changed one).
     */
    public record AuthOverride(String name, List<String> senderDomains, List<Cidr> networks, AuthActions actions,
                               boolean allowList) {
        public AuthOverride {
            senderDomains = List.copyOf(senderDomains);
            networks = List.copyOf(networks);
        }
    }

    /**
     * Inbound DNS Authentication (SPF, FCrDNS, DKIM, ARC, DMARC) for mail from outside.
     *
     * @param enabled           run the checks on inbound listeners (default true)
     * @param actions           the default actions
     * @param subjectTag        prefix for the Subject of tagged messages ("" = header only)
     * @param tagHeader         the header field added to tagged messages
     * @param overrides         scopes, first match wins
     * @param trustedArcSealers ARC sealers whose passing chain overrides a DMARC failure
     */
    public record Authentication(boolean enabled, AuthActions actions, String subjectTag, String tagHeader,
                                 List<AuthOverride> overrides, List<String> trustedArcSealers) {
        public Authentication {
            overrides = List.copyOf(overrides);
            trustedArcSealers = List.copyOf(trustedArcSealers);
        }

        public static Authentication defaults() {
            return new Authentication(true, AuthActions.baseline(), "[Suspicious]", "X-Mailward-Auth-Tag", List.of(), List.of());
        }
    }

    /**
     * DMARC failure reports (RFC 7489 7.3, RFC 6591, RFC 9991) the gateway sends about inbound mail that fails
     * DMARC, to the sender domain's {@code ruf}. Off by default: they show the original's header to a third party.
     *
     * @param enabled             send them at all (default false)
     * @param headersOnly         attach the original's header section only, not the message (default true)
     * @param redactLocalParts    replace local parts of addresses by keyed hashes (default false)
     * @param maxPerDomainPerHour reports per reported policy domain and hour (default 10)
     * @param orgName             our name in the report text (default: the host name)
     * @param email               From: of the reports (default: postmaster at the host name)
     * @param nullSender          MAIL FROM:<> instead of {@code email} (default false)
     */
    public record FailureReports(boolean enabled, boolean headersOnly, boolean redactLocalParts, int maxPerDomainPerHour,
                                 Optional<String> orgName, Optional<String> email, boolean nullSender) {
        public FailureReports {
            java.util.Objects.requireNonNull(orgName);
            java.util.Objects.requireNonNull(email);
        }

        public static FailureReports defaults() {
            return new FailureReports(false, true, false, 10, Optional.empty(), Optional.empty(), false);
        }
    }

    /**
     * The emailsecurity@ reflector (issue 8, docs/reflector.md): the gateway answers mail to
     * {@code localPart@<local domain>} itself with the authentication results of the received message.
     *
     * @param enabled                     the default for every local domain (true)
     * @param localPart                   the default local part (emailsecurity), lower case
     * @param maxRepliesPerSenderPerHour  replies to one envelope sender address within an hour, at most
     * @param domains                     per-domain overrides (each a local domain)
     */
    public record Reflector(boolean enabled, String localPart, int maxRepliesPerSenderPerHour, List<ReflectorDomain> domains) {
        public static final String DEFAULT_LOCAL_PART = "emailsecurity";
        public static final int DEFAULT_MAX_REPLIES_PER_SENDER_PER_HOUR = 5;

        public Reflector {
            java.util.Objects.requireNonNull(localPart);
            domains = List.copyOf(domains);
        }

        public static Reflector defaults() {
            return new Reflector(true, DEFAULT_LOCAL_PART, DEFAULT_MAX_REPLIES_PER_SENDER_PER_HOUR, List.of());
        }

        /** The reflector address of a local domain ({@code localPart@domain}), or empty when it is disabled there. */
        public Optional<String> addressFor(String domain) {
            String d = domain.toLowerCase(java.util.Locale.ROOT);
            for (ReflectorDomain o : domains) {
                if (o.domain().equals(d)) {
                    return o.enabled() ? Optional.of(o.localPart().orElse(localPart) + "@" + d) : Optional.empty();
                }
            }
            return enabled ? Optional.of(localPart + "@" + d) : Optional.empty();
        }
    }

    /** A per-domain reflector setting: on or off, and optionally another local part. */
    public record ReflectorDomain(String domain, boolean enabled, Optional<String> localPart) {
        public ReflectorDomain {
            java.util.Objects.requireNonNull(domain);
            java.util.Objects.requireNonNull(localPart);
        }
    }
}
