package org.mailward.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailward.gateway.config.ConfigError;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailward config check [FILE]} and {@code mailward config hash-password}. */
@Command(name = "config", description = "Check the gateway configuration (mailward.yml).",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.HashPassword.class})
public final class ConfigCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Loads and validates a configuration file; a usage error (exit 2) when it is invalid. */
    static org.mailward.gateway.config.GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageError("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        ConfigReader.Result r = ConfigReader.read(text, file.toAbsolutePath().getParent());
        if (!r.valid()) {
            StringBuilder sb = new StringBuilder("invalid configuration " + file + ":");
            for (ConfigError e : r.errors()) {
                sb.append("\n  ").append(file).append(':').append(e.line()).append(':').append(e.column()).append(": ").append(e.message());
            }
            throw new UsageError(sb.toString());
        }
        return r.config().orElseThrow();
    }

    @Command(name = "check", description = "Validate a configuration file; prints {valid, errors[{line,column,message}]} with --json.")
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "Configuration file (default: ${DEFAULT-VALUE}).")
        Path file = Path.of("mailward.yml");

        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ConfigReader.Result r;
            try {
                r = ConfigReader.read(Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
            } catch (IOException e) {
                r = new ConfigReader.Result(java.util.Optional.empty(), List.of(new ConfigError(0, 0, "cannot read " + file + ": " + e.getMessage())));
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("valid", r.valid());
                o.put("errors", r.errors().stream().map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("line", e.line());
                    m.put("column", e.column());
                    m.put("message", e.message());
                    return m;
                }).toList());
                spec.commandLine().getOut().println(Json.write(o));
            } else if (r.valid()) {
                spec.commandLine().getOut().println(file + ": valid");
            } else {
                for (ConfigError e : r.errors()) {
                    spec.commandLine().getOut().println(file + ":" + e.line() + ":" + e.column() + ": " + e.message());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "hash-password", description = "Read a password from stdin; print a users[].passwordHash value.")
    static final class HashPassword implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String pw = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (pw.isEmpty()) {
                throw new UsageError("no password on stdin");
            }
            spec.commandLine().getOut().println(PasswordHash.hash(pw));
            return ExitCodes.OK;
        }
    }
}
