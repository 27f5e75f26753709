package org.mailward.gateway.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailward.gateway.observe.GatewayMetrics.Counter;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;
import org.mailward.smtp.Decision;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.SessionHandler;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;
import org.mailward.smtp.SmtpReply;
import org.mailward.smtp.Transaction;

/**
 * Wraps the inbound session handler of one listener: counts connections, refusals, transactions and inbound TLS
 * versions, and emits one {@link TransactionRecord} per SMTP transaction (MAIL to the end of DATA; a transaction
 * that never reaches DATA is recorded as {@code abandoned} when the next MAIL comes or the client leaves). Every
 * decision is passed through unchanged.
 */
public final class ObservedSessionHandler implements SessionHandler {

    private static final Pattern QUEUED = Pattern.compile("queued as ([A-Za-z0-9]+)");
    private static final Pattern VERDICT = Pattern.compile("(?i)\\b(spf|dkim|dmarc|arc|iprev)=([a-z]+)");

    /** What is known of the open transaction of a session. */
    private record Open(String sender, int refused) {
    }

    private final SessionHandler delegate;
    private final String listener;
    private final GatewayMetrics metrics;
    private final TransactionLog log;
    private final Spool spool;
    private final String authservId;
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    /** @param authservId our authserv-id: only Authentication-Results headers with it are read for verdicts */
    public ObservedSessionHandler(SessionHandler delegate, String listener, GatewayMetrics metrics, TransactionLog log, Spool spool,
                                  String authservId) {
        this.delegate = delegate;
        this.listener = listener;
        this.metrics = metrics;
        this.log = log;
        this.spool = spool;
        this.authservId = authservId;
    }

    @Override
    public Decision connect(SessionInfo s) {
        metrics.increment(Counter.CONNECTIONS, listener);
        return refusals("connect", delegate.connect(s));
    }

    @Override
    public Decision helo(SessionInfo s) {
        return refusals("helo", delegate.helo(s));
    }

    @Override
    public Decision mail(SessionInfo s, SmtpCommand.Mail m) {
        abandon(s);
        Decision d = refusals("mail", delegate.mail(s, m));
        String sender = m.reversePath().map(Mailbox::address).orElse("");
        if (d.accepted()) {
            open.put(s.id(), new Open(sender, 0));
        } else {
            emit(s, sender, 0, 0, 0, "", List.of(), "rejected", d.reply().map(SmtpReply::toString).orElse(""), "");
        }
        return d;
    }

    @Override
    public Decision rcpt(SessionInfo s, Transaction t, SmtpCommand.Rcpt r) {
        Decision d = refusals("rcpt", delegate.rcpt(s, t, r));
        if (!d.accepted()) {
            open.computeIfPresent(s.id(), (k, o) -> new Open(o.sender(), o.refused() + 1));
        }
        return d;
    }

    @Override
    public Decision data(SessionInfo s, Transaction t, byte[] message) {
        Decision d = delegate.data(s, t, message);
        Open o = open.remove(s.id());
        int refused = o == null ? 0 : o.refused();
        String sender = t.reversePath().map(Mailbox::address).orElse("");
        String reply = d.reply().map(SmtpReply::toString).orElse("250 2.0.0 Ok");
        metrics.increment(Counter.INBOUND_TLS, s.tls().map(SessionInfo.TlsInfo::protocol).orElse("none"));
        if (!d.accepted()) {
            String result = d.reply().get().transientFailure() ? "tempfail" : "rejected";
            metrics.increment(Counter.MESSAGES, listener, result, reason(d.reply().get()));
            emit(s, sender, t.recipients().size(), refused, message.length, "", List.of(), result, reply, "");
            return d;
        }
        Matcher m = QUEUED.matcher(reply);
        String queueId = m.find() ? m.group(1) : "";
        String action = "accepted";
        String why = "";
        List<String> verdicts = List.of();
        if (!queueId.isEmpty()) {
            Optional<QueuedMessage> q = find(queueId);
            if (q.isPresent() && q.get().state() == QueueState.HOLD && q.get().envelope().quarantined()) {
                action = "quarantined";
                why = q.get().envelope().quarantineReason();
            }
            if (log.enabled() && q.isPresent()) {
                verdicts = verdicts(q.get());
            }
        }
        metrics.increment(Counter.MESSAGES, listener, action, action.equals("accepted") ? "2.0.0" : "quarantine");
        emit(s, sender, t.recipients().size(), refused, message.length, queueId, verdicts, action, reply, why);
        return d;
    }

    @Override
    public void disconnected(SessionInfo s) {
        abandon(s);
        delegate.disconnected(s);
    }

    private void abandon(SessionInfo s) {
        Open o = open.remove(s.id());
        if (o != null) {
            emit(s, o.sender(), 0, o.refused(), 0, "", List.of(), "abandoned", "", "");
        }
    }

    private Decision refusals(String phase, Decision d) {
        if (!d.accepted()) {
            metrics.increment(Counter.REFUSALS, listener, phase, Integer.toString(d.reply().get().code()));
        }
        return d;
    }

    private static String reason(SmtpReply r) {
        return r.enhanced().isEmpty() ? Integer.toString(r.code()) : r.enhanced();
    }

    private Optional<QueuedMessage> find(String id) {
        return spool.find(id);
    }

    /** method=result pairs from the Authentication-Results header(s) carrying our authserv-id (RFC 8601 2.2). */
    private List<String> verdicts(QueuedMessage q) {
        byte[] content;
        try {
            content = spool.content(q);
        } catch (IOException e) {
            return List.of();
        }
        return verdicts(content, authservId);
    }

    static List<String> verdicts(byte[] content, String authservId) {
        String text = new String(content, 0, Math.min(content.length, 64 * 1024), StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]+", " ");
        List<String> out = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            if (!line.regionMatches(true, 0, "Authentication-Results:", 0, 23)) {
                continue;
            }
            String value = line.substring(23).strip();
            if (!value.toLowerCase(Locale.ROOT).startsWith(authservId.toLowerCase(Locale.ROOT))) {
                continue;
            }
            Matcher m = VERDICT.matcher(value);
            while (m.find()) {
                out.add(m.group(1).toLowerCase(Locale.ROOT) + "=" + m.group(2).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private void emit(SessionInfo s, String sender, int rcpts, int refused, long size, String queueId, List<String> verdicts, String action,
                      String reply, String reason) {
        if (!log.enabled()) {
            return;
        }
        log.record(new TransactionRecord(s.id(), listener, s.remote().getAddress().getHostAddress(), s.helo().orElse(""),
                s.tls().map(SessionInfo.TlsInfo::protocol), s.tls().map(SessionInfo.TlsInfo::cipherSuite), sender, rcpts, refused, size,
                queueId, verdicts, action, reply, reason));
    }
}
