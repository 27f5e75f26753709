package org.mailward.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailward.auth.dkim.Canonicalization;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DkimKeyLookup;
import org.mailward.auth.dkim.DkimKeyRecord;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailward dkim keygen|record|sign|verify|check-definitions}: DKIM keys, published records, signing and verification. */
@Command(name = "dkim", mixinStandardHelpOptions = true,
        description = "DKIM (RFC 6376, 8301, 8463): generate keys, check published key records, sign and verify messages.",
        subcommands = {DkimCommand.Keygen.class, DkimCommand.Record.class, DkimCommand.Sign.class, DkimCommand.Verify.class,
                DkimCommand.CheckDefinitions.class})
public final class DkimCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static byte[] readInput(Optional<Path> file) {
        try {
            if (file.isPresent()) {
                return Files.readAllBytes(file.get());
            }
            return System.in.readAllBytes();
        } catch (IOException e) {
            throw new UsageError("cannot read message: " + e.getMessage(), e);
        }
    }

    static PrivateKey readKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UsageError("cannot read key " + file + ": " + e.getMessage(), e);
        }
        return DkimKeys.readPrivateKey(text).orElseThrow(() -> new UsageError(
                "not a private key (PEM PKCS#8, PEM PKCS#1 RSA or base64 Ed25519 seed): " + file));
    }

    /** {@code dkim keygen}: a new key pair, the private key as PEM (mode 0600), the TXT record to publish. */
    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Generate a DKIM key pair: writes the private key (PEM PKCS#8, mode 0600) and prints the DNS TXT record.")
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--selector", required = true, paramLabel = "SELECTOR")
        String selector;

        @Option(names = "--type", paramLabel = "rsa|ed25519", description = "Key type (default: ${DEFAULT-VALUE}).")
        DkimKeys.KeyType type = DkimKeys.KeyType.RSA;

        @Option(names = "--bits", paramLabel = "N", description = "RSA modulus size (default: ${DEFAULT-VALUE}; 1024 allowed with a warning; less refused).")
        int bits = 2048;

        @Option(names = "--out", paramLabel = "DIR", description = "Directory for the private key (default: keys/ under the data directory).")
        Path out;

        @Option(names = "--force", description = "Overwrite an existing key file.")
        boolean force;

        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            String d = domain.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            String s = selector.toLowerCase(Locale.ROOT);
            if (!org.mailward.auth.dkim.DomainNames.isValid(d)) {
                throw new UsageError("--domain: not a domain name: " + domain);
            }
            if (!org.mailward.auth.dkim.DomainNames.isValidSelector(s)) {
                throw new UsageError("--selector: not a valid selector: " + selector);
            }
            if (type == DkimKeys.KeyType.RSA) {
                if (bits < 1024) {
                    throw new UsageError("--bits " + bits + ": RSA keys under 1024 bits are refused (RFC 8301 3.2); use 2048");
                }
                if (bits > 8192) {
                    throw new UsageError("--bits " + bits + ": larger than 8192 is not supported");
                }
                if (bits < 2048) {
                    err.println("warning: " + bits + "-bit RSA meets only the 2018 baseline; RFC 8301 and current NCSC advice say 2048");
                }
            }
            Path dir = out != null ? out : data.dataDir().resolve("keys");
            Files.createDirectories(dir);
            Path file = dir.resolve(d + "." + s + ".pem");
            if (Files.exists(file) && !force) {
                throw new UsageError("key file exists (use --force to replace it): " + file);
            }
            KeyPair kp = DkimKeys.generate(type, bits);
            writePrivate(file, DkimKeys.toPem(kp.getPrivate()));
            String name = DkimKeyLookup.recordName(s, d);
            String value = DkimKeys.recordValue(kp.getPublic());
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("privateKeyFile", file.toString());
                m.put("selector", s);
                m.put("domain", d);
                m.put("recordName", name);
                m.put("recordValue", value);
                m.put("recordStrings", DkimKeys.txtStrings(value));
                m.put("zoneLine", DkimKeys.zoneLine(name, value));
                m.put("type", type.name().toLowerCase(Locale.ROOT));
                m.put("bits", type == DkimKeys.KeyType.RSA ? bits : 256);
                o.println(Json.write(m));
            } else {
                o.println("; private key written to " + file + " (mode 0600)");
                o.println("; publish this TXT record:");
                o.println(DkimKeys.zoneLine(name, value));
            }
            return ExitCodes.OK;
        }

        private static void writePrivate(Path file, String pem) throws IOException {
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                throw new UsageError("key file appeared while writing: " + file);
            }
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        }
    }

    /** {@code dkim record}: fetch and validate a published key record, optionally against a private key. */
    @Command(name = "record", mixinStandardHelpOptions = true,
            description = "Fetch SELECTOR._domainkey.DOMAIN, validate the key record and say whether it matches --key.")
    static final class Record implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--selector", required = true, paramLabel = "SELECTOR")
        String selector;

        @Option(names = "--key", paramLabel = "FILE", description = "Private key to compare with the published public key.")
        Path key;

        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Mixin
        DnsOptions dns;

        @Override
        public Integer call() {
            String name = DkimKeyLookup.recordName(selector.toLowerCase(Locale.ROOT), domain.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
            Optional<PrivateKey> priv = key == null ? Optional.empty() : Optional.of(readKey(key));
            Resolver resolver = dns.uncached();
            DnsAnswer answer = resolver.query(name, RecordType.TXT);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recordName", name);
            List<String> problems = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            String status;
            Boolean matches = null;
            String recordText = "";
            if (!answer.hasRecords()) {
                status = switch (answer.status()) {
                    case NXDOMAIN, NODATA -> "notfound";
                    default -> "temperror";
                };
                problems.add("no key record: " + answer.status().name().toLowerCase(Locale.ROOT)
                        + (answer.detail().isEmpty() ? "" : " (" + answer.detail() + ")"));
            } else {
                List<String> texts = answer.texts();
                recordText = texts.get(0);
                if (texts.size() > 1) {
                    warnings.add(texts.size() + " TXT records at this name; verifiers may pick any of them");
                }
                DkimKeyRecord.Parsed p = DkimKeyRecord.parse(recordText);
                if (p instanceof DkimKeyRecord.Invalid inv) {
                    status = "invalid";
                    problems.add(inv.reason());
                } else {
                    DkimKeyRecord r = ((DkimKeyRecord.Valid) p).record();
                    m.put("keyType", r.keyType());
                    m.put("keyBits", r.keyBits());
                    m.put("testing", r.testing());
                    m.put("strict", r.strict());
                    if (r.revoked()) {
                        status = "revoked";
                        problems.add("key revoked (empty p=)");
                    } else {
                        status = "ok";
                        if (r.keyType().equals("rsa") && r.keyBits() < 1024) {
                            status = "invalid";
                            problems.add("RSA key of " + r.keyBits() + " bits: verifiers must reject it (RFC 8301 3.2)");
                        } else if (r.keyType().equals("rsa") && r.keyBits() < 2048) {
                            warnings.add("RSA key of " + r.keyBits() + " bits: 2048 is the current advice (RFC 8301)");
                        }
                        if (r.testing()) {
                            warnings.add("t=y: the domain is testing DKIM; receivers treat its mail as unsigned");
                        }
                        if (!r.services().contains("*") && !r.services().contains("email")) {
                            status = "invalid";
                            problems.add("s= does not include email");
                        }
                        if (priv.isPresent()) {
                            matches = DkimKeys.publicKey(priv.get()).equals(r.publicKey().orElseThrow());
                            if (!matches) {
                                problems.add("the published key does not match " + key);
                            }
                        }
                    }
                }
            }
            m.put("status", status);
            m.put("record", recordText);
            m.put("matchesKey", matches);
            m.put("problems", problems);
            m.put("warnings", warnings);
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                o.println(Json.write(m));
            } else {
                o.println(name + ": " + status + (recordText.isEmpty() ? "" : "\n  " + recordText));
                for (String p : problems) {
                    o.println("  problem: " + p);
                }
                for (String w : warnings) {
                    o.println("  warning: " + w);
                }
                if (matches != null) {
                    o.println("  matches " + key + ": " + (matches ? "yes" : "no"));
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dkim sign}: the signed message on stdout. */
    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Sign a message (stdin or FILE) and write it, signature first, to stdout (or --output).")
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "Repeatable, paired with --key.")
        List<String> selectors;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private key (repeatable, one per --selector).")
        List<Path> keys;

        @Option(names = "--algorithm", paramLabel = "rsa-sha256|ed25519-sha256", description = "Default: from the key type.")
        String algorithm;

        @Option(names = "--canonicalization", paramLabel = "HEADER/BODY", description = "Default: ${DEFAULT-VALUE}.")
        String canonicalization = "relaxed/relaxed";

        @Option(names = "--headers", paramLabel = "NAME:NAME...", description = "Fields to sign (default: Mailward's list, oversigned).")
        String headers;

        @Option(names = "--no-oversign", description = "List each field only as often as it occurs.")
        boolean noOversign;

        @Option(names = "--expiry", paramLabel = "SECONDS", description = "Add x= this many seconds after t=.")
        Long expiry;

        @Option(names = "--output", paramLabel = "FILE", description = "Write the signed message here instead of stdout.")
        Path output;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The message (default: stdin).")
        Path input;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws IOException {
            if (selectors.size() != keys.size()) {
                throw new UsageError("give one --key per --selector");
            }
            String[] c = canonicalization.split("/", -1);
            Canonicalization hc = Canonicalization.fromToken(c[0]).orElseThrow(() -> new UsageError("--canonicalization: " + canonicalization));
            Canonicalization bc = c.length > 1 ? Canonicalization.fromToken(c[1]).orElseThrow(() -> new UsageError("--canonicalization: " + canonicalization))
                    : Canonicalization.SIMPLE;
            List<DkimSigner> signers = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                PrivateKey k = readKey(keys.get(i));
                DkimSigner.Builder b = DkimSigner.builder(domain, selectors.get(i), k, time.clock()).canonicalization(hc, bc).oversign(!noOversign);
                if (algorithm != null) {
                    b.algorithm(DkimAlgorithm.fromToken(algorithm).filter(a -> a != DkimAlgorithm.RSA_SHA1)
                            .orElseThrow(() -> new UsageError("--algorithm must be rsa-sha256 or ed25519-sha256")));
                }
                if (headers != null) {
                    b.headers(List.of(headers.split(":")));
                }
                if (expiry != null) {
                    b.expiry(Duration.ofSeconds(expiry));
                }
                try {
                    signers.add(b.build());
                } catch (IllegalArgumentException e) {
                    throw new UsageError(e.getMessage(), e);
                }
            }
            byte[] message = readInput(Optional.ofNullable(input));
            byte[] signed;
            try {
                signed = DkimSigner.signAll(message, signers);
            } catch (IllegalArgumentException e) {
                throw new UsageError("cannot sign: " + e.getMessage(), e);
            }
            if (output != null) {
                Files.write(output, signed);
            } else {
                spec.commandLine().getOut().flush();
                OutputStream o = System.out;
                o.write(signed);
                o.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dkim verify}: every signature's result. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify every DKIM-Signature of a message (stdin or FILE) and print one result per signature.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The message (default: stdin).")
        Path input;

        @Mixin
        DnsOptions dns;

        @Mixin
        TimeOptions time;

        @Override
        public Integer call() throws IOException {
            var clock = time.clock();
            DkimVerifier verifier = new DkimVerifier(dns.resolver(clock), clock);
            List<DkimResult> results;
            try (InputStream in = input != null ? Files.newInputStream(input) : System.in) {
                results = verifier.verify(in);
            }
            if (results.isEmpty()) {
                results = List.of(DkimResult.none());
            }
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (DkimResult r : results) {
                    list.add(toJson(r));
                }
                o.println(Json.write(Map.of("dkim", list)));
            } else {
                for (DkimResult r : results) {
                    o.println(r);
                }
            }
            return ExitCodes.OK;
        }
    }

    /** The JSON form of a result (CLI.md: result, domain, selector, algorithm, reason; more fields added). */
    public static Map<String, Object> toJson(DkimResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", r.status().token());
        m.put("domain", r.domain());
        m.put("selector", r.selector());
        m.put("algorithm", r.algorithm());
        m.put("reason", r.reason());
        m.put("identity", r.identity());
        m.put("testing", r.testing());
        m.put("bodyLength", r.bodyLength().isPresent() ? r.bodyLength().getAsLong() : null);
        m.put("unsignedBodyBytes", r.unsignedBodyBytes());
        m.put("keyBits", r.keyBits());
        m.put("headerB", r.headerB());
        return m;
    }

    /** {@code dkim check-definitions}: the gateway's validation step for each signing definition in the configuration. */
    @Command(name = "check-definitions", mixinStandardHelpOptions = true,
            description = "Check each DKIM signing definition of the gateway configuration: enabled only when the published key matches the private key.")
    static final class CheckDefinitions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "Gateway configuration (mailward.yml).")
        Path config;

        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Mixin
        DnsOptions dns;

        @Override
        public Integer call() {
            org.mailward.gateway.config.GatewayConfig c = ConfigCommand.load(config);
            List<org.mailward.gateway.outbound.DkimDefinitions.Checked> checked =
                    org.mailward.gateway.outbound.DkimDefinitions.check(c.dkim(), dns.uncached());
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                List<Map<String, Object>> defs = new ArrayList<>();
                for (var x : checked) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("domain", x.definition().domain());
                    m.put("selector", x.definition().selector());
                    m.put("algorithm", x.definition().algorithm().token());
                    m.put("status", x.status());
                    m.put("reason", x.reason());
                    defs.add(m);
                }
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("definitions", defs);
                o.println(Json.write(root));
            } else {
                if (checked.isEmpty()) {
                    o.println("no DKIM signing definitions in " + config);
                }
                for (var x : checked) {
                    o.println(x.definition().domain() + " " + x.definition().selector() + " " + x.definition().algorithm().token()
                            + ": " + x.status() + " (" + x.reason() + ")");
                }
            }
            return ExitCodes.OK;
        }
    }
}
