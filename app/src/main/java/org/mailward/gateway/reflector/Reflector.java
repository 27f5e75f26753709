package org.mailward.gateway.reflector;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.inbound.AuthenticationListener;
import org.mailward.gateway.inbound.InboundAuthentication;
import org.mailward.gateway.inbound.LocalResponder;
import org.mailward.gateway.outbound.LocalSubmission;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emailsecurity@ reflector (package doc): answers mail to {@code localPart@<local domain>} with the authentication
 * results of the received message. It hears those results from the authentication hook ({@link AuthenticationListener},
 * kept only for messages addressed to the reflector, per session, until the handler asks), applies the abuse rules
 * ({@link ReplyRules}) and the per-sender rate limit ({@link ReplyRateLimiter}), and queues the reply through
 * {@link LocalSubmission}: DKIM-signed by the reflector domain's definition, delivered under Secure Delivery. Every
 * decision is logged with its reason.
 */
public final class Reflector implements LocalResponder, AuthenticationListener {

    private static final Logger LOG = LoggerFactory.getLogger(Reflector.class);
    /** Results waiting for their handler, at most this many (an abandoned one is dropped with the eldest). */
    private static final int MAX_PENDING = 1_000;

    private final String hostname;
    private final Map<String, String> addresses;
    private final LocalSubmission submission;
    private final ReplyRules rules;
    private final ReplyRateLimiter limiter;
    private final SecureDeliveryStatement delivery;
    private final Clock clock;
    private final Map<String, Pending> pending = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
            return size() > MAX_PENDING;
        }
    };

    /** One message's results, waiting for {@link #respond}; {@code message} identifies the transaction's data. */
    private record Pending(byte[] message, InboundAuthentication result) {
    }

    public Reflector(GatewayConfig config, LocalSubmission submission, PublicSuffixList psl, ReplyRateLimiter limiter, Clock clock) {
        this.hostname = config.hostname();
        this.addresses = addresses(config);
        this.submission = submission;
        this.rules = new ReplyRules(psl, this::answers);
        this.limiter = limiter;
        this.delivery = new SecureDeliveryStatement(config);
        this.clock = clock;
    }

    /** The reflector of a configuration, with its configured hourly limit; empty when no local domain has one. */
    public static Optional<Reflector> of(GatewayConfig config, LocalSubmission submission, PublicSuffixList psl, Clock clock) {
        if (addresses(config).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Reflector(config, submission, psl,
                ReplyRateLimiter.perHour(config.reflector().maxRepliesPerSenderPerHour(), clock), clock));
    }

    /** Reflector address (lower case) to its local domain, for every local domain where it is enabled. */
    static Map<String, String> addresses(GatewayConfig config) {
        Map<String, String> m = new LinkedHashMap<>();
        for (GatewayConfig.LocalDomain d : config.localDomains()) {
            config.reflector().addressFor(d.domain()).ifPresent(a -> m.put(a.toLowerCase(Locale.ROOT), d.domain()));
        }
        return Map.copyOf(m);
    }

    /** The addresses answered, e.g. for the start-up log. */
    public List<String> addresses() {
        return addresses.keySet().stream().sorted().toList();
    }

    @Override
    public boolean answers(String recipient) {
        return addresses.containsKey(recipient.toLowerCase(Locale.ROOT));
    }

    @Override
    public void authenticated(SessionInfo session, Transaction transaction, byte[] message, InboundAuthentication result) {
        if (transaction.recipients().stream().anyMatch(r -> answers(r.mailbox().address()))) {
            synchronized (pending) {
                pending.put(session.id(), new Pending(message, result));
            }
        }
    }

    private Optional<InboundAuthentication> take(String sessionId, byte[] message) {
        synchronized (pending) {
            Pending p = pending.remove(sessionId);
            // the same array the hook saw: results of an earlier transaction of the session never answer this one
            return p != null && p.message() == message ? Optional.of(p.result()) : Optional.empty();
        }
    }

    @Override
    public void respond(SessionInfo session, Transaction transaction, byte[] message, List<String> recipients) throws IOException {
        handle(session, transaction, message, recipients);
    }

    /** {@link #respond}, returning the decision (tests). */
    public ReplyRules.Decision handle(SessionInfo session, Transaction transaction, byte[] message, List<String> recipients) throws IOException {
        Optional<InboundAuthentication> auth = take(session.id(), message);
        String sender = transaction.reversePath().map(Mailbox::address).orElse("");
        String to = recipients.get(0).toLowerCase(Locale.ROOT);
        MessageHeaders headers = MessageReader.headers(message);
        String context = "from=<" + ReflectorReport.sanitise(sender, 320) + "> to=" + to + " client=" + session.remote().getAddress().getHostAddress()
                + " session=" + session.id();
        ReplyRules.Decision d = rules.decide(sender, headers, auth);
        if (d instanceof ReplyRules.Decision.Reply && !limiter.tryAcquire(sender)) {
            d = new ReplyRules.Decision.Skip(ReplyRules.Rule.RATE_LIMITED, "already " + limiter.max() + " replies to this sender within an hour");
        }
        if (d instanceof ReplyRules.Decision.Skip s) {
            LOG.info("reflector: no reply ({}): {} [{}]", s.rule().keyword(), s.detail(), context);
            return d;
        }
        ReflectorReport report = ReflectorReport.of(hostname, to, clock.instant(), session, sender, headers, auth.orElseThrow(),
                delivery.describe(ReplyRules.domainOf(sender)));
        byte[] reply = ReplyBuilder.build(report, sender, UUID.randomUUID() + "@" + hostname);
        // RFC 3834 3.3: the response goes out with a null reverse-path, so nothing ever answers it in turn
        LocalSubmission.Submitted sub = submission.submit("", List.of(sender), reply);
        LOG.info("reflector: replied ({}): queued {} size={} signed={} [{}]", ((ReplyRules.Decision.Reply) d).basis(),
                sub.envelope().queueId(), reply.length, sub.outcome().signedWith().isEmpty() ? "no" : String.join(",", sub.outcome().signedWith()),
                context);
        return d;
    }
}
