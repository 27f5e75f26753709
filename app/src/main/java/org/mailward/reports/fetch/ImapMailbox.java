package org.mailward.reports.fetch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.mailward.reports.ParseOutcome;

/**
 * Where the report mails are: {@code imaps://USER@HOST[:PORT][/FOLDER]} (implicit TLS, default port 993) or
 * {@code imap://USER@HOST[:PORT][/FOLDER]} (port 143; the caller must then require STARTTLS). The shape follows the
 * IMAP URL of RFC 5092 section 3 without its search and section parts: user and folder are percent-encoded
 * (RFC 3986 2.1; an {@code @} in a user name is {@code %40}), an {@code ;AUTH=...} suffix on the user is refused
 * (only LOGIN/PLAIN with a password is supported), the folder defaults to {@code INBOX}. A host is a DNS name, an
 * IPv4 address or a bracketed IPv6 literal.
 */
public record ImapMailbox(boolean implicitTls, String user, String host, int port, String folder) {

    public static final int IMAPS_PORT = 993;
    public static final int IMAP_PORT = 143;

    /** The URL form of this mailbox, without a password (for logs and the origin of stored reports). */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (implicitTls ? "imaps" : "imap") + "://" + encode(user) + "@" + h + ":" + port + "/" + encode(folder);
    }

    /** Parses the URL; every malformed input is rejected with the reason. */
    public static ParseOutcome<ImapMailbox> parse(String text) {
        if (text == null || text.isEmpty()) {
            return ParseOutcome.rejected("empty IMAP URL (expected imaps://USER@HOST:PORT/FOLDER)");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return ParseOutcome.rejected("IMAP URL contains a space, control or non-ASCII character at position " + (i + 1)
                        + " (percent-encode it)");
            }
        }
        int colon = text.indexOf("://");
        if (colon < 0) {
            return ParseOutcome.rejected("not an IMAP URL: '" + text + "' (expected imaps://USER@HOST:PORT/FOLDER)");
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        boolean tls;
        switch (scheme) {
            case "imaps" -> tls = true;
            case "imap" -> tls = false;
            default -> {
                return ParseOutcome.rejected("unsupported scheme '" + scheme + "' (imaps or imap)");
            }
        }
        String rest = text.substring(colon + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        if (authority.contains("?") || path.contains("?") || authority.contains("#") || path.contains("#")) {
            return ParseOutcome.rejected("IMAP URL must not have a query or fragment (RFC 5092 searches are not supported)");
        }
        int at = authority.lastIndexOf('@');
        if (at <= 0) {
            return ParseOutcome.rejected("IMAP URL needs a user name: imaps://USER@HOST (percent-encode an @ in it as %40)");
        }
        String rawUser = authority.substring(0, at);
        if (rawUser.indexOf('@') >= 0) {
            return ParseOutcome.rejected("user name contains '@': percent-encode it as %40");
        }
        if (rawUser.indexOf(':') >= 0) {
            return ParseOutcome.rejected("no password in the URL: give it with --password-file or MAILWARD_IMAP_PASSWORD");
        }
        if (rawUser.toUpperCase(Locale.ROOT).contains(";AUTH=")) {
            return ParseOutcome.rejected("';AUTH=' mechanisms are not supported (LOGIN/PLAIN with a password only)");
        }
        String user;
        try {
            user = decode(rawUser);
        } catch (IllegalArgumentException e) {
            return ParseOutcome.rejected("user name: " + e.getMessage());
        }
        if (user.isEmpty()) {
            return ParseOutcome.rejected("empty user name");
        }
        String hostPort = authority.substring(at + 1);
        String host;
        String portText = "";
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return ParseOutcome.rejected("unterminated IPv6 literal in '" + hostPort + "'");
            }
            host = hostPort.substring(1, close);
            if (!host.matches("[0-9A-Fa-f:.]+") || !host.contains(":")) {
                return ParseOutcome.rejected("not an IPv6 address: '" + host + "'");
            }
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    return ParseOutcome.rejected("unexpected '" + after + "' after the IPv6 literal");
                }
                portText = after.substring(1);
                if (portText.isEmpty()) {
                    return ParseOutcome.rejected("empty port after ':'");
                }
            }
        } else {
            int c = hostPort.lastIndexOf(':');
            host = c < 0 ? hostPort : hostPort.substring(0, c);
            if (c >= 0) {
                portText = hostPort.substring(c + 1);
                if (portText.isEmpty()) {
                    return ParseOutcome.rejected("empty port after ':'");
                }
            }
            if (host.isEmpty()) {
                return ParseOutcome.rejected("empty host name");
            }
            String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            if (h.length() > 253 || !h.matches("[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*")) {
                return ParseOutcome.rejected("not a host name: '" + host + "'");
            }
            host = h.toLowerCase(Locale.ROOT);
        }
        int port = tls ? IMAPS_PORT : IMAP_PORT;
        if (!portText.isEmpty()) {
            if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                return ParseOutcome.rejected("port must be 1-65535, not '" + portText + "'");
            }
            port = Integer.parseInt(portText);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.contains(";")) {
            return ParseOutcome.rejected("IMAP URL parameters (;UIDVALIDITY=, ;UID=) are not supported: give the folder only");
        }
        String folder;
        try {
            folder = path.isEmpty() ? "INBOX" : decode(path);
        } catch (IllegalArgumentException e) {
            return ParseOutcome.rejected("folder: " + e.getMessage());
        }
        if (folder.isEmpty() || folder.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            return ParseOutcome.rejected("folder name is empty or has control characters");
        }
        if (folder.startsWith("/") || folder.endsWith("/") || folder.contains("//")) {
            return ParseOutcome.rejected("folder '" + folder + "' has an empty hierarchy level (a leading, trailing or double '/')");
        }
        return ParseOutcome.ok(new ImapMailbox(tls, user, host, port, folder));
    }

    /** RFC 3986 2.1 percent-decoding to UTF-8; a bad escape or invalid UTF-8 is an error. */
    static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("bad percent escape at position " + (i + 1) + " in '" + s + "'");
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("percent escapes are not valid UTF-8 in '" + s + "'");
        }
    }

    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
