package org.mailward.auth.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Field value → {@link AuthenticationResults} (RFC 8601 2.2 ABNF). Never throws on bad input.
 *
 * <p>Understood: CFWS anywhere the ABNF allows it (folding white space, nested comments with quoted-pairs),
 * quoted-string values, an authres-version, "none", several resinfos, method versions ({@code dkim/1}, the version
 * is dropped), reasonspec, propspecs with {@code local-part@domain} values. Unknown methods, results and ptypes
 * are kept as written. Leniency, deliberately: a property value is read up to white space, ";" or "(" so base64
 * {@code header.b} values that senders leave unquoted (they contain "/" and "=") are accepted.
 */
public final class AuthenticationResultsParser {

    /** Fields longer than this are refused (bounded work on hostile input). */
    public static final int MAX_LENGTH = 64 * 1024;

    private final String s;
    private int pos;
    private final List<String> comments = new ArrayList<>();

    private AuthenticationResultsParser(String s) {
        this.s = s;
    }

    private static final class Malformed extends Exception {
        final int at;

        Malformed(String message, int at) {
            super(message, null, false, false);
            this.at = at;
        }
    }

    public static AuthenticationResultsParse parse(String fieldValue) {
        if (fieldValue == null) {
            return new AuthenticationResultsParse.Malformed("no value", 0);
        }
        if (fieldValue.length() > MAX_LENGTH) {
            return new AuthenticationResultsParse.Malformed("field longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
        }
        AuthenticationResultsParser p = new AuthenticationResultsParser(fieldValue);
        try {
            return new AuthenticationResultsParse.Parsed(p.payload());
        } catch (Malformed m) {
            return new AuthenticationResultsParse.Malformed(m.getMessage(), m.at);
        }
    }

    /** RFC 8617 4.1.1 AAR: the instance tag, then an authres-payload. */
    static ArcAuthenticationResults.Parse parseAar(String fieldValue) {
        if (fieldValue == null) {
            return new ArcAuthenticationResults.Parse.Malformed("no value", 0);
        }
        if (fieldValue.length() > MAX_LENGTH) {
            return new ArcAuthenticationResults.Parse.Malformed("field longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
        }
        AuthenticationResultsParser p = new AuthenticationResultsParser(fieldValue);
        try {
            p.cfws();
            String tag = p.keyword("instance tag i=");
            if (!tag.equals("i")) {
                throw new Malformed("expected the instance tag i= (RFC 8617 4.1.1), found '" + tag + "'", 0);
            }
            p.cfws();
            p.expect('=', "'=' after i");
            p.cfws();
            int start = p.pos;
            while (p.pos < p.s.length() && isDigit(p.s.charAt(p.pos))) {
                p.pos++;
            }
            if (p.pos == start || p.pos - start > 2) {
                throw new Malformed("instance must be 1 to 50 (RFC 8617 4.2.1)", start);
            }
            int instance = Integer.parseInt(p.s.substring(start, p.pos));
            if (instance < 1 || instance > 50) {
                throw new Malformed("instance " + instance + " is outside 1 to 50 (RFC 8617 4.2.1)", start);
            }
            p.cfws();
            p.expect(';', "';' after the instance");
            return new ArcAuthenticationResults.Parse.Parsed(new ArcAuthenticationResults(instance, p.payload()));
        } catch (Malformed m) {
            return new ArcAuthenticationResults.Parse.Malformed(m.getMessage(), m.at);
        }
    }

    /** Reads only the authserv-id at the start (RFC 8601 5 removal check); empty when there is none. */
    static Optional<String> leadingAuthservId(String fieldValue) {
        if (fieldValue == null || fieldValue.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        AuthenticationResultsParser p = new AuthenticationResultsParser(fieldValue);
        try {
            p.cfws();
            return Optional.of(p.value("authserv-id"));
        } catch (Malformed m) {
            return Optional.empty();
        }
    }

    // authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS] CRLF
    private AuthenticationResults payload() throws Malformed {
        cfws();
        String id = value("authserv-id");
        cfws();
        Optional<Integer> version = Optional.empty();
        if (pos < s.length() && isDigit(s.charAt(pos))) {
            int start = pos;
            while (pos < s.length() && isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos - start > 9) {
                throw new Malformed("authres-version too long", start);
            }
            version = Optional.of(Integer.parseInt(s.substring(start, pos)));
            cfws();
        }
        List<ResultInfo> results = new ArrayList<>();
        boolean none = false;
        while (true) {
            cfws();
            if (pos >= s.length()) {
                break;
            }
            if (s.charAt(pos) != ';') {
                throw new Malformed("expected ';' before a result, found '" + s.charAt(pos) + "'", pos);
            }
            pos++;
            cfws();
            if (pos >= s.length()) {
                break; // a trailing ";" is tolerated
            }
            int start = pos;
            String method = keyword("method");
            if (method.equalsIgnoreCase("none") && !peekAfterCfws('=') && !peekAfterCfws('/')) {
                if (!results.isEmpty()) {
                    throw new Malformed("'none' after results", start);
                }
                none = true;
                continue;
            }
            if (none) {
                throw new Malformed("result after 'none'", start);
            }
            results.add(resinfo(method));
        }
        if (results.isEmpty() && !none) {
            throw new Malformed("no result and no 'none' (RFC 8601 2.2)", pos);
        }
        return new AuthenticationResults(id, version, results);
    }

    // resinfo = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
    private ResultInfo resinfo(String method) throws Malformed {
        comments.clear();
        cfws();
        if (pos < s.length() && s.charAt(pos) == '/') {
            pos++;
            cfws();
            int start = pos;
            while (pos < s.length() && isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw new Malformed("method version expected after '/'", pos);
            }
            cfws();
        }
        expect('=', "'=' after method " + method);
        cfws();
        String result = keyword("result");
        Optional<String> reason = Optional.empty();
        List<Property> props = new ArrayList<>();
        while (true) {
            cfws();
            if (pos >= s.length() || s.charAt(pos) == ';') {
                break;
            }
            int start = pos;
            String word = keyword("reason or property");
            cfws();
            if (pos < s.length() && s.charAt(pos) == '=' && word.equalsIgnoreCase("reason")) {
                if (reason.isPresent() || !props.isEmpty()) {
                    throw new Malformed("reason must come once, before properties", start);
                }
                pos++;
                cfws();
                reason = Optional.of(value("reason"));
                continue;
            }
            expect('.', "'.' after ptype " + word);
            cfws();
            String property = keyword("property");
            cfws();
            expect('=', "'=' after " + word + "." + property);
            cfws();
            props.add(new Property(word.toLowerCase(Locale.ROOT), property.toLowerCase(Locale.ROOT), pvalue()));
        }
        Optional<String> comment = comments.isEmpty() ? Optional.empty() : Optional.of(comments.get(0));
        return new ResultInfo(method.toLowerCase(Locale.ROOT), result.toLowerCase(Locale.ROOT), reason, props, comment);
    }

    private boolean peekAfterCfws(char c) throws Malformed {
        int save = pos;
        int saveComments = comments.size();
        cfws();
        boolean is = pos < s.length() && s.charAt(pos) == c;
        pos = save;
        while (comments.size() > saveComments) {
            comments.remove(comments.size() - 1);
        }
        return is;
    }

    private void expect(char c, String what) throws Malformed {
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw new Malformed("expected " + what + (pos >= s.length() ? ", found end" : ", found '" + s.charAt(pos) + "'"), pos);
        }
        pos++;
    }

    /** RFC 5321 Keyword = Let-dig [Ldh-str]; also accepts "_" seen in the wild in ptypes. */
    private String keyword(String what) throws Malformed {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                pos++;
            } else {
                break;
            }
        }
        if (pos == start) {
            throw new Malformed(what + " expected", start);
        }
        return s.substring(start, pos);
    }

