package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mailward.check.CheckConfig;
import org.mailward.check.CheckRunner;
import org.mailward.check.TrustStores;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.doctor.Doctor;
import org.mailward.gateway.doctor.DoctorItem;
import org.mailward.smtp.tls.KeyMaterial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailward doctor --config FILE}: the deployment self-check (issue 8), a checklist with a fix per item. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check this gateway's deployment from the outside: hostname and FCrDNS, certificate, TLS profile, MX, SPF, "
                + "DKIM, DMARC/MTA-STS/TLS-RPT of every local domain, Secure Delivery rules.")
public final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "The gateway configuration (default: ${DEFAULT-VALUE}).")
    Path config = Path.of("mailward.yml");

    @Option(names = "--outbound-address", paramLabel = "IP", split = ",",
            description = "An address the gateway sends from (repeatable). Default: the listeners' addresses.")
    List<String> outbound = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Option(names = "--fail-on", paramLabel = "error|warn", description = "Exit 3 when an item at or above this status exists.")
    String failOn;

    @Option(names = "--no-domain-checks", description = "Leave out the checker's DMARC, MTA-STS and TLS-RPT rules.")
    boolean noDomainChecks;

    @Option(names = "--trust-store", paramLabel = "FILE", description = "PEM file of trusted roots (default: the JDK's).")
    Path trustStore;

    @Mixin
    DnsOptions dns = new DnsOptions();

    @Mixin
    TimeOptions time = new TimeOptions();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        DoctorItem.Status threshold = null;
        if (failOn != null) {
            threshold = switch (failOn.toLowerCase(Locale.ROOT)) {
                case "error" -> DoctorItem.Status.ERROR;
                case "warn" -> DoctorItem.Status.WARN;
                default -> throw new UsageError("--fail-on: error or warn, not " + failOn);
            };
        }
        GatewayConfig c = ConfigCommand.load(config);
        List<InetAddress> addresses = outboundAddresses(c);
        Optional<KeyMaterial> km = Optional.empty();
        if (c.tls().certificate().isPresent()) {
            try {
                km = Optional.of(KeyMaterial.loadPem(c.tls().certificate().get(), c.tls().key().orElseThrow()));
            } catch (IOException | RuntimeException e) {
                throw new UsageError("cannot load tls.certificate/tls.key: " + e.getMessage(), e);
            }
        }
        Set<X509Certificate> anchors;
        try {
            anchors = trustStore == null ? TrustStores.jdkDefault() : TrustStores.load(trustStore);
        } catch (IOException e) {
            throw new UsageError("--trust-store: " + e.getMessage(), e);
        }
        Clock clock = time.clock();
        Resolver resolver = dns.resolver(clock);
        Optional<CheckRunner> checker = noDomainChecks ? Optional.empty()
                : Optional.of(new CheckRunner(CheckConfig.builder(resolver).clock(clock).probeSmtp(false).probeDkim(false).trustAnchors(anchors).build()));
        List<DoctorItem> items = new Doctor(resolver, clock, anchors, checker).run(c, addresses, km);
        DoctorItem.Status worst = Doctor.worst(items);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("hostname", c.hostname());
            o.put("outboundAddresses", addresses.stream().map(InetAddress::getHostAddress).toList());
            o.put("status", worst.label());
            o.put("items", items.stream().map(i -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", i.id());
                m.put("status", i.status().label());
                m.put("subject", i.subject());
                m.put("summary", i.summary());
                m.put("fix", i.fix());
                return m;
            }).toList());
            out.println(Json.write(o));
        } else {
            out.println("mailward doctor: " + c.hostname() + " (outbound " + addresses.stream().map(InetAddress::getHostAddress).toList() + ")");
            for (DoctorItem i : items) {
                out.printf("  [%-5s] %-26s %s: %s%n", i.status().label(), i.id(), i.subject(), i.summary());
                if (!i.fix().isEmpty() && i.status() != DoctorItem.Status.PASS) {
                    out.println("          fix: " + i.fix());
                }
            }
            out.println("overall: " + worst.label());
        }
        out.flush();
        if (threshold != null && worst.compareTo(threshold) >= 0) {
            return ExitCodes.FAIL_ON;
        }
        return ExitCodes.OK;
    }

    private List<InetAddress> outboundAddresses(GatewayConfig c) {
        Set<String> texts = new LinkedHashSet<>(outbound);
        if (texts.isEmpty()) {
            c.listeners().stream().map(GatewayConfig.Listener::address).filter(a -> !a.equals("0.0.0.0") && !a.equals("::")).forEach(texts::add);
        }
        if (texts.isEmpty()) {
            throw new UsageError("no outbound address known (the listeners bind every address): give --outbound-address IP");
        }
        List<InetAddress> out = new ArrayList<>();
        for (String t : texts) {
            if (!t.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw new UsageError("--outbound-address: not an IP address: " + t);
            }
            try {
                out.add(InetAddress.getByName(t));
            } catch (UnknownHostException e) {
                throw new UsageError("--outbound-address: not an IP address: " + t, e);
            }
        }
        return out;
    }
}
