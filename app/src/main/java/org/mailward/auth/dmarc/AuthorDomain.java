package org.mailward.auth.dmarc;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Author Domain: the domain of the RFC5322.From mailbox (RFC 7489 3.1, 6.6.1). Never throws on bad input.
 *
 * <p>RFC 7489 6.6.1: a message with no From field, more than one From field, or a From field whose mailboxes
 * are in different domains cannot be evaluated; a From with several mailboxes in one domain is evaluated against
 * that domain. The field is read as an RFC 5322 3.4 mailbox-list: display names, quoted strings, (nested)
 * comments, angle addresses and groups are understood; obsolete routes are not.
 */
public final class AuthorDomain {

    /** The outcome: a domain, or the reason there is none. */
    public sealed interface Outcome {
        /** @param domain lower case A-label form; {@code addresses} the mailboxes found */
        record Found(String domain, List<String> addresses) implements Outcome {
            public Found {
                Objects.requireNonNull(domain);
                addresses = List.copyOf(addresses);
            }
        }

        /** @param reason what is wrong, citing the rule */
        record Problem(String reason) implements Outcome {
            public Problem {
                Objects.requireNonNull(reason);
            }
        }
    }

    private AuthorDomain() {
    }

    /**
     * @param fromFields the values of every From header field of the message, in order (unfolded or not), without
     *                   the "From:" name
     */
    public static Outcome of(List<String> fromFields) {
        if (fromFields.isEmpty()) {
            return new Outcome.Problem("no From header field (RFC 5322 3.6 requires one; RFC 7489 6.6.1)");
        }
        if (fromFields.size() > 1) {
            return new Outcome.Problem(fromFields.size() + " From header fields (RFC 5322 3.6 allows one; RFC 7489 6.6.1)");
        }
        String field = fromFields.get(0);
        if (field.length() > 16_384) {
            return new Outcome.Problem("From header field too long to evaluate");
        }
        List<String> mailboxes = new ArrayList<>();
        Optional<String> splitError = split(field, mailboxes);
        if (splitError.isPresent()) {
            return new Outcome.Problem("From header field is malformed: " + splitError.get() + " (RFC 5322 3.4; RFC 7489 6.6.1)");
        }
        if (mailboxes.isEmpty()) {
            return new Outcome.Problem("From header field has no mailbox (RFC 5322 3.6.2; RFC 7489 6.6.1)");
        }
        Set<String> domains = new LinkedHashSet<>();
        List<String> addresses = new ArrayList<>();
        for (String mailbox : mailboxes) {
            String addr = addrSpec(mailbox);
            int at = lastAtOutsideQuotes(addr);
            if (at <= 0 || at == addr.length() - 1) {
                return new Outcome.Problem("From mailbox '" + printable(addr) + "' has no local-part@domain (RFC 5322 3.4.1; RFC 7489 6.6.1)");
            }
            String rawDomain = addr.substring(at + 1).strip();
            Optional<String> domain = domain(rawDomain);
            if (domain.isEmpty()) {
                return new Outcome.Problem("From domain '" + printable(rawDomain) + "' is not a valid domain name (RFC 7489 6.6.1)");
            }
            domains.add(domain.get());
            addresses.add(addr.substring(0, at).strip() + "@" + domain.get());
        }
        if (domains.size() > 1) {
            return new Outcome.Problem("From header field has mailboxes in " + domains.size() + " different domains " + domains
                    + " (RFC 7489 6.6.1)");
        }
        return new Outcome.Found(domains.iterator().next(), addresses);
    }

    /** Splits a mailbox-list at top-level commas, dropping comments and group syntax. */
    private static Optional<String> split(String field, List<String> out) {
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        boolean angle = false;
        boolean inGroup = false;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (quoted) {
                cur.append(c);
                if (c == '\\' && i + 1 < field.length()) {
                    cur.append(field.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (depth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
                continue;
            }
            switch (c) {
                case '(' -> depth = 1;
                case '"' -> {
                    quoted = true;
                    cur.append(c);
                }
                case '<' -> {
                    if (angle) {
                        return Optional.of("nested '<'");
                    }
                    angle = true;
                    cur.append(c);
                }
                case '>' -> {
                    if (!angle) {
                        return Optional.of("'>' without '<'");
                    }
                    angle = false;
                    cur.append(c);
                }
                case ',' -> {
                    if (angle) {
                        return Optional.of("',' inside an angle address");
                    }
                    flush(cur, out);
                }
                case ':' -> {
                    if (angle) {
                        cur.append(c);
                    } else {
                        // group: display-name ":" [group-list] ";" (RFC 5322 3.4); the display name is dropped
                        if (inGroup) {
                            return Optional.of("nested group");
                        }
                        inGroup = true;
                        cur.setLength(0);
                    }
                }
                case ';' -> {
                    if (angle || !inGroup) {
                        return Optional.of("unexpected ';'");
                    }
                    inGroup = false;
                    flush(cur, out);
                }
                default -> cur.append(c);
            }
        }
        if (quoted) {
            return Optional.of("unterminated quoted-string");
        }
        if (depth > 0) {
            return Optional.of("unterminated comment");
        }
        if (angle) {
            return Optional.of("unterminated angle address");
        }
        flush(cur, out);
        return Optional.empty();
    }

    private static void flush(StringBuilder cur, List<String> out) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /** The addr-spec of a mailbox: the inside of angle brackets when present, else the whole text. */
    private static String addrSpec(String mailbox) {
        int lt = -1;
        boolean quoted = false;
        for (int i = 0; i < mailbox.length(); i++) {
            char c = mailbox.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '<' && !quoted) {
                lt = i;
                break;
            }
        }
        if (lt >= 0) {
            int gt = mailbox.indexOf('>', lt);
            return (gt < 0 ? mailbox.substring(lt + 1) : mailbox.substring(lt + 1, gt)).strip();
        }
        return mailbox.strip();
    }

    private static int lastAtOutsideQuotes(String addr) {
        int at = -1;
        boolean quoted = false;
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '@' && !quoted) {
                at = i;
            }
        }
        return at;
    }

    /** A host name in lower-case A-label form, or empty (domain literals and malformed names are refused). */
    static Optional<String> domain(String raw) {
        String d = raw;
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || d.length() > 253 || d.startsWith("[")) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return Optional.empty();
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(ascii);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
