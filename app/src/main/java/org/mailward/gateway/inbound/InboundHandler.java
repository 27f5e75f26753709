package org.mailward.gateway.inbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.mailward.gateway.outbound.OutboundProcessor;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.Decision;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionHandler;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;
import org.mailward.smtp.SmtpReply;
import org.mailward.smtp.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@link SessionHandler}: runs the hooks of each phase, applies relay control at RCPT, and at the
 * end of DATA prepends a Received header (RFC 5321 4.4) and the hooks' headers, stores the message in the spool
 * (fsynced) and only then answers 250 with the queue id.
 */
public final class InboundHandler implements SessionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(InboundHandler.class);

    private final String hostname;
    private final RelayControl relay;
    private final HookRunner hooks;
    private final Spool spool;
    private final Clock clock;
    private final Consumer<Envelope> queued;
    private final Optional<OutboundProcessor> outbound;
    private final Optional<LocalResponder> responder;
    private final ReportFeed reports;

    /** No outbound processing, no local answers, no report addresses. */
    public InboundHandler(String hostname, RelayControl relay, HookRunner hooks, Spool spool, Clock clock, Consumer<Envelope> queued) {
        this(hostname, relay, hooks, spool, clock, queued, Optional.empty(), Optional.empty(), ReportFeed.NONE);
    }

    /** With a {@code responder} only (tests). */
    public InboundHandler(String hostname, RelayControl relay, HookRunner hooks, Spool spool, Clock clock, Consumer<Envelope> queued,
                          Optional<OutboundProcessor> outbound, Optional<LocalResponder> responder) {
        this(hostname, relay, hooks, spool, clock, queued, outbound, responder, ReportFeed.NONE);
    }

    /**
     * With {@code outbound}: mail from a relay network or an authenticated submitter (the outbound scope) gets its
     * footer and DKIM signatures after our own headers were added, as the last change before the spool.
     * With a {@code responder}: recipients it {@link LocalResponder#answers answers} (the emailsecurity@ reflector)
     * are answered by the gateway itself and not relayed; the transaction's other recipients are relayed as usual.
     * With {@code reports}: recipients that are report addresses are accepted at RCPT (no relay check: they are ours,
     * unless {@code reports.relay}) and their mail is written to the report inbox before 250, and not relayed unless
     * {@code reports.relay}.
     */
    public InboundHandler(String hostname, RelayControl relay, HookRunner hooks, Spool spool, Clock clock, Consumer<Envelope> queued,
                          Optional<OutboundProcessor> outbound, Optional<LocalResponder> responder, ReportFeed reports) {
        this.responder = responder;
        this.reports = reports;
        this.outbound = outbound;
        this.hostname = hostname;
        this.relay = relay;
        this.hooks = hooks;
        this.spool = spool;
        this.clock = clock;
        this.queued = queued;
    }

    private static Decision toDecision(HookVerdict v) {
        return switch (v) {
            case HookVerdict.Reject r -> Decision.refuse(r.code(), r.enhanced(), r.text());
            case HookVerdict.TempFail t -> Decision.refuse(t.code(), t.enhanced(), t.text());
            default -> Decision.accept();
        };
    }

    @Override
    public Decision connect(SessionInfo s) {
        return toDecision(hooks.run("connect", h -> h.onConnect(s)).verdict());
    }

    @Override
    public Decision helo(SessionInfo s) {
        return toDecision(hooks.run("helo", h -> h.onHelo(s)).verdict());
    }

    @Override
    public Decision mail(SessionInfo s, SmtpCommand.Mail m) {
        return toDecision(hooks.run("mail", h -> h.onMailFrom(s, m)).verdict());
    }

    @Override
    public Decision rcpt(SessionInfo s, Transaction t, SmtpCommand.Rcpt r) {
        // a report address is ours even outside the local domains; with reports.relay it is relayed too, so then it
        // must pass relay control like any recipient (never a way to relay to a foreign address)
        RelayControl.Decision d = reports.isReportAddress(r.forwardPath()) && !reports.relay() ? null
                : relay.decide(s.remote().getAddress(), s.authUser(), r.forwardPath());
        if (d instanceof RelayControl.Decision.Refuse f) {
            LOG.info("session {}: relay refused for {} from {}", s.id(), r.forwardPath(), s.remote());
            return Decision.refuse(f.code(), f.enhanced(), f.text());
        }
        return toDecision(hooks.run("rcpt", h -> h.onRcptTo(s, t, r.forwardPath())).verdict());
    }

    @Override
    public Decision data(SessionInfo s, Transaction t, byte[] message) {
        HookRunner.Outcome o = hooks.run("data", h -> h.onData(s, t, message));
        if (o.verdict() instanceof HookVerdict.Reject || o.verdict() instanceof HookVerdict.TempFail) {
            return toDecision(o.verdict());
        }
        List<String> answered = answered(t);
        if (!answered.isEmpty()) {
            try {
                responder.orElseThrow().respond(s, t, message, answered);
            } catch (IOException e) {
                LOG.error("session {}: cannot queue the gateway's own answer: {}", s.id(), e.toString());
                return Decision.refuse(451, "4.3.0", "Error: queue file write error");
            }
            if (t.recipients().stream().allMatch(r -> !r.mailbox().isPostmasterOnly() && answered.contains(r.mailbox().address()))) {
                LOG.info("session {}: from=<{}> answered by the gateway itself ({}), nothing to relay", s.id(),
                        t.reversePath().map(Mailbox::address).orElse(""), String.join(", ", answered));
                return Decision.accept(SmtpReply.of(250, "2.0.0", "Ok: answered by " + hostname));
            }
        }
        String id = spool.newId();
        List<Envelope.Recipient> rcpts = new ArrayList<>();
        List<String> reportRcpts = new ArrayList<>();
        for (Transaction.Recipient r : t.recipients()) {
            Mailbox m = r.mailbox();
            if (!m.isPostmasterOnly() && answered.contains(m.address())) {
                continue; // answered by the gateway itself above
            }
            if (reports.isReportAddress(m)) {
                reportRcpts.add(m.address());
                if (!reports.relay()) {
                    continue;
                }
            }
            String address = m.isPostmasterOnly() ? "postmaster@" + relay.postmasterDomain() : m.address();
            rcpts.add(new Envelope.Recipient(address, r.parameters().orcpt().orElse(""),
                    r.parameters().notifyOn().stream().map(Enum::name).sorted().toList(), Envelope.Status.PENDING, ""));
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream(message.length + 512);
        byte[] received = received(s, t, id).getBytes(StandardCharsets.UTF_8);
        content.writeBytes(received);
        for (String h : o.headers()) {
            content.writeBytes((h.endsWith("\r\n") ? h : h + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        content.writeBytes(removeHeaders(message, o.removeHeaders()));
        byte[] stored0 = content.toByteArray();
        if (!reportRcpts.isEmpty()) {
            // Before anything is queued, so a failure here (local disk) leaves nothing half-accepted: 451 and the
            // client retries the whole transaction. Reports are taken whatever the hooks' quarantine verdict: ingest
            // treats every report as untrusted input, and the Authentication-Results stay in the stored bytes.
            try {
                reports.store(id, stored0);
                LOG.info("report mail {} for {} stored for ingest ({} bytes, client={})", id, reportRcpts, stored0.length, s.remote());
            } catch (IOException e) {
                LOG.error("session {}: cannot store report mail: {}", s.id(), e.toString());
                return Decision.refuse(451, "4.3.0", "Error: queue file write error");
            }
            if (rcpts.isEmpty()) {
                return Decision.accept(SmtpReply.of(250, "2.0.0", "Ok: report stored as " + id));
            }
        }
        if (outbound.isPresent() && relay.relayPermitted(s.remote().getAddress(), s.authUser())) {
            stored0 = outbound.get().process(id, stored0).message();
        }
        byte[] finalContent = stored0;
        Envelope env = new Envelope(id, t.reversePath().map(Mailbox::address).orElse(""), rcpts,
                t.mailParameters().envid().orElse(""), t.mailParameters().ret().map(Enum::name).orElse(""),
                t.mailParameters().smtpUtf8(), clock.millis(), s.remote().getAddress().getHostAddress() + " "
                + s.helo().orElse(""), 0, clock.millis(), "", "");
        try {
            Envelope stored = spool.enqueue(env, finalContent);
            if (o.verdict() instanceof HookVerdict.Quarantine q) {
                // accepted for the client, kept on hold for the administrator (never delivered automatically)
                spool.update(org.mailward.gateway.queue.QueueState.ACTIVE, stored.withHoldReason("quarantine: " + q.reason()));
                spool.move(id, org.mailward.gateway.queue.QueueState.ACTIVE, org.mailward.gateway.queue.QueueState.HOLD);
                LOG.info("quarantined {}: {}", id, q.reason());
                return Decision.accept(SmtpReply.of(250, "2.0.0", "Ok: queued as " + id));
            }
            LOG.info("queued {} from=<{}> rcpts={} size={} client={} tls={}", id, stored.sender(), rcpts.size(),
                    finalContent.length, s.remote(), s.tls().map(x -> x.protocol() + "/" + x.cipherSuite()).orElse("none"));
            queued.accept(stored);
        } catch (IOException e) {
            LOG.error("session {}: cannot queue message: {}", s.id(), e.toString());
            return Decision.refuse(451, "4.3.0", "Error: queue file write error");
        }
        return Decision.accept(SmtpReply.of(250, "2.0.0", "Ok: queued as " + id));
    }

    /** The accepted recipients the responder answers itself (RCPT TO addresses as given); empty without one. */
    private List<String> answered(Transaction t) {
        if (responder.isEmpty()) {
            return List.of();
        }
        return t.recipients().stream().map(Transaction.Recipient::mailbox).filter(m -> !m.isPostmasterOnly())
                .map(Mailbox::address).filter(responder.get()::answers).distinct().toList();
    }

    /**
     * Removes header fields given exactly (folding included, without the final CRLF) from the header section;
     * each entry removes one occurrence that starts at a line start. The body is never touched. An entry is matched
     * by its UTF-8 bytes, or, when that finds nothing, by its characters taken as bytes (ISO-8859-1): that is how a
     * hook names a field whose bytes are not valid UTF-8.
     */
    static byte[] removeHeaders(byte[] message, List<String> fields) {
        if (fields.isEmpty()) {
            return message;
        }
        String m = new String(message, StandardCharsets.ISO_8859_1);
        int end = m.indexOf("\r\n\r\n");
        String header = end < 0 ? m : m.substring(0, end + 2);
        String rest = end < 0 ? "" : m.substring(end + 2);
        for (String f : fields) {
            String needle = new String(f.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1) + "\r\n";
            if (!header.startsWith(needle) && !header.contains("\r\n" + needle) && f.chars().allMatch(c -> c <= 0xFF)) {
                // a field that is not valid UTF-8 can only be named by its bytes one to one (ISO-8859-1 decoded)
                needle = f + "\r\n";
            }
            int at = header.startsWith(needle) ? 0 : header.indexOf("\r\n" + needle);
            if (at > 0) {
                at += 2;
            }
            if (at >= 0) {
                header = header.substring(0, at) + header.substring(at + needle.length());
            }
        }
        return (header + rest).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** RFC 5321 4.4 trace header; "with" per RFC 3848 (ESMTPS, ESMTPSA...). */
    private String received(SessionInfo s, Transaction t, String id) {
        String with = (s.esmtp() ? "ESMTP" : "SMTP") + (s.tls().isPresent() ? "S" : "") + (s.authUser().isPresent() ? "A" : "");
        if (t.mailParameters().smtpUtf8()) {
            with = "UTF8" + with;
        }
        String tls = s.tls().map(x -> " (using " + x.protocol() + " with cipher " + x.cipherSuite() + ")").orElse("");
        String forClause = t.recipients().size() == 1 ? "\r\n\tfor <" + t.recipients().get(0).mailbox().address() + ">" : "";
        String date = ZonedDateTime.now(clock).format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
        return "Received: from " + s.helo().orElse("unknown") + " ([" + s.remote().getAddress().getHostAddress() + "])\r\n\tby "
                + hostname + " (Mailward) with " + with + " id " + id + tls + forClause + ";\r\n\t" + date + "\r\n";
    }
}
