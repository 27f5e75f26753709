package org.mailward.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mailward dns NAME [TYPE]}: ask one question the way every other command would, and show the answer. */
@Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Look up NAME/TYPE through Mailward's resolver (--zone, --resolver) and print the typed answer.")
public final class DnsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TYPE", defaultValue = "A", description = "Record type (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Mixin
    DnsOptions dns;

    @Override
    public Integer call() {
        RecordType rt = RecordType.fromName(type).orElseThrow(() -> new UsageError("unknown record type: " + type));
        Resolver resolver = dns.uncached();
        DnsAnswer answer = resolver.query(name, rt);
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", answer.name());
            m.put("type", answer.type().name());
            m.put("status", answer.status().name().toLowerCase(java.util.Locale.ROOT));
            m.put("records", answer.records().stream().map(DnsRecord::data).toList());
            m.put("texts", answer.type() == RecordType.TXT ? answer.texts() : List.of());
            m.put("cnameChain", answer.cnameChain());
            m.put("authenticated", answer.authenticated());
            m.put("detail", answer.detail());
            out.println(Json.write(m));
        } else {
            out.println(answer.name() + " " + answer.type() + ": " + answer.status()
                    + (answer.authenticated() ? " (authenticated)" : "")
                    + (answer.cnameChain().isEmpty() ? "" : " via " + answer.cnameChain())
                    + (answer.detail().isEmpty() ? "" : " - " + answer.detail()));
            for (DnsRecord r : answer.records()) {
                out.println("  " + r.ttl() + " " + r.type() + " " + r.data());
            }
        }
        return ExitCodes.OK;
    }
}
