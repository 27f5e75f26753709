package org.mailward.app;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code mailward COMMAND [OPTIONS]}. */
@Command(name = "mailward",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Secure email gateway and compliance toolkit for the UK email security standard.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DnsCommand.class,
            SpfCommand.class,
            CheckCommand.class,
            RecordsCommand.class,
            DkimCommand.class,
            ArcCommand.class,
            ReportsCommand.class,
            ServeCommand.class,
            ConfigCommand.class,
            QueueCommand.class,
            QuarantineCommand.class,
            VerifyCommand.class,
            DoctorCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UsageError ue) {
                commandLine.getErr().println("error: " + ue.getMessage());
                return ExitCodes.USAGE;
            }
            commandLine.getErr().println("internal error: " + ex);
            if (System.getenv("MAILWARD_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return ExitCodes.INTERNAL;
        });
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints the version from the jar manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mailward " + (v == null ? "dev" : v)};
        }
    }
}
