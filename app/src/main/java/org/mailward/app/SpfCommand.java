package org.mailward.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mailward.auth.spf.SpfEvaluator;
import org.mailward.auth.spf.SpfRequest;
import org.mailward.auth.spf.SpfResult;
import org.mailward.dns.Resolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailward spf}: evaluate SPF (RFC 7208) for one (ip, sender, helo) or for a batch of JSON lines. JSON fields
 * follow shared CLI.md: result, explanation, record, mechanism, dnsLookups, voidLookups, receivedSpf (and more).
 */
@Command(name = "spf", mixinStandardHelpOptions = true,
        description = {"Evaluate SPF (RFC 7208) for a client IP, MAIL FROM address and HELO name.",
            "With --batch, read JSON lines {\"ip\",\"sender\",\"helo\"} and write one JSON result per line, in order."})
public final class SpfCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--ip", paramLabel = "IP", description = "SMTP client address (IPv4 or IPv6).")
    String ip;

    @Option(names = "--sender", paramLabel = "ADDR", description = "MAIL FROM address (empty: postmaster@HELO is checked).")
    String sender = "";

    @Option(names = "--helo", paramLabel = "NAME", description = "HELO/EHLO name.")
    String helo = "";

    @Option(names = "--identity", paramLabel = "mailfrom|helo", description = "Which identity to check (default: ${DEFAULT-VALUE}).")
    String identity = "mailfrom";

    @Option(names = "--batch", paramLabel = "FILE|-", description = "Read JSON lines {\"ip\",\"sender\",\"helo\"} from FILE or stdin (-).")
    String batch;

    @Option(names = "--parallel", paramLabel = "N", description = "With --batch: evaluations in flight at once (default: ${DEFAULT-VALUE}).")
    int parallel = 8;

    @Option(names = "--receiver", paramLabel = "NAME", description = "This receiver's host name (%%{r}, Received-SPF receiver=). Default: ${DEFAULT-VALUE}.")
    String receiver = defaultReceiver();

    @Option(names = "--json", description = "One JSON object on stdout (JSON lines with --batch).")
    boolean json;

    @Mixin
    DnsOptions dns;

    @Mixin
    TimeOptions time;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!identity.equals("mailfrom") && !identity.equals("helo")) {
            throw new UsageError("--identity must be mailfrom or helo, not " + identity);
        }
        var clock = time.clock();
        Resolver resolver = dns.resolver(clock);
        SpfEvaluator evaluator = new SpfEvaluator(resolver, clock, receiver);
        PrintWriter out = spec.commandLine().getOut();
        if (batch != null) {
            if (ip != null) {
                throw new UsageError("--batch cannot be combined with --ip");
            }
            runBatch(evaluator, out);
            return ExitCodes.OK;
        }
        if (ip == null) {
            throw new UsageError("--ip is required (or use --batch)");
        }
        SpfRequest request = SpfRequest.of(ip, sender, helo)
                .orElseThrow(() -> new UsageError("--ip: not an IP address: " + ip));
        SpfResult result = evaluate(evaluator, request);
        if (json) {
            out.println(Json.write(toJson(result)));
        } else {
            printHuman(result, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private SpfResult evaluate(SpfEvaluator evaluator, SpfRequest request) {
        return identity.equals("helo") ? evaluator.checkHelo(request.clientIp(), request.helo()) : evaluator.evaluate(request);
    }

    /** JSON lines in, JSON lines out, same order; evaluations run concurrently in a bounded window. */
    private void runBatch(SpfEvaluator evaluator, PrintWriter out) throws IOException, InterruptedException {
        BufferedReader in = batch.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : openFile(Path.of(batch));
        int threads = Math.max(1, parallel);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "spf-batch");
            t.setDaemon(true);
            return t;
        });
        ArrayDeque<Future<String>> window = new ArrayDeque<>();
        int maxWindow = threads * 16;
        try (in) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                int n = ++lineNo;
                String text = line;
                window.add(pool.submit(() -> batchLine(evaluator, n, text)));
                while (window.size() >= maxWindow) {
                    out.println(take(window.poll()));
                }
            }
            while (!window.isEmpty()) {
                out.println(take(window.poll()));
            }
        } finally {
            pool.shutdownNow();
            out.flush();
        }
    }

    private static String take(Future<String> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", "internal error: " + e.getCause());
            return Json.write(m);
        }
    }

    private static BufferedReader openFile(Path p) {
        try {
            return Files.newBufferedReader(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageError("--batch: cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** One input line to one output line: a result, or {"line", "input", "error"} for a malformed line. */
    private String batchLine(SpfEvaluator evaluator, int lineNo, String line) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("line", lineNo);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (IOException | RuntimeException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            error.put("error", line.isBlank() ? "empty line" : "not a JSON object");
            return Json.write(error);
        }
        JsonNode ipNode = node.get("ip");
        if (ipNode == null || !ipNode.isTextual()) {
            error.put("error", "missing \"ip\" (a string)");
            return Json.write(error);
        }
        String s = text(node, "sender");
        String h = text(node, "helo");
        var request = SpfRequest.of(ipNode.asText(), s, h);
        if (request.isEmpty()) {
            error.put("ip", ipNode.asText());
            error.put("error", "\"ip\" is not an IP address");
            return Json.write(error);
        }
        return Json.write(toJson(evaluate(evaluator, request.get())));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** CLI.md contract fields first, then the rest of the evidence. */
    static Map<String, Object> toJson(SpfResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", r.result().keyword());
        m.put("explanation", r.explanation().orElse(null));
        m.put("record", r.record().orElse(null));
        m.put("mechanism", r.mechanism().orElse(null));
        m.put("dnsLookups", r.dnsLookups());
        m.put("voidLookups", r.voidLookups());
        m.put("receivedSpf", r.receivedSpf());
        m.put("domain", r.domain());
        m.put("identity", r.identity().keyword());
        m.put("ip", r.clientIpText());
        m.put("sender", r.sender());
        m.put("helo", r.helo());
        m.put("mechanismDomain", r.mechanismDomain().orElse(null));
        m.put("problem", r.problem().orElse(null));
        m.put("dnsQueries", r.dnsQueries());
        return m;
    }

    private static void printHuman(SpfResult r, PrintWriter out) {
        out.println(r.result().keyword() + ": " + r.comment());
        out.println("  domain:      " + r.domain() + " (identity " + r.identity().keyword() + ")");
        out.println("  record:      " + r.record().orElse("(none)"));
        out.println("  mechanism:   " + r.mechanism().map(m -> m + r.mechanismDomain().filter(d -> !d.equals(r.domain()))
                .map(d -> " (in the record of " + d + ")").orElse("")).orElse("(none matched)"));
        r.explanation().ifPresent(e -> out.println("  explanation: " + e));
        r.problem().ifPresent(p -> out.println("  problem:     " + p));
        out.println("  lookups:     " + r.dnsLookups() + " DNS-querying terms (limit 10), " + r.voidLookups()
                + " void (limit 2), " + r.dnsQueries() + " DNS queries");
        out.println(r.receivedSpf());
    }

    private static String defaultReceiver() {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? "localhost" : h;
    }
}
