package org.mailward.reports.fetch;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FlagTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.mailward.reports.IngestResult;
import org.mailward.reports.ReportIngest;

/**
 * Fetches the unseen report mails of one IMAP folder into {@link ReportIngest} (Angus Mail as the IMAP client).
 * Each message is read with BODY.PEEK[] (RFC 9051 6.4.5: the peek form does not set \Seen), its raw bytes are
 * stored through the ingest, and only after that store returned is the after-fetch action applied. A message whose
 * store failed (an exception: the database is down) is left as it was, so nothing is lost: the next run sees it
 * unseen again. A crash between store and action means the next run stores it again; ingest recognises the reports
 * as duplicates (same organisation and report id), so at-least-once never counts twice.
 *
 * <p>TLS: always. {@code imaps} is implicit TLS (RFC 8314 3.2), {@code imap} must be upgraded with STARTTLS (RFC
 * 9051 6.2.1, required, never skipped). The SSLContext is injected (a self-signed server in tests, the JDK trust
 * store or {@code --trust-store} in production); the server name is checked against the certificate by JSSE
 * (endpoint identification, RFC 6125 / RFC 2818 rules), TLS 1.2 or newer only.
 */
public final class ImapReportFetcher {

    private final ImapMailbox mailbox;
    private final String password;
    private final SSLContext tls;
    private final Duration timeout;

    /**
     * @param mailbox  where; a plain {@code imap://} mailbox is always upgraded with STARTTLS
     * @param password the IMAP password (LOGIN / AUTHENTICATE PLAIN over TLS only)
     * @param tls      trust material for the server certificate
     * @param timeout  connect and read timeout
     */
    public ImapReportFetcher(ImapMailbox mailbox, String password, SSLContext tls, Duration timeout) {
        this.mailbox = mailbox;
        this.password = password;
        this.tls = tls;
        this.timeout = timeout;
    }

    /** Connection, login or folder errors: the whole pass could not run (nothing was changed on the server). */
    public static final class FetchException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean authentication;

        FetchException(String message, Throwable cause, boolean authentication) {
            super(message, cause);
            this.authentication = authentication;
        }

