package org.mailward.smtp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-side SMTP connection (RFC 5321 state machine) run on its own virtual thread. See the package
 * documentation for the framing rules; this class is the only place that reads from or writes to the socket.
 */
final class SmtpSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSession.class);

    private final SmtpServerConfig config;
    private final SessionHandler handler;
    private final String id;
    private final SmtpServer server;
    private Socket socket;
    private SmtpInput in;
    private OutputStream out;

    private Optional<String> helo = Optional.empty();
    private boolean esmtp;
    private Optional<SessionInfo.TlsInfo> tls = Optional.empty();
    private Optional<String> authUser = Optional.empty();
    private Transaction transaction; // null outside a transaction
    private ByteArrayOutputStream bdat; // non-null while BDAT chunks are being collected
    private boolean bdatFailed;
    private int errors;
    private int junk;
    private int messages;
    private volatile boolean inTransaction;
    private volatile boolean closing;
    private final Object writeLock = new Object();

    SmtpSession(SmtpServer server, SmtpServerConfig config, SessionHandler handler, Socket socket, String id) {
        this.server = server;
        this.config = config;
        this.handler = handler;
        this.socket = socket;
        this.id = id;
    }

    SessionInfo info() {
        return new SessionInfo(id, config.name(), (InetSocketAddress) socket.getRemoteSocketAddress(),
                (InetSocketAddress) socket.getLocalSocketAddress(), helo, esmtp, tls, authUser);
    }

    /** Called by the server on shutdown: an idle session is told 421 at once, a busy one after its transaction. */
    void shutdown() {
        closing = true;
        if (!inTransaction) {
            try {
                reply(SmtpReply.of(421, "4.3.2", config.hostname() + " Service shutting down"));
            } catch (IOException e) {
                // the client is gone anyway
            }
            closeQuietly();
        }
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void run() {
        try {
            out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            in = new SmtpInput(socket.getInputStream(), out);
            loop();
        } catch (SocketTimeoutException e) {
            try {
                reply(SmtpReply.of(421, "4.4.2", config.hostname() + " Error: timeout exceeded"));
            } catch (IOException ignored) {
                // gone
            }
        } catch (IOException e) {
            LOG.debug("session {}: {}", id, e.toString());
        } finally {
            try {
                synchronized (writeLock) {
                    if (out != null) {
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the client is gone
            }
            closeQuietly();
            try {
                handler.disconnected(info());
            } catch (RuntimeException e) {
                LOG.warn("session {}: disconnect handler failed: {}", id, e.toString());
            }
            server.finished(this);
        }
    }

    private void loop() throws IOException {
        SmtpLimits limits = config.limits();
        // Early talker (RFC 5321 4.3.1: the client waits for the greeting).
        if (!limits.greetPause().isZero()) {
            socket.setSoTimeout((int) Math.max(1, limits.greetPause().toMillis()));
            try {
                if (in.waitForData()) {
                    reply(SmtpReply.of(554, "5.5.1", config.hostname() + " Protocol error: client spoke before the greeting"));
                    LOG.info("session {}: early talker {}", id, socket.getRemoteSocketAddress());
                    return;
                }
                return;
            } catch (SocketTimeoutException expected) {
                // silent client: good
            }
        } else if (in.available() > 0) {
            reply(SmtpReply.of(554, "5.5.1", config.hostname() + " Protocol error: client spoke before the greeting"));
            return;
        }
        Decision d = handler.connect(info());
        if (!d.accepted()) {
            // RFC 5321 3.1: a 554 greeting, then the server waits for QUIT; we simply close.
            reply(d.reply().orElseThrow());
            return;
        }
        reply(SmtpReply.of(220, "", config.hostname() + " ESMTP Mailward"));
        while (!closing || inTransaction) {
            socket.setSoTimeout(millis(limits.commandTimeout()));
            SmtpInput.Line line = in.readLine(limits.maxCommandLine());
            if (line.eof()) {
                return;
            }
            if (closing && !inTransaction) {
                reply(SmtpReply.of(421, "4.3.2", config.hostname() + " Service shutting down"));
                return;
            }
            if (line.tooLong()) {
                if (error(SmtpReply.of(500, "5.5.2", "Error: line too long"))) {
                    return;
                }
                continue;
            }
            if (line.bareLf() || line.bareCr()) {
                // RFC 5321 2.3.8: lines end in CRLF only.
                if (error(SmtpReply.of(500, "5.5.2", "Error: bare CR or LF in command"))) {
                    return;
                }
                continue;
            }
            String text = new String(line.bytes(), StandardCharsets.UTF_8);
            CommandParser.Result r = CommandParser.parse(text);
            if (r instanceof CommandParser.Result.Failure f) {
                if (error(f.reply())) {
                    return;
                }
                continue;
            }
            SmtpCommand cmd = ((CommandParser.Result.Command) r).command();
            if (!pipeliningSyncOk(cmd)) {
                reply(SmtpReply.of(554, "5.5.0", "Error: improper command pipelining after " + cmd.verb()));
                LOG.info("session {}: improper pipelining after {}", id, cmd.verb());
                return;
            }
            if (!handle(cmd)) {
                return;
            }
        }
        if (closing) {
            reply(SmtpReply.of(421, "4.3.2", config.hostname() + " Service shutting down"));
        }
    }

    /**
     * RFC 2920 3.1: EHLO/HELO, DATA, STARTTLS, AUTH and QUIT must be the last command of a group; without
     * PIPELINING (not advertised, or a HELO session) every command must be. Unread input at that point is a
     * client that does not wait for our replies (a spam engine or an injection attempt).
     */
    private boolean pipeliningSyncOk(SmtpCommand cmd) {
        if (in.available() == 0) {
            return true;
        }
        boolean pipelining = config.pipelining() && esmtp;
        if (!pipelining) {
            return cmd instanceof SmtpCommand.Quit;
        }
        return !(cmd instanceof SmtpCommand.Ehlo || cmd instanceof SmtpCommand.Helo || cmd instanceof SmtpCommand.Data
                || cmd instanceof SmtpCommand.Auth);
        // STARTTLS: handled by discarding the buffer (see startTls), so the reply still goes out.
    }

    /** Sends an error reply and counts it; true when the error limit closed the session. */
    private boolean error(SmtpReply r) throws IOException {
        errors++;
        if (errors >= config.limits().maxErrors()) {
            reply(SmtpReply.of(421, "4.7.0", config.hostname() + " Error: too many errors"));
            return true;
        }
        reply(r);
        return false;
    }

    private boolean refused(Decision d) throws IOException {
        SmtpReply r = d.reply().orElseThrow();
        if (d.disconnect()) {
            reply(r);
            return true;
        }
        return error(r);
    }

    private boolean junk() throws IOException {
        junk++;
        if (junk > config.limits().maxJunkCommands()) {
            reply(SmtpReply.of(421, "4.7.0", config.hostname() + " Error: too many commands without mail"));
            return true;
        }
        return false;
    }

    /** Handles one command; false when the session must end. */
    private boolean handle(SmtpCommand cmd) throws IOException {
        if (bdat != null && !(cmd instanceof SmtpCommand.Bdat) && !(cmd instanceof SmtpCommand.Rset)
                && !(cmd instanceof SmtpCommand.Quit) && !(cmd instanceof SmtpCommand.Noop)) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: BDAT transfer in progress (RFC 3030 2)"));
        }
        switch (cmd) {
            case SmtpCommand.Ehlo e -> {
                return greet(e.domain(), true);
            }
            case SmtpCommand.Helo h -> {
                return greet(h.domain(), false);
            }
            case SmtpCommand.Mail m -> {
                return mail(m);
            }
            case SmtpCommand.Rcpt r -> {
                return rcpt(r);
            }
            case SmtpCommand.Data d -> {
                return data();
            }
            case SmtpCommand.Bdat b -> {
                return bdat(b);
            }
            case SmtpCommand.Rset r -> {
                resetTransaction();
                reply(SmtpReply.of(250, "2.0.0", "Ok"));
                return !junk();
            }
            case SmtpCommand.Noop n -> {
                reply(SmtpReply.of(250, "2.0.0", "Ok"));
                return !junk();
            }
            case SmtpCommand.Quit q -> {
                reply(SmtpReply.of(221, "2.0.0", config.hostname() + " Bye"));
                return false;
            }
            case SmtpCommand.Vrfy v -> {
                // RFC 5321 3.5.3 / 7.3: we do not disclose mailboxes.
                reply(SmtpReply.of(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"));
                return !junk();
            }
            case SmtpCommand.Expn x -> {
                return !error(SmtpReply.of(502, "5.5.1", "Error: EXPN not supported")) && !junk();
            }
            case SmtpCommand.Help h -> {
                reply(SmtpReply.of(214, "2.0.0", "See RFC 5321; commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH"));
                return !junk();
            }
            case SmtpCommand.StartTls s -> {
                return startTls();
            }
            case SmtpCommand.Auth a -> {
                return auth(a);
            }
        }
    }

    private boolean greet(String domain, boolean extended) throws IOException {
        resetTransaction();
        helo = Optional.of(domain);
        esmtp = extended;
        Decision d = handler.helo(info());
        if (!d.accepted()) {
            helo = Optional.empty();
            return !refused(d);
        }
        if (!extended) {
            reply(SmtpReply.of(250, "", config.hostname()));
            return true;
        }
        List<String> lines = new ArrayList<>();
        lines.add(config.hostname());
        if (config.pipelining()) {
            lines.add("PIPELINING");
        }
        lines.add("SIZE " + config.limits().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("DSN");
        if (config.chunking()) {
            lines.add("CHUNKING");
        }
        if (config.tls().isPresent() && tls.isEmpty()) {
            lines.add("STARTTLS");
        }
        if (config.authenticator().isPresent() && tls.isPresent() && authUser.isEmpty()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        reply(new SmtpReply(250, "", lines));
        return true;
    }

    private boolean mail(SmtpCommand.Mail m) throws IOException {
        if (helo.isEmpty()) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: send HELO/EHLO first"));
        }
        if (transaction != null) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: nested MAIL command"));
        }
        if (messages >= config.limits().maxMessagesPerConnection()) {
            reply(SmtpReply.of(421, "4.7.0", config.hostname() + " Error: too many messages in one connection"));
            return false;
        }
        MailParameters p = m.parameters();
        boolean hasParams = p.size().isPresent() || p.body() != MailParameters.Body.SEVEN_BIT || p.smtpUtf8()
                || p.ret().isPresent() || p.envid().isPresent() || p.auth().isPresent();
        if (hasParams && !esmtp) {
            return !error(SmtpReply.of(555, "5.5.4", "Error: parameters need EHLO"));
        }
        if (p.body() == MailParameters.Body.BINARY_MIME) {
            return !error(SmtpReply.of(555, "5.5.4", "Error: BINARYMIME not supported"));
        }
        if (p.size().isPresent() && p.size().getAsLong() > config.limits().maxMessageSize()) {
            return !error(SmtpReply.of(552, "5.3.4", "Error: message size exceeds fixed limit"));
        }
        Decision d = handler.mail(info(), m);
        if (!d.accepted()) {
            return !refused(d);
        }
        transaction = new Transaction(m.reversePath(), p, List.of());
        inTransaction = true;
        junk = 0;
        reply(d.reply().orElse(SmtpReply.of(250, "2.1.0", "Ok")));
        return true;
    }

    private boolean rcpt(SmtpCommand.Rcpt r) throws IOException {
        if (transaction == null) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: need MAIL command"));
        }
        if (!r.parameters().notifyOn().isEmpty() || r.parameters().orcpt().isPresent()) {
            if (!esmtp) {
                return !error(SmtpReply.of(555, "5.5.4", "Error: parameters need EHLO"));
            }
        }
        if (r.forwardPath().utf8() && !transaction.mailParameters().smtpUtf8()) {
            return !error(SmtpReply.of(553, "5.6.7", "Error: non-ASCII recipient needs SMTPUTF8 on MAIL"));
        }
        if (transaction.recipients().size() >= config.limits().maxRecipients()) {
            // RFC 5321 4.5.3.1.10: 452 for too many recipients (a temporary failure; the client retries later).
            reply(SmtpReply.of(452, "4.5.3", "Error: too many recipients"));
            return true;
        }
        Decision d = handler.rcpt(info(), transaction, r);
        if (!d.accepted()) {
            return !refused(d);
        }
        transaction = transaction.with(new Transaction.Recipient(r.forwardPath(), r.parameters()));
        reply(d.reply().orElse(SmtpReply.of(250, "2.1.5", "Ok")));
        return true;
    }

    private boolean data() throws IOException {
        if (transaction == null) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: need MAIL command"));
        }
        if (transaction.recipients().isEmpty()) {
            return !error(SmtpReply.of(554, "5.5.1", "Error: no valid recipients"));
        }
        reply(SmtpReply.of(354, "", "End data with <CR><LF>.<CR><LF>"));
        socket.setSoTimeout(millis(config.limits().dataTimeout()));
        DataReader.Result body = DataReader.read(in, config.limits().maxMessageSize(), config.limits().maxTextLine());
        if (body.eof()) {
            return false; // RFC 5321 4.1.1.4: a connection lost during DATA aborts the transaction
        }
        return finishMessage(body.message(), body.tooBig(), body.bareLineEnd(), body.lineTooLong());
    }

    /**
     * Ends a transaction. {@code inTransaction} stays true until the reply is written, so a shutdown running
     * meanwhile never answers 421 in place of the 250 for a message that is already stored.
     */
    private boolean finishMessage(byte[] message, boolean tooBig, boolean bareLineEnd, boolean lineTooLong) throws IOException {
        try {
            return finishMessageInTransaction(message, tooBig, bareLineEnd, lineTooLong);
        } finally {
            inTransaction = false;
        }
    }

    private boolean finishMessageInTransaction(byte[] message, boolean tooBig, boolean bareLineEnd, boolean lineTooLong) throws IOException {
        Transaction t = transaction;
        transaction = null;
        bdat = null;
        bdatFailed = false;
        messages++;
        if (tooBig) {
            return !error(SmtpReply.of(552, "5.3.4", "Error: message size exceeds fixed limit"));
        }
        if (bareLineEnd) {
            LOG.info("session {}: message with bare CR or LF refused", id);
            return !error(SmtpReply.of(550, "5.6.0", "Error: bare CR or LF in message (RFC 5321 2.3.8); message refused"));
        }
        if (lineTooLong) {
            return !error(SmtpReply.of(550, "5.6.0", "Error: message line longer than 998 octets (RFC 5322 2.1.1)"));
        }
        Decision d;
        try {
            d = handler.data(info(), t, message);
        } catch (RuntimeException e) {
            LOG.error("session {}: data handler failed", id, e);
            d = Decision.refuse(451, "4.3.0", "Error: local error in processing");
        }
        if (!d.accepted()) {
            return !refused(d);
        }
        reply(d.reply().orElse(SmtpReply.of(250, "2.0.0", "Ok")));
        return true;
    }

    private boolean bdat(SmtpCommand.Bdat b) throws IOException {
        socket.setSoTimeout(millis(config.limits().dataTimeout()));
        long max = config.limits().maxMessageSize();
        if (!config.chunking() || transaction == null || transaction.recipients().isEmpty()) {
            // RFC 3030 2: the chunk must still be read so the stream stays in sync.
            if (!in.readExactly(b.size(), OutputStream.nullOutputStream(), 0)) {
                return false;
            }
            if (!config.chunking()) {
                return !error(SmtpReply.of(502, "5.5.1", "Error: CHUNKING not supported"));
            }
            return !error(SmtpReply.of(503, "5.5.1", transaction == null ? "Error: need MAIL command" : "Error: no valid recipients"));
        }
        if (bdat == null) {
            bdat = new ByteArrayOutputStream();
            bdatFailed = false;
        }
        long room = Math.max(0, max - bdat.size());
        if (b.size() > room) {
            bdatFailed = true;
        }
        if (!in.readExactly(b.size(), bdat, bdatFailed ? 0 : room)) {
            return false;
        }
        if (!b.last()) {
            reply(SmtpReply.of(250, "2.0.0", b.size() + " octets received"));
            return true;
        }
        byte[] message = bdat.toByteArray();
        boolean failed = bdatFailed;
        bdat = null;
        boolean bare = false;
        boolean longLine = false;
        int lineLen = 0;
        for (int i = 0; i < message.length; i++) {
            byte c = message[i];
            if (c == '\n' && (i == 0 || message[i - 1] != '\r')) {
                bare = true;
            }
            if (c == '\r' && (i + 1 >= message.length || message[i + 1] != '\n')) {
                bare = true;
            }
            lineLen = c == '\n' ? 0 : lineLen + 1;
            if (lineLen > config.limits().maxTextLine() - 1) {
                longLine = true;
            }
        }
        return finishMessage(message, failed, bare, longLine);
    }

    private boolean startTls() throws IOException {
        if (config.tls().isEmpty()) {
            return !error(SmtpReply.of(502, "5.5.1", "Error: STARTTLS not offered"));
        }
        if (tls.isPresent()) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: TLS already active"));
        }
        if (!esmtp) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: send EHLO first"));
        }
        // CVE-2011-0411: anything the client sent after STARTTLS in the same flight is plaintext injection;
        // it must never be read as if it had come over TLS. Discard it before the handshake.
        int discarded = in.discardBuffered();
        if (discarded > 0) {
            LOG.warn("session {}: discarded {} octets pipelined after STARTTLS (command injection attempt)", id, discarded);
        }
        reply(SmtpReply.of(220, "2.0.0", "Ready to start TLS"));
        SmtpServerConfig.ServerTls st = config.tls().get();
        SSLContext ctx = st.context().get();
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        ssl.setUseClientMode(false);
        st.profile().apply(ssl);
        socket.setSoTimeout(millis(config.limits().commandTimeout()));
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            LOG.info("session {}: TLS handshake failed: {}", id, e.getMessage());
            socket = ssl;
            return false;
        }
        socket = ssl;
        out = new BufferedOutputStream(ssl.getOutputStream(), 8192);
        in = new SmtpInput(ssl.getInputStream(), out);
        // RFC 3207 4.2: forget everything learnt before TLS; the client must EHLO again.
        tls = Optional.of(new SessionInfo.TlsInfo(ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite()));
        helo = Optional.empty();
        esmtp = false;
        resetTransaction();
        return true;
    }

    private boolean auth(SmtpCommand.Auth a) throws IOException {
        if (config.authenticator().isEmpty()) {
            return !error(SmtpReply.of(502, "5.5.1", "Error: authentication not enabled"));
        }
        if (tls.isEmpty()) {
            // RFC 4954 4: 538 when the mechanism needs an encrypted connection.
            return !error(SmtpReply.of(538, "5.7.11", "Error: encryption required for requested authentication mechanism"));
        }
        if (!esmtp) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: send EHLO first"));
        }
        if (authUser.isPresent()) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: already authenticated"));
        }
        if (transaction != null) {
            return !error(SmtpReply.of(503, "5.5.1", "Error: AUTH not allowed during a mail transaction"));
        }
        String user;
        String password;
        switch (a.mechanism()) {
            case "PLAIN" -> {
                Optional<String> resp = a.initialResponse().isPresent() ? a.initialResponse() : challenge("");
                if (resp.isEmpty()) {
                    return true;
                }
                Optional<byte[]> dec = base64(resp.get().equals("=") ? "" : resp.get());
                if (dec.isEmpty()) {
                    return !error(SmtpReply.of(501, "5.5.2", "Error: bad base64"));
                }
                // RFC 4616 2: [authzid] NUL authcid NUL passwd
                String s = new String(dec.get(), StandardCharsets.UTF_8);
                String[] parts = s.split("\u0000", -1);
                if (parts.length != 3 || parts[1].isEmpty()) {
                    return !error(SmtpReply.of(501, "5.5.2", "Error: bad PLAIN response"));
                }
                if (!parts[0].isEmpty() && !parts[0].equals(parts[1])) {
                    return !error(SmtpReply.of(535, "5.7.8", "Error: authentication credentials invalid"));
                }
                user = parts[1];
                password = parts[2];
            }
            case "LOGIN" -> {
                Optional<String> u = a.initialResponse().isPresent() ? a.initialResponse() : challenge("VXNlcm5hbWU6");
                if (u.isEmpty()) {
                    return true;
                }
                Optional<String> p = challenge("UGFzc3dvcmQ6");
                if (p.isEmpty()) {
                    return true;
                }
                Optional<byte[]> du = base64(u.get());
                Optional<byte[]> dp = base64(p.get());
                if (du.isEmpty() || dp.isEmpty()) {
                    return !error(SmtpReply.of(501, "5.5.2", "Error: bad base64"));
                }
                user = new String(du.get(), StandardCharsets.UTF_8);
                password = new String(dp.get(), StandardCharsets.UTF_8);
            }
            default -> {
                return !error(SmtpReply.of(504, "5.5.4", "Error: unsupported authentication mechanism"));
            }
        }
        if (config.authenticator().get().authenticate(user, password)) {
            authUser = Optional.of(user);
            reply(SmtpReply.of(235, "2.7.0", "Authentication successful"));
            return true;
        }
        LOG.info("session {}: authentication failed for {}", id, user);
        return !error(SmtpReply.of(535, "5.7.8", "Error: authentication credentials invalid"));
    }

    /** Sends a 334 challenge and reads the response; empty when the client cancelled ("*", RFC 4954 4). */
    private Optional<String> challenge(String b64) throws IOException {
        out.write(("334 " + b64 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        SmtpInput.Line line = in.readLine(config.limits().maxCommandLine());
        if (line.eof() || !line.crlf() || line.tooLong()) {
            error(SmtpReply.of(501, "5.5.2", "Error: bad authentication response"));
            return Optional.empty();
        }
        String s = new String(line.bytes(), StandardCharsets.US_ASCII);
        if (s.equals("*")) {
            error(SmtpReply.of(501, "5.7.0", "Authentication cancelled"));
            return Optional.empty();
        }
        return Optional.of(s);
    }

    private static Optional<byte[]> base64(String s) {
        try {
            return Optional.of(Base64.getDecoder().decode(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void resetTransaction() {
        transaction = null;
        bdat = null;
        bdatFailed = false;
        inTransaction = false;
    }

    /** Writes a reply; flushes unless more pipelined commands are already waiting (RFC 2920 3.2). */
    private void reply(SmtpReply r) throws IOException {
        synchronized (writeLock) {
            out.write(r.render(true)); // enhanced codes always (as Postfix does)
            if (in == null || in.buffered() == 0) {
                out.flush();
            }
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
