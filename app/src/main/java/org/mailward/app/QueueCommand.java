package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueAdmin;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.QueuedMessage;
import org.mailward.gateway.queue.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailward queue list|show|flush|hold|release|delete|requeue [--json]} on the spool under --data. */
@Command(name = "queue", description = "Inspect and manage the gateway's mail queue (like postqueue/postsuper).",
        subcommands = {QueueCommand.ListCmd.class, QueueCommand.Show.class, QueueCommand.Flush.class, QueueCommand.Hold.class,
            QueueCommand.Release.class, QueueCommand.Delete.class, QueueCommand.Requeue.class, QueueCommand.Summary.class})
public final class QueueCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class Base implements Callable<Integer> {
        @Mixin
        DataOptions data = new DataOptions();

        @Option(names = "--json", description = "JSON output (one object per line for lists).")
        boolean json;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        QueueAdmin admin() {
            return new QueueAdmin(spool(), Clock.systemUTC());
        }

        Spool spool() {
            if (!java.nio.file.Files.isDirectory(data.dataDir().resolve("spool"))) {
                throw new UsageError("no spool under " + data.dataDir() + " (use --data DIR)");
            }
            try {
                return new Spool(data.dataDir().resolve("spool"), Clock.systemUTC());
            } catch (IOException e) {
                throw new UsageError("cannot open spool: " + e.getMessage(), e);
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    static Map<String, Object> row(QueuedMessage m) {
        Envelope e = m.envelope();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("queueId", e.queueId());
        o.put("state", m.state().dirName());
        o.put("sender", e.sender());
        o.put("size", m.size());
        o.put("arrival", Instant.ofEpochMilli(e.receivedAt()).toString());
        o.put("attempts", e.attempts());
        o.put("nextAttempt", Instant.ofEpochMilli(e.nextAttempt()).toString());
        o.put("lastError", e.lastError());
        o.put("holdReason", e.holdReason());
        o.put("recipients", e.recipients().stream().map(r -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("address", r.address());
            x.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
            x.put("reply", r.reply());
            return x;
        }).toList());
        return o;
    }

    @Command(name = "list", description = "List queued messages (active, deferred, hold, corrupt).")
    static final class ListCmd extends Base {
        @Override
        public Integer call() throws IOException {
            List<QueuedMessage> all = admin().list();
            for (QueuedMessage m : all) {
                if (json) {
                    out().println(Json.write(row(m)));
                } else {
                    Envelope e = m.envelope();
                    out().printf("%-20s %-8s %8d %s <%s>%n", e.queueId(), m.state().dirName(), m.size(),
                            Instant.ofEpochMilli(e.receivedAt()), e.sender());
                    for (Envelope.Recipient r : e.recipients()) {
                        out().printf("    %-9s <%s> %s%n", r.status().name().toLowerCase(java.util.Locale.ROOT), r.address(), r.reply());
                    }
                    if (!e.holdReason().isEmpty()) {
                        out().println("    held: " + e.holdReason());
                    } else if (!e.lastError().isEmpty()) {
                        out().println("    (" + e.lastError() + ")");
                    }
                }
            }
            if (!json) {
                out().println("-- " + all.size() + " message(s)");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "summary", description = "Deferred mail by destination domain and reason (pending recipients, messages, oldest).")
    static final class Summary extends Base {
        @Override
        public Integer call() throws IOException {
            List<org.mailward.gateway.queue.QueueAdmin.DeferredGroup> groups = admin().deferredSummary();
            for (var g : groups) {
                if (json) {
                    Map<String, Object> o = new java.util.LinkedHashMap<>();
                    o.put("domain", g.domain());
                    o.put("reason", g.reason());
                    o.put("recipients", g.recipients());
                    o.put("messages", g.messages());
                    o.put("oldest", Instant.ofEpochMilli(g.oldestReceivedAt()).toString());
                    out().println(Json.write(o));
                } else {
                    out().printf("%5d rcpt %5d msg  %-30s oldest %s  %s%n", g.recipients(), g.messages(), g.domain(),
                            Instant.ofEpochMilli(g.oldestReceivedAt()), g.reason());
                }
            }
            if (!json) {
                out().println("-- " + groups.stream().mapToInt(org.mailward.gateway.queue.QueueAdmin.DeferredGroup::recipients).sum()
                        + " deferred recipient(s) in " + groups.size() + " group(s)");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Show one message: envelope and content.")
    static final class Show extends Base {
        @Parameters(paramLabel = "QUEUE_ID")
        String id;

        @Override
        public Integer call() throws IOException {
            Spool s = spool();
            QueuedMessage m = s.find(id).orElseThrow(() -> new UsageError("no message " + id));
            String content = new String(s.content(m), StandardCharsets.UTF_8);
            if (json) {
                Map<String, Object> o = row(m);
                o.put("message", content);
                out().println(Json.write(o));
            } else {
                out().println(Json.write(row(m)));
                out().print(content);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "flush", description = "Make all deferred messages due now (a running gateway picks them up within a second).")
    static final class Flush extends Base {
        @Override
        public Integer call() throws IOException {
            int n = admin().flush();
            out().println(json ? Json.write(Map.of("flushed", n)) : n + " deferred message(s) due now");
            return ExitCodes.OK;
        }
    }

    abstract static class ById extends Base {
        @Parameters(paramLabel = "QUEUE_ID", arity = "1..*")
        List<String> ids;

        abstract Optional<QueueState> apply(QueueAdmin a, String id) throws IOException;

        @Override
        public Integer call() throws IOException {
            QueueAdmin a = admin();
            for (String id : ids) {
                Optional<QueueState> st = apply(a, id);
                if (json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("queueId", id);
                    o.put("found", st.isPresent());
                    o.put("state", st.map(QueueState::dirName).orElse(""));
                    out().println(Json.write(o));
                } else {
                    out().println(id + ": " + st.map(QueueState::dirName).orElse("not found"));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "hold", description = "Put messages on hold.")
    static final class Hold extends ById {
        @Option(names = "--reason", description = "Why (shown in list).")
        String reason = "held by administrator";

        Optional<QueueState> apply(QueueAdmin a, String id) throws IOException {
            return a.hold(id, reason);
        }
    }

    @Command(name = "release", description = "Release held messages (due at once).")
    static final class Release extends ById {
        Optional<QueueState> apply(QueueAdmin a, String id) throws IOException {
            return a.release(id);
        }
    }

    @Command(name = "requeue", description = "Requeue messages (from deferred, hold or corrupt), due at once.")
    static final class Requeue extends ById {
        Optional<QueueState> apply(QueueAdmin a, String id) throws IOException {
            return a.requeue(id);
        }
    }

    @Command(name = "delete", description = "Delete messages from the queue (deliberately; no bounce).")
    static final class Delete extends ById {
        Optional<QueueState> apply(QueueAdmin a, String id) throws IOException {
            return a.delete(id) ? Optional.of(QueueState.ACTIVE) : Optional.empty();
        }

        @Override
        public Integer call() throws IOException {
            QueueAdmin a = admin();
            for (String id : ids) {
                boolean removed = a.delete(id);
                if (json) {
                    out().println(Json.write(Map.of("queueId", id, "deleted", removed)));
                } else {
                    out().println(id + ": " + (removed ? "deleted" : "not found"));
                }
            }
            return ExitCodes.OK;
        }
    }
}
