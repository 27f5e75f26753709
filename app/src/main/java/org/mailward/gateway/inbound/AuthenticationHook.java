package org.mailward.gateway.inbound;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.dmarc.Policy;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;
import org.mailward.auth.results.AuthenticationResults;
import org.mailward.auth.results.ResultInfo;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.verify.Envelope;
import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.auth.verify.MessageAuthenticator;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.config.GatewayConfig.AuthAction;
import org.mailward.gateway.events.AuthenticationEvent;
import org.mailward.gateway.events.GatewayEvents;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;
import org.mailward.smtp.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound DNS Authentication for mail from outside (not from a relay network, not from an authenticated
 * submitter: that is the outbound scope).
 *
 * <ul>
 * <li>MAIL FROM: FCrDNS of the client (once per session) and SPF (RFC 7208) are evaluated and kept; the SPF
 *     verdict is deferred to DATA so DMARC can use it (RFC 7489 10.1: rejecting on SPF alone at MAIL FROM
 *     would pre-empt DMARC).</li>
 * <li>DATA: DKIM, ARC and DMARC via {@link MessageAuthenticator}; our Authentication-Results (with iprev, RFC 8601
 *     3) is prepended and every incoming Authentication-Results field claiming our authserv-id is removed (RFC 8601
 *     5, case-insensitive; ARC-Authentication-Results fields are part of ARC sets and are left alone); then the
 *     {@link AuthenticationPolicy} action: none, tag (header + Subject prefix), quarantine, reject 550 5.7.1.</li>
 * <li>Every outcome is recorded through {@link GatewayEvents} (a DMARC aggregate report row).</li>
 * </ul>
 */
