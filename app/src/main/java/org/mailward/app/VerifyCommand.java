package org.mailward.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dmarc.DiscoveryMode;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.spf.IpLiterals;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.verify.Envelope;
import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.auth.verify.MessageAuthenticator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailward verify}: SPF, every DKIM signature, ARC and DMARC for a message, and the Authentication-Results
 * field Mailward would add. JSON fields per CLI.md: {@code spf{result,domain}},
 * {@code dkim[{result,domain,selector,algorithm,reason}]}, {@code arc{result,instances,reason}},
 * {@code dmarc{result,policy,disposition,headerFrom,alignedSpf,alignedDkim,reason}}, {@code authenticationResults}.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Authenticate a message (stdin or FILE): SPF, every DKIM signature, ARC, DMARC, and the Authentication-Results field it would get.",
            "With --batch DIR, verify every *.eml of DIR (sorted by name) in one process; with --json, one JSON line per file."})
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--ip", paramLabel = "IP", description = "SMTP client address (IPv4 or IPv6). Without it SPF is not evaluated.")
    String ip;

    @Option(names = "--helo", paramLabel = "NAME", description = "HELO/EHLO name.")
    String helo = "";

    @Option(names = "--sender", paramLabel = "ADDR", description = "MAIL FROM address (absent or empty: the null reverse-path, SPF checks postmaster@HELO).")
    String sender = "";

    @Option(names = "--authserv-id", paramLabel = "ID", description = "Our authserv-id for Authentication-Results (default: ${DEFAULT-VALUE}).")
    String authservId = defaultAuthservId();

    @Option(names = "--psl", paramLabel = "FILE", description = "Public Suffix List file (default: the copy bundled in Mailward).")
    Path psl;

    @Option(names = "--discovery", paramLabel = "dmarcbis|rfc7489", description = "DMARC policy discovery (default: ${DEFAULT-VALUE}).")
    DiscoveryMode discovery = DiscoveryMode.DMARCBIS;

    @Option(names = "--trusted-arc-sealer", paramLabel = "DOMAIN", description = "An ARC sealer whose passing chain overrides a DMARC failure (repeatable).")
    List<String> trustedSealers = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "Seed for DMARC pct= sampling (repeatable runs).")
    Long seed;

    @Option(names = "--batch", paramLabel = "DIR", description = "Verify every *.eml file in DIR (sorted by name).")
    Path batch;

    @Option(names = "--json", description = "One JSON object on stdout (JSON lines with --batch).")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The message (default: stdin).")
    Path input;

    @Mixin
    DnsOptions dns;

    @Mixin
    TimeOptions time;

    @Override
    public Integer call() throws IOException {
        if (batch != null && input != null) {
            throw new UsageError("give either --batch DIR or a FILE, not both");
        }
        Envelope envelope = envelope();
        Clock clock = time.clock();
        PublicSuffixList list;
        try {
            list = PublicSuffixList.loadOrBundled(Optional.ofNullable(psl));
        } catch (IOException e) {
            throw new UsageError("cannot read --psl: " + e.getMessage(), e);
        }
        DmarcOptions options = DmarcOptions.defaults().withDiscovery(discovery).withTrustedArcSealers(java.util.Set.copyOf(trustedSealers));
        MessageAuthenticator authenticator;
        try {
            authenticator = new MessageAuthenticator(dns.resolver(clock), clock, list, options,
                    seed == null ? new Random() : new Random(seed), authservId);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--authserv-id: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (batch != null) {
            return runBatch(authenticator, envelope, out);
        }
        MessageAuthentication a;
        try (InputStream in = input != null ? Files.newInputStream(input) : System.in) {
            a = authenticator.authenticate(envelope, in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageError("no such file: " + input, e);
        }
        if (json) {
            out.println(Json.write(toJson(a)));
        } else {
            printHuman(a, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private int runBatch(MessageAuthenticator authenticator, Envelope envelope, PrintWriter out) throws IOException {
        if (!Files.isDirectory(batch)) {
            throw new UsageError("--batch: not a directory: " + batch);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(batch)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".eml")).sorted().toList();
        }
        for (Path f : files) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("file", f.getFileName().toString());
            MessageAuthentication a = null;
            try (InputStream in = Files.newInputStream(f)) {
                a = authenticator.authenticate(envelope, in);
            } catch (IOException | RuntimeException e) {
                // one broken file is a line with an error, never the end of the batch
                line.put("error", (e instanceof IOException ? "cannot read: " : "internal error: ") + e);
                spec.commandLine().getErr().println(f.getFileName() + ": " + line.get("error"));
            }
            if (a != null) {
                line.putAll(toJson(a));
            }
            if (json) {
                out.println(Json.write(line));
            } else {
                out.println("== " + f.getFileName());
                if (a != null) {
                    printHuman(a, out);
                } else {
                    out.println("error: " + line.get("error"));
                }
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    private Envelope envelope() {
        Optional<InetAddress> addr = Optional.empty();
        if (ip != null && !ip.isBlank()) {
            addr = IpLiterals.parseClient(ip);
            if (addr.isEmpty()) {
                throw new UsageError("--ip: not an IPv4 or IPv6 address: " + ip);
            }
        }
        return new Envelope(addr, helo == null ? "" : helo, sender == null ? "" : sender);
    }

    /** CLI.md contract fields first in each object, then more evidence. */
    public static Map<String, Object> toJson(MessageAuthentication a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spf", spfJson(a));
        List<Map<String, Object>> dkim = new ArrayList<>();
        for (DkimResult d : a.dkim()) {
            dkim.add(DkimCommand.toJson(d));
        }
        m.put("dkim", dkim);
        m.put("arc", ArcCommand.toJson(a.arc()));
        m.put("dmarc", dmarcJson(a.dmarc()));
        m.put("authenticationResults", "Authentication-Results: " + a.authenticationResults().value());
        m.put("authenticationResultsFolded", a.authenticationResultsField());
        m.put("headersTruncated", a.headersTruncated());
        m.put("bodyBytes", a.bodyBytes());
        return m;
    }

    private static Map<String, Object> spfJson(MessageAuthentication a) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (a.spf().isEmpty()) {
            m.put("result", "none");
            m.put("domain", "");
            m.put("evaluated", false);
            m.put("reason", "not evaluated: " + a.spfNotEvaluated());
            return m;
        }
        SpfResult s = a.spf().get();
        m.put("result", s.result().keyword());
        m.put("domain", s.domain());
        m.put("evaluated", true);
        m.put("reason", s.problem().orElse(""));
        m.put("identity", s.identity().keyword());
        m.put("sender", s.sender());
        m.put("mechanism", s.mechanism().orElse(null));
        m.put("record", s.record().orElse(null));
        m.put("explanation", s.explanation().orElse(null));
        m.put("dnsLookups", s.dnsLookups());
        m.put("voidLookups", s.voidLookups());
        m.put("receivedSpf", s.receivedSpf());
        return m;
    }

    private static Map<String, Object> dmarcJson(DmarcResult d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", d.verdict().keyword());
        m.put("policy", d.requestedPolicy().map(p -> p.keyword()).orElse(null));
        m.put("disposition", d.disposition().keyword());
        m.put("headerFrom", d.headerFrom());
        m.put("alignedSpf", d.spfAligned());
        m.put("alignedDkim", d.dkimAligned());
        m.put("reason", d.detail());
        m.put("appliedPolicy", d.appliedPolicy().map(p -> p.keyword()).orElse(null));
        m.put("policyDomain", d.policyPublished().map(DmarcResult.PolicyPublished::domain).orElse(null));
        m.put("organizationalDomain", d.organizationalDomain().orElse(null));
        m.put("envelopeFrom", d.envelopeFrom());
        List<Map<String, Object>> reasons = new ArrayList<>();
        for (DmarcResult.Reason r : d.reasons()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("type", r.type().keyword());
            x.put("comment", r.comment());
            reasons.add(x);
        }
        m.put("overrides", reasons);
        m.put("arcOverride", d.arcOverride());
        m.put("warnings", d.warnings());
        return m;
    }

    private static void printHuman(MessageAuthentication a, PrintWriter out) {
        if (a.spf().isPresent()) {
            SpfResult s = a.spf().get();
            out.println("spf:   " + s.result().keyword() + " (" + s.identity().keyword() + " " + s.domain()
                    + s.mechanism().map(x -> ", mechanism " + x).orElse("") + s.problem().map(p -> ", " + p).orElse("") + ")");
        } else {
            out.println("spf:   not evaluated (" + a.spfNotEvaluated() + ")");
        }
        if (a.dkim().isEmpty()) {
            out.println("dkim:  none (message not signed)");
        }
        for (DkimResult d : a.dkim()) {
            out.println("dkim:  " + d.status().token() + " d=" + d.domain() + " s=" + d.selector() + " a=" + d.algorithm()
                    + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
        }
        out.println("arc:   " + a.arc().cv().token() + (a.arc().instances() > 0 ? " (" + a.arc().instances() + " sets)" : "")
                + (a.arc().reason().isEmpty() ? "" : " (" + a.arc().reason() + ")"));
        DmarcResult d = a.dmarc();
        out.println("dmarc: " + d.verdict().keyword() + " header.from=" + (d.headerFrom().isEmpty() ? "?" : d.headerFrom())
                + d.requestedPolicy().map(p -> " policy=" + p.keyword()).orElse("") + " disposition=" + d.disposition().keyword()
                + " aligned spf=" + (d.spfAligned() ? "yes" : "no") + " dkim=" + (d.dkimAligned() ? "yes" : "no")
                + (d.detail().isEmpty() ? "" : " (" + d.detail() + ")"));
        out.println(a.authenticationResults().headerField("\n"));
    }

    private static String defaultAuthservId() {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? "localhost" : h;
    }
}
