package org.mailward.smtp;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A mailbox of an SMTP path (RFC 5321 4.1.2): a local part and a domain. The local part is kept exactly as
 * received but unquoted (quoted pairs resolved); the domain is either a host name, kept in its ASCII (A-label)
 * form in lower case, or an address literal such as {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}.
 *
 * <p>{@code <Postmaster>} without a domain (RFC 5321 4.1.1.3) is represented with an empty domain.
 *
 * @param localPart   the local part, unquoted
 * @param domain      lower-case A-label domain, or an address literal with its brackets; empty only for Postmaster
 * @param sourceRoute the A-d-l of a source route ({@code @a,@b:}) that was given and is ignored (RFC 5321 4.1.2,
 *                    C), lower-case host names in order; empty for ordinary paths
 * @param utf8        true when the local part or the original domain held non-ASCII (needs SMTPUTF8, RFC 6531)
 */
public record Mailbox(String localPart, String domain, List<String> sourceRoute, boolean utf8) {

    public Mailbox {
        Objects.requireNonNull(localPart);
        Objects.requireNonNull(domain);
        sourceRoute = List.copyOf(sourceRoute);
    }

    public static Mailbox of(String localPart, String domain) {
        return new Mailbox(localPart, domain.toLowerCase(Locale.ROOT), List.of(), false);
    }

    public boolean isPostmasterOnly() {
        return domain.isEmpty();
    }

    public boolean isAddressLiteral() {
        return domain.startsWith("[");
    }

    /** True when the local part must be quoted to be sent (it is not a Dot-string). */
    public boolean needsQuoting() {
        return !AddressParser.isDotString(localPart);
    }

    /** The mailbox as it is written in a path: local part quoted if needed, {@code @}, domain. */
    public String address() {
        String lp = needsQuoting() ? quote(localPart) : localPart;
        return domain.isEmpty() ? lp : lp + "@" + domain;
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    @Override
    public String toString() {
        return address();
    }
}