public final class AuthenticationHook implements InboundHook {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationHook.class);
    /** Sessions remembered between MAIL FROM and DATA; an evicted one is simply evaluated again at DATA. */
    private static final int MAX_SESSIONS = 10_000;

    private final Resolver resolver;
    private final MessageAuthenticator authenticator;
    private final AuthenticationPolicy policy;
    private final GatewayConfig.Authentication config;
    private final RelayControl relay;
    private final GatewayEvents events;
    private final Clock clock;
    private final AuthenticationListener listener;
    private final Map<String, SessionState> sessions = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SessionState> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    /** What MAIL FROM found, for DATA. */
    private record SessionState(Fcrdns fcrdns, String mailFrom, String helo, Optional<SpfResult> spf) {
    }

    public AuthenticationHook(Resolver resolver, MessageAuthenticator authenticator, GatewayConfig.Authentication config,
                              RelayControl relay, GatewayEvents events, Clock clock) {
        this(resolver, authenticator, config, relay, events, clock, AuthenticationListener.NONE);
    }

    /** @param listener told about each evaluated message (e.g. the DMARC failure reporter) */
    public AuthenticationHook(Resolver resolver, MessageAuthenticator authenticator, GatewayConfig.Authentication config,
                              RelayControl relay, GatewayEvents events, Clock clock, AuthenticationListener listener) {
        this.listener = listener;
        this.resolver = resolver;
        this.authenticator = authenticator;
        this.policy = new AuthenticationPolicy(config);
        this.config = config;
        this.relay = relay;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "dns-authentication";
    }

    private boolean outboundScope(SessionInfo s) {
        return relay.relayPermitted(s.remote().getAddress(), s.authUser());
    }

    private Optional<SessionState> state(String sessionId) {
        synchronized (sessions) {
            return Optional.ofNullable(sessions.get(sessionId));
        }
    }

    @Override
    public HookVerdict onMailFrom(SessionInfo s, SmtpCommand.Mail mail) {
        if (outboundScope(s)) {
            return HookVerdict.proceed();
        }
        InetAddress ip = s.remote().getAddress();
        Fcrdns fcrdns = state(s.id()).map(SessionState::fcrdns).orElseGet(() -> Fcrdns.check(resolver, ip));
        String mailFrom = mail.reversePath().map(Mailbox::address).orElse("");
        String helo = s.helo().orElse("");
        Optional<SpfResult> spf = authenticator.evaluateSpf(Envelope.of(ip, helo, mailFrom));
        synchronized (sessions) {
            sessions.put(s.id(), new SessionState(fcrdns, mailFrom, helo, spf));
        }
        return HookVerdict.proceed(); // RFC 7489 10.1: the SPF verdict waits for DMARC at DATA
    }

    @Override
    public HookVerdict onData(SessionInfo s, Transaction t, byte[] message) {
        if (outboundScope(s)) {
            return HookVerdict.proceed();
        }
        InetAddress ip = s.remote().getAddress();
        String mailFrom = t.reversePath().map(Mailbox::address).orElse("");
        String helo = s.helo().orElse("");
        Envelope env = Envelope.of(ip, helo, mailFrom);
        Optional<SessionState> st = state(s.id());
        Fcrdns fcrdns = st.map(SessionState::fcrdns).orElseGet(() -> Fcrdns.check(resolver, ip));
        MessageAuthentication a;
        if (st.isPresent() && st.get().mailFrom().equals(mailFrom) && st.get().helo().equals(helo) && st.get().spf().isPresent()) {
            a = authenticator.authenticate(env, st.get().spf().get(), message);
        } else {
            a = authenticator.authenticate(env, message);
        }
        AuthenticationPolicy.Decision d = policy.decide(a, ip);

        MessageHeaders headers = MessageReader.headers(message);
        List<String> remove = new ArrayList<>();
        for (HeaderField f : headers.fields()) {
            if (f.is(AuthenticationResults.FIELD_NAME) && AuthenticationResults.claims(f.value(), authenticator.authservId())) {
                // RFC 8601 5: a field claiming our authserv-id did not come from us; it must not reach the inside
                remove.add(utf8(f.raw().substring(0, f.raw().length() - 2)));
                LOG.info("session {}: removed an incoming Authentication-Results claiming our authserv-id {}", s.id(),
                        authenticator.authservId());
            }
        }
        List<String> add = new ArrayList<>();
        add.add(withIprev(a.authenticationResults(), fcrdns, ip).headerField());
        String reason = oneLine(String.join("; ", d.reasons()));
        if (d.action() == AuthAction.TAG) {
            add.add(config.tagHeader() + ": " + reason);
            if (!config.subjectTag().isEmpty()) {
                Optional<HeaderField> subject = headers.first("Subject");
                if (subject.isPresent()) {
                    remove.add(utf8(subject.get().raw().substring(0, subject.get().raw().length() - 2)));
                    String value = utf8(subject.get().rawValue());
                    add.add("Subject: " + config.subjectTag() + (value.startsWith(" ") ? "" : " ") + value);
                } else {
                    add.add("Subject: " + config.subjectTag());
                }
            }
        }
        if (d.changed()) {
            LOG.warn("session {}: authentication override '{}' changed the action from {} to {} (from={} client={} checks: {})",
                    s.id(), d.override().orElse(""), d.withoutOverride().keyword(), d.action().keyword(), a.dmarc().headerFrom(),
                    ip.getHostAddress(), a.authenticationResults().value().replaceAll("\\s+", " "));
        }
        LOG.info("session {}: authentication from={} client={} iprev={} {} -> {}{}", s.id(), a.dmarc().headerFrom(), ip.getHostAddress(),
                fcrdns.result(), a.authenticationResults().value().replaceAll("\\s+", " "), d.action().keyword(),
                reason.isEmpty() ? "" : " (" + reason + ")");
        events.recordAuthentication(event(s, t, a, fcrdns, d, reason, headers));
        try {
            listener.authenticated(s, t, a, d.action(), message);
        } catch (RuntimeException e) {
            LOG.warn("session {}: authentication listener failed: {}", s.id(), e.toString());
        }
        return switch (d.action()) {
            case REJECT -> HookVerdict.reject(550, "5.7.1", "Message rejected: " + ascii(reason));
            case QUARANTINE -> HookVerdict.quarantine(reason, add, remove);
            case TAG, NONE -> HookVerdict.editHeaders(add, remove);
        };
    }

    /** Our A-R with the FCrDNS result as iprev (RFC 8601 2.7.3, policy.iprev = the client address) first. */
    static AuthenticationResults withIprev(AuthenticationResults ar, Fcrdns f, InetAddress ip) {
        List<ResultInfo> all = new ArrayList<>();
        ResultInfo i = ResultInfo.of("iprev", f.result()).withProperty("policy", "iprev", ip.getHostAddress());
        if (!f.name().isEmpty()) {
            i = i.withComment(f.name());
        }
        all.add(i);
        all.addAll(ar.results());
        return new AuthenticationResults(ar.authservId(), ar.version(), all);
    }

    private AuthenticationEvent event(SessionInfo s, Transaction t, MessageAuthentication a, Fcrdns f,
                                      AuthenticationPolicy.Decision d, String reason, MessageHeaders headers) {
        DmarcResult r = a.dmarc();
        TreeSet<String> rcptDomains = new TreeSet<>();
        t.recipients().forEach(x -> rcptDomains.add(x.mailbox().domain().toLowerCase(Locale.ROOT)));
        List<String> overrides = new ArrayList<>();
        r.reasons().forEach(x -> overrides.add(x.type().keyword() + (x.comment().isEmpty() ? "" : ": " + x.comment())));
        // what we applied, as policy_evaluated/disposition (RFC 7489 7.2.1.1): differs from the DMARC result's
        // disposition when our configuration decided otherwise, which the report shows as local_policy
        String disposition = r.disposition().keyword();
        if (r.verdict() == org.mailward.auth.dmarc.DmarcVerdict.FAIL) {
            Policy applied = switch (d.action()) {
                case REJECT -> Policy.REJECT;
                case QUARANTINE -> Policy.QUARANTINE;
                default -> Policy.NONE;
            };
            if (applied != r.disposition()) {
                overrides.add("local_policy: " + (d.override().isPresent() && d.changed() ? "override " + d.override().get()
                        : "gateway action " + d.action().keyword()));
            }
            disposition = applied.keyword();
        }
        Optional<AuthenticationEvent.PolicyPublished> pp = r.policyPublished().map(p -> {
            DmarcRecord rec = p.record();
            return new AuthenticationEvent.PolicyPublished(p.domain(), rec.policy().keyword(),
                    rec.effectiveSubdomainPolicy().keyword(), rec.nonexistentPolicy().map(Policy::keyword).orElse(""),
                    rec.percent(), rec.dkimAlignment() == org.mailward.auth.dmarc.Alignment.STRICT ? "s" : "r",
                    rec.spfAlignment() == org.mailward.auth.dmarc.Alignment.STRICT ? "s" : "r",
                    String.join(":", rec.failureOptions()), rec.testing() ? "y" : "n");
        });
        List<AuthenticationEvent.DkimSignature> dkim = r.dkim().stream().map(k -> new AuthenticationEvent.DkimSignature(k.domain(),
                k.selector(), k.result().name().toLowerCase(Locale.ROOT), k.aligned(), k.humanResult())).toList();
        Optional<DmarcResult.SpfEvaluation> spf = r.spf();
        String messageId = headers.first("Message-ID").map(HeaderField::valueUtf8).orElse("");
        return new AuthenticationEvent(clock.instant(), authenticator.authservId(), s.remote().getAddress().getHostAddress(),
                s.helo().orElse(""), f.result(), f.name(), messageId, r.headerFrom(), r.envelopeFrom(), List.copyOf(rcptDomains),
                t.recipients().size(), r.verdict().keyword(), disposition, r.dkimAligned(), r.spfAligned(), overrides, pp,
                r.appliedPolicy().map(DmarcResult.AppliedPolicy::keyword), dkim,
                spf.map(DmarcResult.SpfEvaluation::domain).orElse(""),
                spf.map(x -> x.scope().name().toLowerCase(Locale.ROOT)).orElse(""),
                spf.map(x -> x.result().name().toLowerCase(Locale.ROOT)).orElse(a.spf().isEmpty() ? "none" : ""),
                a.arc().cv().token(), d.action().keyword(), reason, d.changed() ? d.override().orElse("") : "");
    }

    /**
     * A field as a Java string whose UTF-8 encoding is the original bytes (the form InboundHandler removes by); a
     * field that is not valid UTF-8 stays in its one-to-one ISO-8859-1 form, which InboundHandler also matches, so
     * an 8-bit forged field cannot slip through the removal.
     */
    private static String utf8(String latin1) {
        byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
        String s = new String(bytes, StandardCharsets.UTF_8);
        return java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), bytes) ? s : latin1;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    /** SMTP reply text is ASCII (RFC 5321 4.2; SMTPUTF8 does not change replies). */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? c : '?');
        }
        String out = b.toString();
        return out.length() > 400 ? out.substring(0, 400) + "..." : out;
    }
}
