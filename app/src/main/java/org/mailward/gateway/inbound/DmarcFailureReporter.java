package org.mailward.gateway.inbound;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimStatus;
import org.mailward.auth.dmarc.DmarcInput;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.dmarc.DmarcVerdict;
import org.mailward.auth.dmarc.ReportUri;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageReader;
import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.config.GatewayConfig.AuthAction;
import org.mailward.gateway.outbound.LocalSubmission;
import org.mailward.reports.generate.Destination;
import org.mailward.reports.generate.FailureIncident;
import org.mailward.reports.generate.FailureOptions;
import org.mailward.reports.generate.FailureReportBuilder;
import org.mailward.reports.generate.FailureReportLimiter;
import org.mailward.reports.generate.Redaction;
import org.mailward.reports.generate.ReportDestinations;
import org.mailward.reports.generate.ReporterIdentity;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends DMARC failure reports (RFC 7489 7.3, RFC 6591, RFC 9991) about inbound messages, when configured
 * ({@code failureReports.enabled}; off by default).
 *
 * <pre>
 *   AuthenticationHook (DATA) --authenticated--> this, in the hook's thread:
 *       the applied record has ruf?  the message is not itself a feedback report (loops, RFC 9991 3.3)?
 *       fo asks for it (FailureOptions)?  within maxPerDomainPerHour (FailureReportLimiter)?
 *     --> another thread: ReportDestinations.dmarcFailure (RFC 7489 7.1 external check, !size)
 *         --> FailureReportBuilder (ARF, redaction) --> LocalSubmission (DKIM-signed, spooled, delivered)
 * </pre>
 *
 * Nothing here may slow or fail the SMTP transaction: DNS and the spool write happen on a virtual thread, at most
 * {@link #MAX_IN_FLIGHT} at once (more are dropped and logged), and every outcome is reported to the observer
 * (the log by default).
 */
public final class DmarcFailureReporter implements AuthenticationListener {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcFailureReporter.class);
    static final int MAX_IN_FLIGHT = 32;

    /** Where a report mail goes: the gateway's {@link LocalSubmission} in production. */
    @FunctionalInterface
    public interface Submitter {
        void submit(String sender, List<String> recipients, byte[] message) throws IOException;
    }

    /**
     * What happened for one message that a record's ruf/fo asked about.
     *
     * @param status     sent, refused (no acceptable destination), rate-limited, failed (submission error), skipped
     * @param recipients the ruf mailboxes the report went (or would have gone) to
     * @param detail     the reason, for the log
     */
    public record Outcome(String policyDomain, String status, List<String> recipients, String detail) {
    }

    private final GatewayConfig.FailureReports config;
    private final ReporterIdentity me;
    private final ReportDestinations destinations;
    private final FailureReportBuilder builder;
    private final FailureReportLimiter limiter;
    private final Submitter submitter;
    private final Clock clock;
    private final Executor executor;
    private final Consumer<Outcome> observer;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    public DmarcFailureReporter(GatewayConfig.FailureReports config, ReporterIdentity me, ReportDestinations destinations,
                                Redaction redaction, Submitter submitter, Clock clock, Executor executor, Consumer<Outcome> observer) {
        this.config = config;
        this.me = me;
        this.destinations = destinations;
        this.builder = new FailureReportBuilder(me, redaction);
        this.limiter = new FailureReportLimiter(config.maxPerDomainPerHour(), clock);
        this.submitter = submitter;
        this.clock = clock;
        this.executor = executor;
        this.observer = observer;
    }

    /**
     * The gateway's listener: {@link AuthenticationListener#NONE} unless {@code failureReports.enabled}; reports go
     * through {@code submission} (read when a report is sent: the gateway creates it after the hooks).
     */
    public static AuthenticationListener of(GatewayConfig config, Resolver resolver, Clock clock, Supplier<LocalSubmission> submission) {
        GatewayConfig.FailureReports fr = config.failureReports();
        if (!fr.enabled()) {
            return AuthenticationListener.NONE;
        }
        ReporterIdentity me = ReporterIdentity.of(fr.orgName().orElse(null), fr.email().orElse(null), config.hostname());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key); // per start: tokens correlate within a run, never across our restarts
        Redaction redaction = new Redaction(fr.headersOnly(), fr.redactLocalParts(), key);
        LOG.info("DMARC failure reports enabled: from {}, {}{}, at most {} per domain and hour", me.email(),
                fr.headersOnly() ? "headers only" : "whole messages", fr.redactLocalParts() ? ", local parts redacted" : "",
                fr.maxPerDomainPerHour());
        return new DmarcFailureReporter(fr, me, new ReportDestinations(resolver, PublicSuffixList.bundled()), redaction,
                (from, to, m) -> submission.get().submit(from, to, m), clock,
                r -> Thread.ofVirtual().name("dmarc-failure-report").start(r), DmarcFailureReporter::log);
    }

    private static void log(Outcome o) {
        if (o.status().equals("sent")) {
            LOG.info("DMARC failure report for {} queued to {}", o.policyDomain(), String.join(", ", o.recipients()));
        } else {
            LOG.info("DMARC failure report for {} {}: {}", o.policyDomain(), o.status(), o.detail());
        }
    }

    @Override
    public void authenticated(SessionInfo session, Transaction transaction, MessageAuthentication a, AuthAction action, byte[] message) {
        if (!config.enabled()) {
            return;
        }
        DmarcResult r = a.dmarc();
        if (r.policyPublished().isEmpty() || (r.verdict() != DmarcVerdict.FAIL && r.verdict() != DmarcVerdict.PASS)) {
            return;
        }
        String policyDomain = r.policyPublished().get().domain();
        DmarcRecord record = r.policyPublished().get().record();
        if (record.failureUris().isEmpty()) {
            return;
        }
        Optional<FailureOptions.Trigger> trigger = FailureOptions.trigger(record.failureOptions(), evidence(a));
        if (trigger.isEmpty()) {
            return;
        }
        if (isFeedbackReport(message)) {
            // RFC 9991 3.3: a report about a report can loop between two reporters
            observer.accept(new Outcome(policyDomain, "skipped", List.of(), "the message is itself a feedback report"));
            return;
        }
        if (!limiter.tryAcquire(policyDomain)) {
            observer.accept(new Outcome(policyDomain, "rate-limited", List.of(), "more than " + config.maxPerDomainPerHour()
                    + " failure reports for " + policyDomain + " this hour"));
            return;
        }
        FailureIncident incident = incident(session, transaction, a, action, trigger.get(), policyDomain, message);
        if (!inFlight.tryAcquire()) {
            observer.accept(new Outcome(policyDomain, "failed", List.of(), MAX_IN_FLIGHT + " reports already in progress; dropped"));
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    observer.accept(send(incident, record.failureUris()));
                } catch (RuntimeException e) {
                    observer.accept(new Outcome(policyDomain, "failed", List.of(), e.toString()));
                } finally {
                    inFlight.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            observer.accept(new Outcome(policyDomain, "failed", List.of(), "cannot start: " + e));
        }
    }

    /** Looks up the destinations, builds and submits the report (not on the SMTP session's thread). */
    Outcome send(FailureIncident incident, List<ReportUri> ruf) {
        String domain = incident.policyDomain();
        ReportDestinations.Lookup lookup = destinations.dmarcFailure(domain, ruf);
        List<Destination> dests = new ArrayList<>(lookup.destinations());
        byte[] mail = new byte[0];
        List<String> to = List.of();
        // RFC 7489 6.4 !size: drop destinations the report is too large for, then build again for those left
        for (int round = 0; round <= dests.size(); round++) {
            to = dests.stream().filter(d -> d.accepted() && d.isMailto()).map(Destination::target).distinct().toList();
            if (to.isEmpty()) {
                break;
            }
            mail = builder.build(incident, to, clock.instant());
            boolean changed = false;
            for (int i = 0; i < dests.size(); i++) {
                Destination checked = dests.get(i).withinLimit(mail.length);
                changed |= checked != dests.get(i);
                dests.set(i, checked);
            }
            if (!changed) {
                break;
            }
        }
        if (to.isEmpty()) {
            List<String> why = new ArrayList<>();
            dests.forEach(d -> why.add(d.uri() + ": " + d.reason()));
            why.addAll(lookup.notes());
            return new Outcome(domain, "refused", List.of(), "no acceptable ruf destination: " + String.join("; ", why));
        }
        try {
            submitter.submit(config.nullSender() ? "" : me.email(), to, mail);
            return new Outcome(domain, "sent", to, mail.length + " bytes");
        } catch (IOException | RuntimeException e) {
            return new Outcome(domain, "failed", to, "submission: " + e.getMessage());
        }
    }

    /** What {@code fo} looks at (RFC 7489 6.3). */
    static FailureOptions.Evidence evidence(MessageAuthentication a) {
        DmarcResult r = a.dmarc();
        Optional<String> dkimFailure = a.dkim().stream().filter(d -> d.status() == DkimStatus.FAIL).findFirst()
                .map(DmarcFailureReporter::dkimFailureKind);
        boolean spfFailed = r.spf().map(s -> s.result() == DmarcInput.SpfVerdict.FAIL).orElse(false);
        return new FailureOptions.Evidence(r.dkimAligned(), r.spfAligned(), dkimFailure, spfFailed);
    }

    /** RFC 6591 3.1 Auth-Failure for a failed signature: bodyhash, revoked or signature. */
    static String dkimFailureKind(DkimResult d) {
        String reason = d.reason().toLowerCase(Locale.ROOT);
        if (reason.contains("body hash")) {
            return "bodyhash";
        }
        if (reason.contains("revoked")) {
            return "revoked";
        }
        return "signature";
    }

    private FailureIncident incident(SessionInfo s, Transaction t, MessageAuthentication a, AuthAction action,
                                     FailureOptions.Trigger trigger, String policyDomain, byte[] message) {
        DmarcResult r = a.dmarc();
        List<String> aligned = new ArrayList<>();
        if (r.dkimAligned()) {
            aligned.add("dkim");
        }
        if (r.spfAligned()) {
            aligned.add("spf");
        }
        // RFC 9991 3.1: DKIM-Domain/-Identity/-Selector when signed: the failed signature, else the first one
        Optional<DkimResult> sig = a.dkim().stream().filter(d -> !d.domain().isEmpty() && d.status() != DkimStatus.PASS).findFirst()
                .or(() -> a.dkim().stream().filter(d -> !d.domain().isEmpty()).findFirst());
        Optional<FailureIncident.SpfDns> spf = a.spf().flatMap(x -> x.record().map(rec -> new FailureIncident.SpfDns(x.domain(), rec)));
        String delivery = switch (action) {
            case REJECT -> "reject";
            case QUARANTINE -> "policy";
            case TAG, NONE -> "delivered";
        };
        return new FailureIncident(r.headerFrom(), policyDomain, clock.instant(), s.remote().getAddress().getHostAddress(),
                t.reversePath().map(m -> m.address()).orElse(""),
                t.recipients().stream().map(x -> x.mailbox().address()).toList(),
                a.authenticationResults().value(), trigger.authFailure(), aligned.isEmpty() ? "none" : String.join(", ", aligned),
                delivery, sig.map(d -> new FailureIncident.Signature(d.domain(), d.identity().isEmpty() ? "@" + d.domain() : d.identity(),
                d.selector())), spf, message);
    }

    /** A multipart/report of type feedback-report (RFC 5965), i.e. somebody's ARF report. */
    static boolean isFeedbackReport(byte[] message) {
        Optional<HeaderField> ct = MessageReader.headers(message).first("Content-Type");
        if (ct.isEmpty()) {
            return false;
        }
        String v = ct.get().valueUtf8().toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
        return v.startsWith("multipart/report") && v.contains("report-type=feedback-report")
                || v.startsWith("multipart/report") && v.contains("report-type=\"feedback-report\"");
    }
}