    /** value = token / quoted-string (RFC 2045 5.1). */
    private String value(String what) throws Malformed {
        if (pos < s.length() && s.charAt(pos) == '"') {
            return quotedString();
        }
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c <= 32 || c == 127 || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw new Malformed(what + " expected", start);
        }
        return s.substring(start, pos);
    }

    /** pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS], read leniently (see class doc). */
    private String pvalue() throws Malformed {
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        if (pos < s.length() && s.charAt(pos) == '"') {
            sb.append(quotedString());
            quoted = true;
        }
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"') {
                break;
            }
            pos++;
        }
        sb.append(s, start, pos);
        if (sb.isEmpty() && !quoted) {
            // An empty value must be written as "" (e.g. smtp.mailfrom="" is unusual but well-formed).
            throw new Malformed("property value expected", pos);
        }
        return sb.toString();
    }

    private String quotedString() throws Malformed {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    break;
                }
                sb.append(s.charAt(pos++));
            } else if (c == '\r' || c == '\n') {
                // folding inside a quoted-string is unfolded (RFC 5322 3.2.4)
                continue;
            } else {
                sb.append(c);
            }
        }
        throw new Malformed("unterminated quoted-string", start);
    }

    /** CFWS: white space, line folds and (nested) comments; comment texts are collected. */
    private void cfws() throws Malformed {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                pos++;
            } else if (c == '(') {
                comments.add(comment());
            } else {
                return;
            }
        }
    }

    private String comment() throws Malformed {
        int start = pos;
        int depth = 0;
        StringBuilder sb = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '\\') {
                if (pos >= s.length()) {
                    break;
                }
                sb.append(s.charAt(pos++));
                continue;
            }
            if (c == '(') {
                depth++;
                if (depth == 1) {
                    continue;
                }
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return sb.toString().strip();
                }
            }
            if (depth > 64) {
                throw new Malformed("comments nested too deeply", start);
            }
            sb.append(c);
        }
        throw new Malformed("unterminated comment", start);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
