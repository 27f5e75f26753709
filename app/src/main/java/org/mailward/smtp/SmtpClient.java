package org.mailward.smtp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.mailward.smtp.tls.TlsProfile;

/**
 * A minimal SMTP client for delivery (RFC 5321): EHLO (HELO fallback), STARTTLS with a given context and profile,
 * MAIL/RCPT/DATA with optional pipelining (RFC 2920), and several messages per connection (RSET between them).
 * Timeouts follow RFC 5321 4.5.3.2 unless given shorter. Not thread-safe: one delivery thread per connection.
 */
public final class SmtpClient implements AutoCloseable {

    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3}) ");

    private Socket socket;
    private SmtpInput in;
    private OutputStream out;
    private final String ehloName;
    private final Duration timeout;
    private final Set<String> extensions = new LinkedHashSet<>();
    private Optional<SessionInfo.TlsInfo> tls = Optional.empty();
    private boolean esmtp;

    private SmtpClient(Socket socket, String ehloName, Duration timeout) throws IOException {
        this.socket = socket;
        this.ehloName = ehloName;
        this.timeout = timeout;
        socket.setSoTimeout((int) timeout.toMillis());
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.in = new SmtpInput(socket.getInputStream(), out);
    }

    /** The outcome of one message: the reply to MAIL, each RCPT (in order) and DATA (absent when not reached). */
    public record SendResult(SmtpReply mail, List<SmtpReply> rcpt, Optional<SmtpReply> data) {
        public SendResult {
            rcpt = List.copyOf(rcpt);
        }

        public boolean accepted() {
            return data.isPresent() && data.get().positive();
        }
    }

    /** Connects and reads the greeting; throws IOException when the greeting is not 220. */
    public static SmtpClient connect(InetSocketAddress address, String ehloName, Duration connectTimeout, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, (int) connectTimeout.toMillis());
            SmtpClient c = new SmtpClient(s, ehloName, timeout);
            SmtpReply greeting = c.readReply();
            if (greeting.code() != 220) {
                c.close();
                throw new SmtpException(greeting);
            }
            return c;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A reply that ended the conversation. */
    public static final class SmtpException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient SmtpReply reply;

        public SmtpException(SmtpReply reply) {
            super("SMTP " + reply);
            this.reply = reply;
        }

        public SmtpReply reply() {
            return reply;
        }
    }

    /** EHLO, falling back to HELO on a 5xx (RFC 5321 3.2). Returns the reply. */
    public SmtpReply ehlo() throws IOException {
        SmtpReply r = command("EHLO " + ehloName);
        extensions.clear();
        if (r.positive()) {
            esmtp = true;
            for (int i = 1; i < r.lines().size(); i++) {
                extensions.add(r.lines().get(i).toUpperCase(Locale.ROOT));
            }
            return r;
        }
        esmtp = false;
        r = command("HELO " + ehloName);
        return r;
    }

    public boolean supports(String keyword) {
        String k = keyword.toUpperCase(Locale.ROOT);
        return extensions.stream().anyMatch(e -> e.equals(k) || e.startsWith(k + " "));
    }

    public Set<String> extensions() {
        return Set.copyOf(extensions);
    }

    public Optional<SessionInfo.TlsInfo> tls() {
        return tls;
    }

    /**
     * STARTTLS (RFC 3207) then EHLO again. {@code expectedHost} is used for SNI and, when {@code verifyHostname},
     * for endpoint identification (the context's trust managers decide on the chain). Throws on failure; the
     * caller decides whether clear text is allowed by its policy.
     */
    public void startTls(SSLContext context, TlsProfile profile, String expectedHost, boolean verifyHostname) throws IOException {
        SmtpReply r = command("STARTTLS");
        if (r.code() != 220) {
            throw new SmtpException(r);
        }
        if (in.buffered() > 0) {
            throw new IOException("server sent data after its STARTTLS reply (injection attempt)");
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, expectedHost, socket.getPort(), true);
        ssl.setUseClientMode(true);
        profile.apply(ssl);
        SSLParameters p = ssl.getSSLParameters();
        if (verifyHostname) {
            p.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 6125 host name matching
        }
        try {
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName(expectedHost)));
        } catch (IllegalArgumentException e) {
            // an address literal: no SNI
        }
        ssl.setSSLParameters(p);
        ssl.setSoTimeout((int) timeout.toMillis());
        ssl.startHandshake();
        socket = ssl;
        out = new BufferedOutputStream(ssl.getOutputStream());
        in = new SmtpInput(ssl.getInputStream(), out);
        tls = Optional.of(new SessionInfo.TlsInfo(ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite()));
        SmtpReply e = ehlo();
        if (!e.positive()) {
            throw new SmtpException(e);
        }
    }

    /** Sends one message. MAIL parameters: SIZE when supported, SMTPUTF8 when needed, BODY=8BITMIME when 8-bit. */
    public SendResult send(Optional<Mailbox> from, List<Mailbox> to, byte[] message) throws IOException {
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(from.map(Mailbox::address).orElse("")).append('>');
        boolean utf8 = from.map(Mailbox::utf8).orElse(false) || to.stream().anyMatch(Mailbox::utf8);
        if (esmtp && supports("SIZE")) {
            mail.append(" SIZE=").append(message.length);
        }
        if (esmtp && supports("8BITMIME") && has8bit(message)) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            if (!supports("SMTPUTF8")) {
                return new SendResult(SmtpReply.of(553, "5.6.7", "server does not support SMTPUTF8"), List.of(), Optional.empty());
            }
            mail.append(" SMTPUTF8");
        }
        boolean pipelining = esmtp && supports("PIPELINING");
        List<SmtpReply> rcpt = new ArrayList<>();
        SmtpReply mailReply;
        if (pipelining) {
            write(mail.toString());
            for (Mailbox m : to) {
                write("RCPT TO:<" + m.address() + ">");
            }
            write("DATA");
            out.flush();
            mailReply = readReply();
            for (int i = 0; i < to.size(); i++) {
                rcpt.add(readReply());
            }
            SmtpReply dataReply = readReply();
            if (!mailReply.positive() || rcpt.stream().noneMatch(SmtpReply::positive)) {
                if (dataReply.code() == 354) {
                    // RFC 2920 3.1: the server accepted DATA although nothing is deliverable: send an empty message? No:
                    // end the data immediately and let RSET clean up.
                    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    readReply();
                }
                command("RSET");
                return new SendResult(mailReply, rcpt, Optional.empty());
            }
            if (dataReply.code() != 354) {
                command("RSET");
                return new SendResult(mailReply, rcpt, Optional.of(dataReply));
            }
        } else {
            mailReply = command(mail.toString());
            if (!mailReply.positive()) {
                command("RSET");
                return new SendResult(mailReply, rcpt, Optional.empty());
            }
            for (Mailbox m : to) {
                rcpt.add(command("RCPT TO:<" + m.address() + ">"));
            }
            if (rcpt.stream().noneMatch(SmtpReply::positive)) {
                command("RSET");
                return new SendResult(mailReply, rcpt, Optional.empty());
            }
            SmtpReply dataReply = command("DATA");
            if (dataReply.code() != 354) {
                command("RSET");
                return new SendResult(mailReply, rcpt, Optional.of(dataReply));
            }
        }
        out.write(dotStuff(message));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new SendResult(mailReply, rcpt, Optional.of(readReply()));
    }

    /** RFC 5321 4.5.2: a line starting with "." gets another one; the content is made to end in CRLF. */
    static byte[] dotStuff(byte[] message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (byte c : message) {
            if (lineStart && c == '.') {
                b.write('.');
            }
            b.write(c);
            lineStart = c == '\n';
        }
        if (message.length > 0 && !lineStart) {
            b.write('\r');
            b.write('\n');
        }
        return b.toByteArray();
    }

    private static boolean has8bit(byte[] m) {
        for (byte b : m) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    public SmtpReply rset() throws IOException {
        return command("RSET");
    }

    public SmtpReply noop() throws IOException {
        return command("NOOP");
    }

    /** Sends a command line and reads its reply. */
    public SmtpReply command(String line) throws IOException {
        write(line);
        out.flush();
        return readReply();
    }

    private void write(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one (possibly multi-line) reply. */
    public SmtpReply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        String enhanced = "";
        while (true) {
            SmtpInput.Line l = in.readLine(4096);
            if (l.eof()) {
                throw new IOException("connection closed by server");
            }
            String s = new String(l.bytes(), StandardCharsets.UTF_8);
            if (s.length() < 3 || !s.substring(0, 3).chars().allMatch(Character::isDigit)
                    || (s.length() > 3 && s.charAt(3) != ' ' && s.charAt(3) != '-')) {
                throw new IOException("malformed reply line: " + s);
            }
            int c = Integer.parseInt(s.substring(0, 3));
            if (code >= 0 && c != code) {
                throw new IOException("reply code changed within a multi-line reply");
            }
            code = c;
            String text = s.length() > 4 ? s.substring(4) : "";
            Matcher m = ENHANCED.matcher(text);
            if (m.find() && m.group(1).charAt(0) - '0' == code / 100) {
                enhanced = m.group(1);
                text = text.substring(m.end());
            }
            lines.add(text);
            if (s.length() == 3 || s.charAt(3) == ' ') {
                break;
            }
        }
        if (code < 200 || code > 599) {
            throw new IOException("reply code out of range: " + code);
        }
        return new SmtpReply(code, enhanced, lines);
    }

    /** QUIT and close. */
    public void quit() {
        try {
            command("QUIT");
        } catch (IOException e) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing
        }
    }
}
