package org.mailward.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.mailward.check.TrustStores;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.IngestResult;
import org.mailward.reports.ParseOutcome;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.reports.fetch.AfterFetch;
import org.mailward.reports.fetch.FetchSummary;
import org.mailward.reports.fetch.FetchedMessage;
import org.mailward.reports.fetch.ImapMailbox;
import org.mailward.reports.fetch.ImapReportFetcher;
import org.mailward.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailward reports fetch --imap URL}: ingest the unseen report mails of an IMAP folder, then mark, move or
 * delete each one, but only after its raw bytes are stored.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Fetch unseen report mails from an IMAP mailbox (TLS only) and ingest them. Each mail is marked "
                + "(or moved, or deleted) only after its raw bytes are stored; a mail that could not be stored stays unseen.")
final class ReportsFetchCommand implements Callable<Integer> {

    /** The environment variable read for the password when no --password-file is given. */
    static final String PASSWORD_ENV = "MAILWARD_IMAP_PASSWORD";

    @Spec
    CommandSpec spec;

    @Option(names = "--imap", required = true, paramLabel = "URL",
            description = "imaps://USER@HOST[:PORT][/FOLDER] (implicit TLS, port 993) or imap://... (STARTTLS, port 143). "
                    + "Percent-encode an @ in the user name as %%40. Folder default: INBOX.")
    String imap;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the IMAP password (default: the environment variable " + PASSWORD_ENV + ").")
    Path passwordFile;

    @Option(names = "--starttls", description = "Connect in plain text and upgrade with STARTTLS (required; port default 143).")
    boolean starttls;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "Trust only these CA/server certificates (PEM bundle, PKCS#12 or .jks with an empty password) "
                    + "instead of the JDK's trust store.")
    Path trustStore;

    @Option(names = "--after", paramLabel = "ACTION", defaultValue = "seen",
            description = "What to do with a mail once stored: seen (default), move:FOLDER, delete.")
    String after;

    @Option(names = "--watch", description = "Keep fetching every --interval seconds (until interrupted).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between passes with --watch (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Connect and read timeout (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--json", description = "One JSON object per mail (JSON lines).")
    boolean json;

    @Mixin
    DataOptions data;

    @Mixin
    TimeOptions time;

    @Override
    public Integer call() throws Exception {
        String url = starttls ? imap.replaceFirst("(?i)^imaps://", "imap://") : imap;
        ImapMailbox mailbox = switch (ImapMailbox.parse(url)) {
            case ParseOutcome.Ok<ImapMailbox> ok -> ok.value();
            case ParseOutcome.Rejected<ImapMailbox> r -> throw new UsageError("--imap: " + r.reason());
        };
        AfterFetch action = switch (AfterFetch.parse(after)) {
            case ParseOutcome.Ok<AfterFetch> ok -> ok.value();
            case ParseOutcome.Rejected<AfterFetch> r -> throw new UsageError("--after: " + r.reason());
        };
        if (watch && !(interval > 0)) {
            throw new UsageError("--interval must be a positive number of seconds");
        }
        if (!(timeout > 0)) {
            throw new UsageError("--timeout must be a positive number of seconds");
        }
        String password = password();
        SSLContext tls = tls();
        ImapReportFetcher fetcher = new ImapReportFetcher(mailbox, password, tls, Duration.ofMillis((long) (timeout * 1000)));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Database db = ReportsCommand.open(data)) {
            ReportIngest ingest = new ReportIngest(new ReportRepository(db), time.clock(), IngestLimits.defaults());
            while (true) {
                try {
                    FetchSummary s = fetcher.fetch(ingest, action, m -> {
                        print(out, m);
                        out.flush();
                    });
                    err.printf("%s: %d unseen, %d stored, %d left for the next run; reports: %d stored, %d duplicate, %d failed%n",
                            mailbox.url(), s.found(), s.stored(), s.errors(), s.reportsStored(), s.reportsDuplicate(), s.reportsFailed());
                    err.flush();
                } catch (ImapReportFetcher.FetchException e) {
                    if (e.authentication()) {
                        throw new UsageError(e.getMessage(), e);
                    }
                    if (!watch) {
                        err.println("error: " + e.getMessage());
                        return ExitCodes.INTERNAL;
                    }
                    err.println("warning: " + e.getMessage() + " (retrying in " + interval + " s)");
                    err.flush();
                }
                if (!watch) {
                    return ExitCodes.OK;
                }
                try {
                    Thread.sleep((long) (interval * 1000));
                } catch (InterruptedException e) {
                    return ExitCodes.OK;
                }
            }
        }
    }

    private void print(PrintWriter out, FetchedMessage m) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("mailbox", m.mailbox());
            o.put("uidValidity", m.uidValidity());
            o.put("uid", m.uid());
            o.put("messageId", m.messageId());
            o.put("size", m.size());
            o.put("status", m.status().label());
            o.put("action", m.action());
            o.put("error", m.error().isEmpty() ? null : m.error());
            o.put("actionError", m.actionError().isEmpty() ? null : m.actionError());
            List<Map<String, Object>> reports = new ArrayList<>();
            for (IngestResult r : m.reports()) {
                reports.add(ReportsCommand.json(r));
            }
            o.put("reports", reports);
            out.println(Json.write(o));
            return;
        }
        if (m.status() == FetchedMessage.Status.ERROR) {
            out.printf("error      UID %d %s: %s%n", m.uid(), m.messageId(), m.error());
            return;
        }
        out.printf("stored     UID %d %s (%d bytes) -> %s%s%n", m.uid(), m.messageId(), m.size(), m.action(),
                m.actionError().isEmpty() ? "" : " (" + m.actionError() + ")");
        StringBuilder sb = new StringBuilder();
        java.io.StringWriter sw = new java.io.StringWriter();
        ReportsCommand.print(new PrintWriter(sw), m.reports(), false);
        sw.toString().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        out.print(sb);
    }

    private String password() {
        if (passwordFile != null) {
            try {
                String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
                String first = text.lines().findFirst().orElse("");
                if (first.isEmpty()) {
                    throw new UsageError("--password-file " + passwordFile + " is empty");
                }
                return first;
            } catch (IOException e) {
                throw new UsageError("cannot read --password-file: " + e.getMessage(), e);
            }
        }
        String env = System.getenv(PASSWORD_ENV);
        if (env == null || env.isEmpty()) {
            throw new UsageError("no IMAP password: give --password-file FILE or set " + PASSWORD_ENV);
        }
        return env;
    }

    private SSLContext tls() {
        try {
            if (trustStore == null) {
                return SSLContext.getDefault();
            }
            Set<X509Certificate> certs;
            try {
                certs = TrustStores.load(trustStore);
            } catch (IOException e) {
                throw new UsageError("--trust-store: " + e.getMessage(), e);
            }
            if (certs.isEmpty()) {
                throw new UsageError("--trust-store " + trustStore + " holds no certificate");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : certs) {
                ks.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }
}
