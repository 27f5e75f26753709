package org.mailward.auth.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An Authentication-Results header field (RFC 8601): the authserv-id of the host that did the checks, an optional
 * version, and one {@link ResultInfo} per check. An empty list renders as {@code ; none} (RFC 8601 2.2 no-result).
 *
 * <p>Rendering ({@link #headerField()}) quotes every value that is not an RFC 2045 token (or, for property
 * values, a {@code local-part@domain}), escapes comments, and folds the field so that each resinfo starts a new
 * line and no line exceeds 78 characters unless one element alone is longer (RFC 5322 2.1.1, 2.2.3).
 *
 * @param authservId the authserv-id (RFC 8601 2.5), e.g. the gateway's host name
 * @param version    the authres-version when written (absent means version 1)
 * @param results    the resinfos in order
 */
public record AuthenticationResults(String authservId, Optional<Integer> version, List<ResultInfo> results) {

    /** The header field name. */
    public static final String FIELD_NAME = "Authentication-Results";

    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
    private static final Pattern DOT_ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");
    private static final int LINE = 78;

    public AuthenticationResults {
        Objects.requireNonNull(authservId);
        Objects.requireNonNull(version);
        results = List.copyOf(results);
    }

    public AuthenticationResults(String authservId, List<ResultInfo> results) {
        this(authservId, Optional.empty(), results);
    }

    /** Parses a field value (the text after "Authentication-Results:"); see {@link AuthenticationResultsParser}. */
    public static AuthenticationResultsParse parse(String fieldValue) {
        return AuthenticationResultsParser.parse(fieldValue);
    }

    /**
     * True when an incoming Authentication-Results field value claims {@code authservId} (case-insensitive), so a
     * border MTA must delete it before adding its own (RFC 8601 5). Works on malformed fields too: only the leading
     * authserv-id is read. A field whose authserv-id cannot be read at all does not claim anything.
     */
    public static boolean claims(String fieldValue, String authservId) {
        return AuthenticationResultsParser.leadingAuthservId(fieldValue)
                .map(id -> id.equalsIgnoreCase(authservId.strip()))
                .orElse(false);
    }

    /** The first resinfo of a method (case-insensitive). */
    public Optional<ResultInfo> first(String method) {
        return results.stream().filter(r -> r.method().equalsIgnoreCase(method)).findFirst();
    }

    /** The field value on one line, e.g. {@code mx.example.org; spf=pass smtp.mailfrom=example.com}. */
    public String value() {
        StringBuilder sb = new StringBuilder();
        for (List<String> line : elements()) {
            for (String e : line) {
                if (!sb.isEmpty() && !e.startsWith(";")) {
                    sb.append(' ');
                }
                sb.append(e);
            }
        }
        return sb.toString();
    }

    /** The whole header field, folded with CRLF + TAB, without a final CRLF. */
    public String headerField() {
        return headerField("\r\n");
    }

    /** The whole header field, folded with {@code newline} + TAB, without a final line break. */
    public String headerField(String newline) {
        StringBuilder out = new StringBuilder(FIELD_NAME).append(':');
        int col = out.length();
        List<List<String>> groups = elements();
        for (int g = 0; g < groups.size(); g++) {
            List<String> group = groups.get(g);
            for (int i = 0; i < group.size(); i++) {
                String e = group.get(i);
                if (e.equals(";")) {
                    out.append(';');
                    col++;
                } else if (g > 0 && i == 0 || col + 1 + e.length() > LINE && col > 8) {
                    // each resinfo on its own line; fold long ones between elements (RFC 5322 2.2.3)
                    out.append(newline).append('\t').append(e);
                    col = 8 + e.length();
                } else {
                    out.append(' ').append(e);
                    col += 1 + e.length();
                }
            }
        }
        return out.toString();
    }

    /**
     * Elements grouped by line: the first group is the authserv-id (and version), each following group one resinfo
     * (or "none"); each group but the last is followed by ";" inside the group.
     */
    private List<List<String>> elements() {
        List<List<String>> groups = new ArrayList<>();
        List<String> head = new ArrayList<>();
        head.add(quoteIfNeeded(authservId));
        version.ifPresent(v -> head.add(Integer.toString(v)));
        head.add(";");
        groups.add(head);
        if (results.isEmpty()) {
            groups.add(new ArrayList<>(List.of("none")));
            return groups;
        }
        for (int i = 0; i < results.size(); i++) {
            ResultInfo r = results.get(i);
            List<String> g = new ArrayList<>();
            g.add(keyword(r.method()) + "=" + keyword(r.result()));
            r.comment().ifPresent(c -> g.add(comment(c)));
            r.reason().ifPresent(reason -> g.add("reason=" + quoteIfNeeded(reason)));
            for (Property p : r.properties()) {
                g.add(keyword(p.ptype()) + "." + keyword(p.property()) + "=" + pvalue(p.value()));
            }
            if (i < results.size() - 1) {
                g.add(";");
            }
            groups.add(g);
        }
        return groups;
    }

    private static String keyword(String k) {
        if (KEYWORD.matcher(k).matches()) {
            return k;
        }
        // Keywords come from code or from our parser, which accepts only keywords; never emit a broken field.
        String cleaned = k.replaceAll("[^A-Za-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return cleaned.isEmpty() ? "x" : cleaned;
    }

    /** RFC 8601 2.2 pvalue: a token or [local-part] "@" domain as is; anything else quoted. */
    static String pvalue(String v) {
        if (isToken(v)) {
            return v;
        }
        int at = v.lastIndexOf('@');
        if (at >= 0) {
            String local = v.substring(0, at);
            String domain = v.substring(at + 1);
            if ((local.isEmpty() || DOT_ATOM.matcher(local).matches()) && DOMAIN.matcher(domain).matches()) {
                return v;
            }
        }
        return quote(v);
    }

    static String quoteIfNeeded(String v) {
        return isToken(v) ? v : quote(v);
    }

    /** RFC 2045 token: printable US-ASCII except SPACE and tspecials. */
    static boolean isToken(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    static String quote(String v) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    static String comment(String text) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append(')').toString();
    }
}