        /** The server refused the credentials (a configuration error, not an outage). */
        public boolean authentication() {
            return authentication;
        }
    }

    /**
     * One pass: every unseen, undeleted message in UID order. {@code each} gets every outcome as soon as it is known
     * (outcome lines are printed while the pass runs).
     */
    public FetchSummary fetch(ReportIngest ingest, AfterFetch after, Consumer<FetchedMessage> each) throws FetchException {
        Store store;
        try {
            store = session().getStore(mailbox.implicitTls() ? "imaps" : "imap");
            store.connect(mailbox.host(), mailbox.port(), mailbox.user(), password);
        } catch (jakarta.mail.AuthenticationFailedException e) {
            throw new FetchException("IMAP login refused for " + mailbox.user() + " at " + mailbox.host() + ": " + e.getMessage(), e, true);
        } catch (MessagingException e) {
            throw new FetchException("cannot connect to " + mailbox.url() + ": " + rootCause(e), e, false);
        }
        try {
            return fetch(store, ingest, after, each);
        } finally {
            try {
                store.close();
            } catch (MessagingException ignored) {
                // the pass is over either way
            }
        }
    }

    private FetchSummary fetch(Store store, ReportIngest ingest, AfterFetch after, Consumer<FetchedMessage> each) throws FetchException {
        IMAPFolder folder;
        IMAPFolder target = null;
        try {
            folder = (IMAPFolder) store.getFolder(mailbox.folder());
            if (!folder.exists()) {
                throw new FetchException("no folder '" + mailbox.folder() + "' in " + mailbox.url(), null, false);
            }
            if (after instanceof AfterFetch.Move m) {
                target = (IMAPFolder) store.getFolder(m.folder());
                if (!target.exists()) {
                    throw new FetchException("--after move: no folder '" + m.folder() + "' in " + mailbox.url()
                            + " (create it first)", null, false);
                }
            }
            folder.open(Folder.READ_WRITE);
        } catch (MessagingException e) {
            throw new FetchException("cannot open folder '" + mailbox.folder() + "': " + rootCause(e), e, false);
        }
        int found = 0;
        int stored = 0;
        int errors = 0;
        int rs = 0;
        int rd = 0;
        int rf = 0;
        boolean expunge = false;
        try {
            long validity = folder.getUIDValidity();
            Message[] unseen = folder.search(new AndTerm(new FlagTerm(new Flags(Flags.Flag.SEEN), false),
                    new FlagTerm(new Flags(Flags.Flag.DELETED), false)));
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            fp.add(FetchProfile.Item.SIZE);
            folder.fetch(unseen, fp);
            Message[] ordered = Arrays.copyOf(unseen, unseen.length);
            Arrays.sort(ordered, Comparator.comparingLong(m -> uid(folder, m)));
            found = ordered.length;
            for (Message m : ordered) {
                FetchedMessage outcome = fetchOne(folder, validity, (IMAPMessage) m, ingest);
                if (outcome.status() == FetchedMessage.Status.STORED) {
                    stored++;
                    for (IngestResult r : outcome.reports()) {
                        switch (r.status()) {
                            case STORED -> rs++;
                            case DUPLICATE -> rd++;
                            case FAILED -> rf++;
                        }
                    }
                    outcome = apply(folder, target, m, after, outcome);
                    expunge |= after instanceof AfterFetch.Delete && outcome.actionError().isEmpty();
                } else {
                    errors++;
                }
                each.accept(outcome);
            }
        } catch (MessagingException e) {
            throw new FetchException("IMAP error in " + mailbox.url() + ": " + rootCause(e), e, false);
        } finally {
            try {
                folder.close(expunge); // CLOSE expunges \Deleted messages (RFC 9051 6.4.1)
            } catch (MessagingException ignored) {
                // flags already set stay set; an unexpunged \Deleted message is skipped next time
            }
        }
        return new FetchSummary(found, stored, errors, rs, rd, rf);
    }

    private FetchedMessage fetchOne(IMAPFolder folder, long validity, IMAPMessage m, ReportIngest ingest) {
        long uid = uid(folder, m);
        String origin = mailbox.url() + ";UIDVALIDITY=" + validity + "/;UID=" + uid + ".eml"; // RFC 5092 3 style, .eml for the unpacker
        String messageId = "";
        long size = -1;
        try {
            m.setPeek(true);
            messageId = messageId(m);
            ByteArrayOutputStream raw = new ByteArrayOutputStream(Math.max(1024, m.getSize()));
            m.writeTo(raw);
            byte[] bytes = raw.toByteArray();
            size = bytes.length;
            List<IngestResult> results = ingest.ingest(origin, bytes);
            if (results.stream().anyMatch(r -> r.rawId() == 0)) {
                // refused before the raw store (over the input size limit): not stored, so it stays in the mailbox
                return new FetchedMessage(mailbox.url(), validity, uid, messageId, size, FetchedMessage.Status.ERROR, "none",
                        results, "not stored (left in the mailbox): " + results.get(0).error(), "");
            }
            return new FetchedMessage(mailbox.url(), validity, uid, messageId, size, FetchedMessage.Status.STORED, "none",
                    results, "", "");
        } catch (MessagingException | IOException e) {
            return new FetchedMessage(mailbox.url(), validity, uid, messageId, size, FetchedMessage.Status.ERROR, "none",
                    List.of(), "cannot read the message: " + rootCause(e), "");
        } catch (SQLException e) {
            return new FetchedMessage(mailbox.url(), validity, uid, messageId, size, FetchedMessage.Status.ERROR, "none",
                    List.of(), "cannot store the report (left unseen): " + e.getMessage(), "");
        }
    }

    private static FetchedMessage apply(IMAPFolder folder, IMAPFolder target, Message m, AfterFetch after, FetchedMessage o) {
        try {
            switch (after) {
                case AfterFetch.Seen s -> m.setFlag(Flags.Flag.SEEN, true);
                case AfterFetch.Move mv -> {
                    // \Seen first, so a server without MOVE (copy + delete) leaves a seen copy, never an unseen twin
                    m.setFlag(Flags.Flag.SEEN, true);
                    folder.moveMessages(new Message[] {m}, target);
                }
                case AfterFetch.Delete d -> {
                    m.setFlag(Flags.Flag.SEEN, true);
                    m.setFlag(Flags.Flag.DELETED, true);
                }
            }
            return o.withAction(after.done(), "");
        } catch (MessagingException e) {
            return o.withAction("none", after.done() + " failed (stored; a later run stores it again as a duplicate): " + rootCause(e));
        }
    }

    private static long uid(IMAPFolder folder, Message m) {
        try {
            return folder.getUID(m);
        } catch (MessagingException e) {
            return -1;
        }
    }

    private static String messageId(MimeMessage m) throws MessagingException {
        String id = m.getMessageID();
        return id == null ? "" : id.strip();
    }

    private Session session() {
        String p = mailbox.implicitTls() ? "mail.imaps" : "mail.imap";
        Properties props = new Properties();
        props.put(p + ".ssl.socketFactory", new VerifyingSocketFactory(tls.getSocketFactory()));
        // JSSE verifies the name (endpoint identification in VerifyingSocketFactory); Angus' own check would repeat it
        props.put(p + ".ssl.checkserveridentity", "false");
        props.put(p + ".ssl.protocols", "TLSv1.3 TLSv1.2");
        if (!mailbox.implicitTls()) {
            props.put(p + ".starttls.enable", "true");
            props.put(p + ".starttls.required", "true");
        }
        String ms = Long.toString(timeout.toMillis());
        props.put(p + ".connectiontimeout", ms);
        props.put(p + ".timeout", ms);
        props.put(p + ".peek", "true");
        props.put(p + ".auth.mechanisms", "PLAIN LOGIN");
        return Session.getInstance(props);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t == e ? String.valueOf(m) : e.getMessage() + " (" + t.getClass().getSimpleName() + ": " + m + ")";
    }

    /**
     * Every socket gets HTTPS-style endpoint identification (RFC 2818 3.1 / RFC 6125: DNS names and IP addresses
     * in subjectAltName), so the handshake itself fails on a certificate for another name.
     */
    static final class VerifyingSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        VerifyingSocketFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket verify(Socket s) {
            if (s instanceof SSLSocket ssl) {
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
            }
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return verify(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return verify(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return verify(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return verify(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return verify(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return verify(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
