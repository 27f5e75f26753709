package org.mailward.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueAdmin;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailward quarantine list|show|release|delete [--json]}: messages an inbound policy (DMARC, SPF, DKIM
 * actions) accepted but kept back. They sit in the spool's {@code hold} state with a {@code quarantine: } reason, so
 * {@code mailward queue} shows them too; these commands act on quarantined messages only.
 */
@Command(name = "quarantine", description = "Review quarantined messages: list, show, release for delivery, delete.",
        subcommands = {QuarantineCommand.ListCmd.class, QuarantineCommand.Show.class, QuarantineCommand.Release.class,
            QuarantineCommand.Delete.class})
public final class QuarantineCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The JSON fields of a quarantined message (list and show). */
    static Map<String, Object> row(QueuedMessage m, byte[] content) {
        Envelope e = m.envelope();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("queueId", e.queueId());
        o.put("reason", e.quarantineReason());
        o.put("sender", e.sender());
        o.put("recipients", e.recipients().stream().map(Envelope.Recipient::address).toList());
        o.put("arrival", Instant.ofEpochMilli(e.receivedAt()).toString());
        o.put("size", m.size());
        o.put("client", e.client());
        o.put("from", header(content, "From"));
        o.put("subject", header(content, "Subject"));
        return o;
    }

    /** The first header field {@code name} of the message (unfolded), or empty. */
    static String header(byte[] content, String name) {
        String text = new String(content, 0, Math.min(content.length, 64 * 1024), StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String unfolded = head.replaceAll("\r\n[ \t]+", " ");
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : unfolded.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return line.substring(prefix.length()).strip();
            }
        }
        return "";
    }

    @Command(name = "list", description = "List quarantined messages, oldest first.")
    static final class ListCmd extends QueueCommand.Base {
        @Override
        public Integer call() throws IOException {
            QueueAdmin a = admin();
            List<QueuedMessage> all = a.quarantined();
            for (QueuedMessage m : all) {
                Map<String, Object> r = row(m, spool().content(m));
                if (json) {
                    out().println(Json.write(r));
                } else {
                    out().printf("%-20s %s <%s> -> %s%n    subject: %s%n    reason: %s%n", m.id(), r.get("arrival"), m.envelope().sender(),
                            r.get("recipients"), r.get("subject"), r.get("reason"));
                }
            }
            if (!json) {
                out().println("-- " + all.size() + " quarantined message(s)");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Show one quarantined message: why, envelope and content.")
    static final class Show extends QueueCommand.Base {
        @Parameters(paramLabel = "QUEUE_ID")
        String id;

        @Override
        public Integer call() throws IOException {
            QueuedMessage m = admin().findQuarantined(id).orElseThrow(() -> new UsageError("no quarantined message " + id));
            byte[] content = spool().content(m);
            Map<String, Object> r = row(m, content);
            if (json) {
                r.put("message", new String(content, StandardCharsets.UTF_8));
                out().println(Json.write(r));
            } else {
                out().println(Json.write(r));
                out().print(new String(content, StandardCharsets.UTF_8));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "release", description = "Release quarantined messages for delivery (due at once).")
    static final class Release extends QueueCommand.Base {
        @Parameters(paramLabel = "QUEUE_ID", arity = "1..*")
        List<String> ids;

        @Override
        public Integer call() throws IOException {
            QueueAdmin a = admin();
            for (String id : ids) {
                Optional<QueueState> st = a.releaseQuarantined(id);
                if (json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("queueId", id);
                    o.put("found", st.isPresent());
                    o.put("state", st.map(QueueState::dirName).orElse(""));
                    out().println(Json.write(o));
                } else {
                    out().println(id + ": " + st.map(s -> "released (" + s.dirName() + ")").orElse("not in quarantine"));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete quarantined messages (deliberately; no bounce).")
    static final class Delete extends QueueCommand.Base {
        @Parameters(paramLabel = "QUEUE_ID", arity = "1..*")
        List<String> ids;

        @Override
        public Integer call() throws IOException {
            QueueAdmin a = admin();
            for (String id : ids) {
                boolean removed = a.deleteQuarantined(id);
                if (json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("queueId", id);
                    o.put("deleted", removed);
                    out().println(Json.write(o));
                } else {
                    out().println(id + ": " + (removed ? "deleted" : "not in quarantine"));
                }
            }
            return ExitCodes.OK;
        }
    }
}
