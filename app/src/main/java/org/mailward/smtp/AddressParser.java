package org.mailward.smtp;

import java.net.IDN;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses SMTP paths and their parts (RFC 5321 4.1.2, 4.1.3, with the RFC 6531 3.3 extensions when SMTPUTF8 is in
 * effect). Strict: a trailing dot, an empty label, a label starting or ending with a hyphen, an over-long part or a
 * character outside the grammar is an error with a message saying which. Never throws on bad input.
 */
public final class AddressParser {

    /** RFC 5321 4.5.3.1.1: local part at most 64 octets. */
    public static final int MAX_LOCAL_PART = 64;
    /** RFC 5321 4.5.3.1.2: domain at most 255 octets. */
    public static final int MAX_DOMAIN = 255;
    /** RFC 5321 4.5.3.1.3: path at most 256 octets including the angle brackets. */
    public static final int MAX_PATH = 256;

    private AddressParser() {
    }

    /** A parsed path and what followed it on the line (the ESMTP parameters). */
    public record PathAndRest(Optional<Mailbox> mailbox, String rest) {
    }

    /**
     * Parses a Reverse-path ({@code <>} allowed, the null sender) or a Forward-path at the start of {@code s};
     * returns the mailbox and the remaining text (parameters).
     */
    public static Parsed<PathAndRest> parsePath(String s, boolean reverse, boolean utf8) {
        if (s.isEmpty() || s.charAt(0) != '<') {
            return Parsed.error("path must be enclosed in <>");
        }
        int end = findPathEnd(s);
        if (end < 0) {
            return Parsed.error("path has no closing >");
        }
        String inner = s.substring(1, end);
        String rest = s.substring(end + 1);
        if (!rest.isEmpty() && rest.charAt(0) != ' ') {
            return Parsed.error("unexpected text after path");
        }
        if (octets(s.substring(0, end + 1)) > MAX_PATH) {
            return Parsed.error("path longer than " + MAX_PATH + " octets");
        }
        if (inner.isEmpty()) {
            if (reverse) {
                return Parsed.ok(new PathAndRest(Optional.empty(), rest.trim()));
            }
            return Parsed.error("empty forward path");
        }
        if (!reverse && inner.equalsIgnoreCase("postmaster")) {
            return Parsed.ok(new PathAndRest(Optional.of(new Mailbox("Postmaster", "", List.of(), false)), rest.trim()));
        }
        List<String> route = new ArrayList<>();
        String mbox = inner;
        if (inner.startsWith("@")) {
            // RFC 5321 4.1.2 A-d-l: accepted for compatibility, ignored (Appendix C).
            int colon = inner.indexOf(':');
            if (colon < 0) {
                return Parsed.error("source route without ':'");
            }
            for (String at : inner.substring(0, colon).split(",", -1)) {
                if (at.length() < 2 || at.charAt(0) != '@') {
                    return Parsed.error("bad source route element '" + at + "'");
                }
                Parsed<String> d = parseDomain(at.substring(1), utf8);
                if (!d.isOk()) {
                    return Parsed.error("bad source route domain: " + d.errorMessage());
                }
                route.add(d.value());
            }
            mbox = inner.substring(colon + 1);
        }
        Parsed<Mailbox> m = parseMailbox(mbox, utf8);
        if (!m.isOk()) {
            return Parsed.error(m.errorMessage());
        }
        Mailbox mb = m.value();
        return Parsed.ok(new PathAndRest(Optional.of(new Mailbox(mb.localPart(), mb.domain(), route, mb.utf8())), rest.trim()));
    }

    /** Index of the '>' that closes the path, skipping quoted strings; -1 when none. */
    private static int findPathEnd(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }

