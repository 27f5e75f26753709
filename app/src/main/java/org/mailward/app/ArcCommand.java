package org.mailward.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailward.auth.arc.ArcResult;
import org.mailward.auth.arc.ArcSealer;
import org.mailward.auth.arc.ArcStatus;
import org.mailward.auth.arc.ArcVerifier;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailward arc verify|seal}: ARC chain validation and sealing (RFC 8617). */
@Command(name = "arc", mixinStandardHelpOptions = true,
        description = "ARC (RFC 8617): validate a message's chain or add an ARC set.",
        subcommands = {ArcCommand.Verify.class, ArcCommand.Seal.class})
public final class ArcCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The JSON form of a result (CLI.md: arc{result,instances,reason}; more fields added). */
    public static Map<String, Object> toJson(ArcResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", r.cv().token());
        m.put("instances", r.instances());
        m.put("reason", r.reason());
        m.put("oldestPass", r.oldestPass());
        List<Map<String, Object>> sets = new ArrayList<>();
        for (ArcResult.SetSummary s : r.sets()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("instance", s.instance());
            x.put("sealDomain", s.sealDomain());
            x.put("sealSelector", s.sealSelector());
            x.put("amsDomain", s.amsDomain());
            x.put("authenticationResults", s.aarText());
            sets.add(x);
        }
        m.put("sets", sets);
        return m;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Validate the ARC chain of a message (stdin or FILE).")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Parameters(arity = "0..1", paramLabel = "FILE")
        Path input;

        @Mixin
        DnsOptions dns;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws IOException {
            Clock clock = time.clock();
            ArcResult r;
            try (InputStream in = input != null ? Files.newInputStream(input) : System.in) {
                r = new ArcVerifier(dns.resolver(clock), clock).verify(in);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println(json ? Json.write(Map.of("arc", toJson(r))) : r.toString());
            return ExitCodes.OK;
        }
    }

    @Command(name = "seal", mixinStandardHelpOptions = true,
            description = "Add an ARC set (AAR, AMS, AS) to a message (stdin or FILE); the message goes to stdout or --output.")
    static final class Seal implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--selector", required = true, paramLabel = "SELECTOR")
        String selector;

        @Option(names = "--key", required = true, paramLabel = "FILE")
        Path key;

        @Option(names = "--authserv-id", required = true, paramLabel = "ID", description = "This ADMD's authserv-id for the AAR.")
        String authservId;

        @Option(names = "--results", paramLabel = "TEXT",
                description = "Results for the AAR after the authserv-id. Default: the text of this message's Authentication-Results fields of --authserv-id, in order.")
        String results;

        @Option(names = "--cv", paramLabel = "none|pass|fail", description = "Chain status to seal with. Default: validate the incoming chain.")
        String cv;

        @Option(names = "--headers", paramLabel = "NAME:NAME...", description = "AMS h= list (default: Mailward's list, each as often as present).")
        String headers;

        @Option(names = "--unfolded", description = "Write AMS and AS on one line each (the ARC test suite's format).")
        boolean unfolded;

        @Option(names = "--output", paramLabel = "FILE")
        Path output;

        @Parameters(arity = "0..1", paramLabel = "FILE")
        Path input;

        @Mixin
        DnsOptions dns;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws IOException {
            Clock clock = time.clock();
            PrivateKey k = DkimCommand.readKey(key);
            byte[] message = DkimCommand.readInput(Optional.ofNullable(input));
            ArcStatus status;
            if (cv != null) {
                status = ArcStatus.fromToken(cv).orElseThrow(() -> new UsageError("--cv must be none, pass or fail"));
            } else {
                status = new ArcVerifier(dns.resolver(clock), clock).verify(message).cv();
            }
            MessageHeaders h = MessageReader.headers(message);
            String res = results != null ? results : consolidate(h, authservId);
            ArcSealer.Builder b;
            try {
                b = ArcSealer.builder(domain, selector, k, clock).folded(!unfolded);
                if (headers != null) {
                    b.headers(List.of(headers.split(":")));
                }
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
            ArcSealer.Outcome out;
            try {
                out = b.build().seal(message, authservId, res, status);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
            byte[] result = message;
            if (out instanceof ArcSealer.Sealed s) {
                result = s.applyTo(message, h.lfOnly());
            } else {
                spec.commandLine().getErr().println("not sealed: " + ((ArcSealer.NotSealed) out).reason());
            }
            if (output != null) {
                Files.write(output, result);
            } else {
                OutputStream o = System.out;
                o.write(result);
                o.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** The text after the authserv-id of every Authentication-Results field of {@code id}, in order, joined by "; ". */
    static String consolidate(MessageHeaders headers, String id) {
        List<String> parts = new ArrayList<>();
        for (HeaderField f : headers.all("Authentication-Results")) {
            String v = f.value().replaceAll("[ \\t]+", " ");
            int semi = v.indexOf(';');
            if (semi > 0 && v.substring(0, semi).strip().equalsIgnoreCase(id)) {
                String rest = v.substring(semi + 1).strip();
                while (rest.endsWith(";")) {
                    rest = rest.substring(0, rest.length() - 1).strip();
                }
                if (!rest.isEmpty()) {
                    parts.add(rest);
                }
            }
        }
        return String.join("; ", parts);
    }
}
