package org.mailward.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses one command line (without its CRLF) into an {@link SmtpCommand}. Errors are replies ready to send
 * (500/501/502/504 with enhanced codes, RFC 3463 3.6: 5.5.x protocol status). Never throws on bad input.
 *
 * <p>Leniency, deliberately: verbs are case-insensitive (RFC 5321 2.4) and one space after {@code MAIL FROM:} /
 * {@code RCPT TO:} is tolerated (many clients send it; Postfix accepts it too). Everything else is strict.
 */
public final class CommandParser {

    private CommandParser() {
    }

    /** Parse outcome: a command or the reply to send. */
    public sealed interface Result {
        record Command(SmtpCommand command) implements Result {
        }

        record Failure(SmtpReply reply) implements Result {
        }
    }

    private static Result fail(int code, String enh, String text) {
        return new Result.Failure(SmtpReply.of(code, enh, text));
    }

    private static Result ok(SmtpCommand c) {
        return new Result.Command(c);
    }

    public static Result parse(String line) {
        if (line.isEmpty()) {
            return fail(500, "5.5.2", "Error: empty command");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 32 && c != '\t' || c == 127) {
                return fail(500, "5.5.2", "Error: control character in command");
            }
        }
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1);
        return switch (verb) {
            case "EHLO", "HELO" -> helo(verb, arg);
            case "MAIL" -> mail(arg);
            case "RCPT" -> rcpt(arg);
            case "DATA" -> arg.isEmpty() ? ok(new SmtpCommand.Data()) : fail(501, "5.5.4", "Syntax: DATA takes no arguments");
            case "BDAT" -> bdat(arg);
            case "RSET" -> arg.isEmpty() ? ok(new SmtpCommand.Rset()) : fail(501, "5.5.4", "Syntax: RSET takes no arguments");
            case "NOOP" -> ok(new SmtpCommand.Noop());
            case "QUIT" -> arg.isEmpty() ? ok(new SmtpCommand.Quit()) : fail(501, "5.5.4", "Syntax: QUIT takes no arguments");
            case "VRFY" -> arg.isBlank() ? fail(501, "5.5.4", "Syntax: VRFY address") : ok(new SmtpCommand.Vrfy(arg));
            case "EXPN" -> ok(new SmtpCommand.Expn(arg));
            case "HELP" -> ok(new SmtpCommand.Help(arg));
            case "STARTTLS" -> arg.isEmpty() ? ok(new SmtpCommand.StartTls()) : fail(501, "5.5.4", "Syntax: STARTTLS takes no arguments");
            case "AUTH" -> auth(arg);
            default -> fail(500, "5.5.2", "Error: command not recognised");
        };
    }

    private static Result helo(String verb, String arg) {
        String d = arg.trim();
        if (d.isEmpty() || d.contains(" ")) {
            return fail(501, "5.5.4", "Syntax: " + verb + " hostname");
        }
        // RFC 5321 4.1.1.1: Domain or address-literal. We accept any syntactically valid one (it is only recorded).
        Parsed<String> p = d.startsWith("[") ? AddressParser.parseAddressLiteral(d) : AddressParser.parseDomain(d, true);
        if (!p.isOk()) {
            return fail(501, "5.5.4", "Syntax: " + verb + ": " + p.errorMessage());
        }
        return ok(verb.equals("EHLO") ? new SmtpCommand.Ehlo(d) : new SmtpCommand.Helo(d));
    }

    private static String afterKeyword(String arg, String keyword) {
        if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return null;
        }
        String r = arg.substring(keyword.length());
        return r.startsWith(" <") ? r.substring(1) : r;
    }

    private static Result mail(String arg) {
        String r = afterKeyword(arg, "FROM:");
        if (r == null) {
            return fail(501, "5.5.4", "Syntax: MAIL FROM:<address>");
        }
        boolean utf8 = hasParam(r, "SMTPUTF8");
        Parsed<AddressParser.PathAndRest> p = AddressParser.parsePath(r, true, utf8);
        if (!p.isOk()) {
            if (!utf8 && !AddressParser.isAscii(r)) {
                return fail(553, "5.6.7", "Non-ASCII address needs SMTPUTF8 (RFC 6531 3.4)");
            }
            return fail(501, "5.1.7", "Bad sender address syntax: " + p.errorMessage());
        }
        OptionalLong size = OptionalLong.empty();
        MailParameters.Body body = MailParameters.Body.SEVEN_BIT;
        boolean smtputf8 = false;
        Optional<MailParameters.Ret> ret = Optional.empty();
        Optional<String> envid = Optional.empty();
        Optional<String> auth = Optional.empty();
        Set<String> seen = new HashSet<>();
        for (String param : params(p.value().rest())) {
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
            String val = eq < 0 ? null : param.substring(eq + 1);
            if (!seen.add(key)) {
                return fail(501, "5.5.4", "Duplicate parameter " + key);
            }
            switch (key) {
                case "SIZE" -> {
                    if (val == null || val.isEmpty() || val.length() > 18 || !val.chars().allMatch(Character::isDigit)) {
                        return fail(501, "5.5.4", "Syntax: SIZE=number");
                    }
                    size = OptionalLong.of(Long.parseLong(val));
                }
                case "BODY" -> {
                    if (val == null) {
                        return fail(501, "5.5.4", "Syntax: BODY=7BIT|8BITMIME|BINARYMIME");
                    }
                    switch (val.toUpperCase(Locale.ROOT)) {
                        case "7BIT" -> body = MailParameters.Body.SEVEN_BIT;
                        case "8BITMIME" -> body = MailParameters.Body.EIGHT_BIT_MIME;
                        case "BINARYMIME" -> body = MailParameters.Body.BINARY_MIME;
                        default -> {
                            return fail(501, "5.5.4", "Syntax: BODY=7BIT|8BITMIME|BINARYMIME");
                        }
                    }
                }
                case "SMTPUTF8" -> {
                    if (val != null) {
                        return fail(501, "5.5.4", "Syntax: SMTPUTF8 takes no value");
                    }
                    smtputf8 = true;
                }
                case "RET" -> {
                    if ("FULL".equalsIgnoreCase(val)) {
                        ret = Optional.of(MailParameters.Ret.FULL);
                    } else if ("HDRS".equalsIgnoreCase(val)) {
                        ret = Optional.of(MailParameters.Ret.HDRS);
                    } else {
                        return fail(501, "5.5.4", "Syntax: RET=FULL|HDRS");
                    }
                }
                case "ENVID" -> {
                    Optional<String> d = val == null ? Optional.empty() : xtextDecode(val);
                    if (d.isEmpty() || d.get().length() > 100) {
                        return fail(501, "5.5.4", "Syntax: ENVID=xtext (at most 100 characters, RFC 3461 4.4)");
                    }
                    envid = d;
                }
                case "AUTH" -> {
                    Optional<String> d = val == null ? Optional.empty() : xtextDecode(val);
                    if (d.isEmpty()) {
                        return fail(501, "5.5.4", "Syntax: AUTH=xtext");
                    }
                    auth = d.get().equals("<>") ? Optional.empty() : d;
                }
                default -> {
                    return fail(555, "5.5.4", "Unsupported parameter " + key);
                }
            }
        }
        if (p.value().mailbox().map(Mailbox::utf8).orElse(false) && !smtputf8) {
            return fail(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
        }
        return ok(new SmtpCommand.Mail(p.value().mailbox(), new MailParameters(size, body, smtputf8, ret, envid, auth)));
    }

    private static Result rcpt(String arg) {
        String r = afterKeyword(arg, "TO:");
        if (r == null) {
            return fail(501, "5.5.4", "Syntax: RCPT TO:<address>");
        }
        Parsed<AddressParser.PathAndRest> p = AddressParser.parsePath(r, false, true);
        if (!p.isOk()) {
            return fail(501, "5.1.3", "Bad recipient address syntax: " + p.errorMessage());
        }
        Set<RcptParameters.Notify> notify = EnumSet.noneOf(RcptParameters.Notify.class);
        Optional<String> orcpt = Optional.empty();
        Set<String> seen = new HashSet<>();
        for (String param : params(p.value().rest())) {
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
            String val = eq < 0 ? null : param.substring(eq + 1);
            if (!seen.add(key)) {
                return fail(501, "5.5.4", "Duplicate parameter " + key);
            }
            switch (key) {
                case "NOTIFY" -> {
                    if (val == null || val.isEmpty()) {
                        return fail(501, "5.5.4", "Syntax: NOTIFY=NEVER|SUCCESS,FAILURE,DELAY");
                    }
                    for (String n : val.split(",", -1)) {
                        try {
                            notify.add(RcptParameters.Notify.valueOf(n.toUpperCase(Locale.ROOT)));
                        } catch (IllegalArgumentException e) {
                            return fail(501, "5.5.4", "Syntax: NOTIFY=NEVER|SUCCESS,FAILURE,DELAY");
                        }
                    }
                    // RFC 3461 4.1: NEVER must appear alone.
                    if (notify.contains(RcptParameters.Notify.NEVER) && notify.size() > 1) {
                        return fail(501, "5.5.4", "NOTIFY=NEVER cannot be combined");
                    }
                }
                case "ORCPT" -> {
                    // RFC 3461 4.2: ORCPT=addr-type ";" xtext
                    int semi = val == null ? -1 : val.indexOf(';');
                    if (semi <= 0) {
                        return fail(501, "5.5.4", "Syntax: ORCPT=addr-type;xtext");
                    }
                    String type = val.substring(0, semi);
                    if (!type.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
                        return fail(501, "5.5.4", "Syntax: ORCPT addr-type");
                    }
                    Optional<String> addr = type.equalsIgnoreCase("utf-8")
                            ? Optional.of(val.substring(semi + 1)) : xtextDecode(val.substring(semi + 1));
                    if (addr.isEmpty() || addr.get().isEmpty()) {
                        return fail(501, "5.5.4", "Syntax: ORCPT address is not valid xtext");
                    }
                    orcpt = Optional.of(type + ";" + addr.get());
                }
                default -> {
                    return fail(555, "5.5.4", "Unsupported parameter " + key);
                }
            }
        }
        return ok(new SmtpCommand.Rcpt(p.value().mailbox().orElseThrow(), new RcptParameters(notify, orcpt)));
    }

    private static Result bdat(String arg) {
        String[] parts = arg.split(" ", -1);
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty() || parts[0].length() > 18
                || !parts[0].chars().allMatch(Character::isDigit)) {
            return fail(501, "5.5.4", "Syntax: BDAT size [LAST]");
        }
        if (parts.length == 2 && !parts[1].equalsIgnoreCase("LAST")) {
            return fail(501, "5.5.4", "Syntax: BDAT size [LAST]");
        }
        return ok(new SmtpCommand.Bdat(Long.parseLong(parts[0]), parts.length == 2));
    }

    private static Result auth(String arg) {
        String[] parts = arg.split(" ", -1);
        if (arg.isEmpty() || parts.length > 2 || parts[0].isEmpty()) {
            return fail(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
        }
        return ok(new SmtpCommand.Auth(parts[0].toUpperCase(Locale.ROOT),
                parts.length == 2 ? Optional.of(parts[1]) : Optional.empty()));
    }

    private static boolean hasParam(String rest, String key) {
        int end = rest.indexOf('>');
        if (end < 0) {
            return false;
        }
        for (String p : rest.substring(end + 1).trim().split(" +")) {
            if (p.equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    private static String[] params(String rest) {
        return rest.isEmpty() ? new String[0] : rest.split(" +");
    }

    /** RFC 3461 4: xtext, "+" followed by two upper-case hex digits encodes one octet. Empty on bad input. */
    public static Optional<String> xtextDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length()) {
                    return Optional.empty();
                }
                int h = hex(s.charAt(i + 1));
                int l = hex(s.charAt(i + 2));
                if (h < 0 || l < 0) {
                    return Optional.empty();
                }
                out.write(h * 16 + l);
                i += 2;
            } else if (c >= 33 && c <= 126 && c != '=') {
                out.write(c);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