    /** Parses {@code Local-part "@" ( Domain / address-literal )}. */
    public static Parsed<Mailbox> parseMailbox(String s, boolean utf8) {
        if (s.isEmpty()) {
            return Parsed.error("empty mailbox");
        }
        String local;
        int at;
        if (s.charAt(0) == '"') {
            StringBuilder sb = new StringBuilder();
            int i = 1;
            boolean closed = false;
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= s.length()) {
                        return Parsed.error("quoted local part ends in a backslash");
                    }
                    char n = s.charAt(++i);
                    // RFC 5321 quoted-pairSMTP = %d92 %d32-126
                    if (n < 32 || n > 126) {
                        return Parsed.error("bad quoted pair in local part");
                    }
                    sb.append(n);
                } else if (c == '"') {
                    closed = true;
                    i++;
                    break;
                } else if ((c >= 32 && c <= 126) || (utf8 && c > 127)) {
                    sb.append(c);
                } else {
                    return Parsed.error(c > 127 ? "non-ASCII local part without SMTPUTF8" : "control character in quoted local part");
                }
            }
            if (!closed) {
                return Parsed.error("unterminated quoted local part");
            }
            if (i >= s.length() || s.charAt(i) != '@') {
                return Parsed.error("missing @ after local part");
            }
            local = sb.toString();
            at = i;
        } else {
            at = s.lastIndexOf('@');
            if (at < 0) {
                return Parsed.error("missing @ in mailbox");
            }
            local = s.substring(0, at);
            if (local.isEmpty()) {
                return Parsed.error("empty local part");
            }
            String bad = checkDotString(local, utf8);
            if (bad != null) {
                return Parsed.error(bad);
            }
        }
        if (octets(local) > MAX_LOCAL_PART) {
            return Parsed.error("local part longer than " + MAX_LOCAL_PART + " octets");
        }
        String dom = s.substring(at + 1);
        Parsed<String> d = dom.startsWith("[") ? parseAddressLiteral(dom) : parseDomain(dom, utf8);
        if (!d.isOk()) {
            return Parsed.error(d.errorMessage());
        }
        boolean nonAscii = !isAscii(local) || !isAscii(dom);
        return Parsed.ok(new Mailbox(local, d.value(), List.of(), nonAscii));
    }

    /** RFC 5321 Dot-string = Atom *("." Atom); returns an error message or null. */
    private static String checkDotString(String s, boolean utf8) {
        if (s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return "local part has an empty atom (leading, trailing or double dot)";
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                continue;
            }
            if (c > 127) {
                if (!utf8) {
                    return "non-ASCII local part without SMTPUTF8";
                }
                if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                    return "control or space character in local part";
                }
                continue;
            }
            if (!isAtext(c)) {
                return "character '" + printable(c) + "' not allowed in an unquoted local part";
            }
        }
        return null;
    }

    /** True when {@code s} is a Dot-string (ASCII or UTF-8 atext) and need not be quoted. */
    static boolean isDotString(String s) {
        return !s.isEmpty() && checkDotString(s, true) == null;
    }

    /** RFC 5322 atext. */
    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /**
     * RFC 5321 Domain = sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str]; with SMTPUTF8 also U-labels
     * (RFC 6531 3.3). Returns the lower-case A-label form.
     */
    public static Parsed<String> parseDomain(String d, boolean utf8) {
        if (d.isEmpty()) {
            return Parsed.error("empty domain");
        }
        if (d.endsWith(".")) {
            return Parsed.error("domain must not end with a dot");
        }
        String ascii = d;
        if (!isAscii(d)) {
            if (!utf8) {
                return Parsed.error("non-ASCII domain without SMTPUTF8");
            }
            try {
                ascii = IDN.toASCII(d, 0);
            } catch (IllegalArgumentException e) {
                return Parsed.error("bad internationalised domain: " + e.getMessage());
            }
        }
        if (octets(ascii) > MAX_DOMAIN) {
            return Parsed.error("domain longer than " + MAX_DOMAIN + " octets");
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty()) {
                return Parsed.error("domain has an empty label");
            }
            if (label.length() > 63) {
                return Parsed.error("domain label longer than 63 octets");
            }
            if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                return Parsed.error("domain label starts or ends with a hyphen");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                    return Parsed.error("character '" + printable(c) + "' not allowed in a domain");
                }
            }
        }
        return Parsed.ok(ascii.toLowerCase(Locale.ROOT));
    }

    /** RFC 5321 4.1.3 address literals: {@code [IPv4]}, {@code [IPv6:...]}, {@code [tag:content]}. */
    public static Parsed<String> parseAddressLiteral(String s) {
        if (s.length() < 3 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
            return Parsed.error("address literal must be enclosed in []");
        }
        String in = s.substring(1, s.length() - 1);
        if (in.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String a = in.substring(5);
            if (a.isEmpty() || !a.contains(":") || !a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return Parsed.error("bad IPv6 address literal");
            }
            try {
                InetAddress ia = InetAddress.getByName(a); // a literal with ':' is never looked up in DNS
                if (!(ia instanceof Inet6Address)) {
                    return Parsed.error("bad IPv6 address literal");
                }
                return Parsed.ok("[IPv6:" + ia.getHostAddress().replaceAll("%.*$", "") + "]");
            } catch (UnknownHostException | IllegalArgumentException e) {
                return Parsed.error("bad IPv6 address literal");
            }
        }
        if (!in.isEmpty() && Character.isDigit(in.charAt(0))) {
            String[] parts = in.split("\\.", -1);
            if (parts.length != 4) {
                return Parsed.error("bad IPv4 address literal");
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                    return Parsed.error("bad IPv4 address literal");
                }
            }
            return Parsed.ok("[" + in + "]");
        }
        // General-address-literal = Standardized-tag ":" 1*dcontent
        int colon = in.indexOf(':');
        if (colon <= 0 || colon == in.length() - 1) {
            return Parsed.error("bad address literal");
        }
        for (int i = 0; i < in.length(); i++) {
            char c = in.charAt(i);
            if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\') {
                return Parsed.error("bad address literal");
            }
        }
        return Parsed.ok("[" + in + "]");
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static String printable(char c) {
        return c < 32 || c == 127 ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }
}
