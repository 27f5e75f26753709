package org.mailward.auth.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed RFC 7208 7.1 {@code macro-string} (or {@code explain-string}): literal text, the escapes {@code %%},
 * {@code %_}, {@code %-} and macros {@code %{letter digits r delimiters}}. Parsed once with the record; expanded per
 * query by {@link MacroExpander}.
 *
 * <pre>
 *   macro-expand   = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"
 *   macro-letter   = "s" / "l" / "o" / "d" / "i" / "p" / "h" / "c" / "r" / "t" / "v"   (any case)
 *   transformers   = *DIGIT [ "r" ]
 *   delimiter      = "." / "-" / "+" / "," / "/" / "_" / "="
 *   macro-literal  = %x21-24 / %x26-7E
 * </pre>
 *
 * @param text  the source text
 * @param parts literal, escape and macro parts in order
 */
public record MacroString(String text, List<Part> parts) {

    /** Letters allowed everywhere; {@code c r t} only in explanation strings (RFC 7208 7.1). */
    static final String LETTERS = "slodiphv";
    static final String EXP_ONLY_LETTERS = "crt";
    static final String DELIMITERS = ".-+,/_=";

    public MacroString {
        Objects.requireNonNull(text);
        parts = List.copyOf(parts);
    }

    public sealed interface Part {
    }

    /** Literal text copied as is. */
    public record Literal(String text) implements Part {
    }

    /** {@code %%} (a percent), {@code %_} (a space) or {@code %-} (the text {@code %20}). */
    public record Escape(char code) implements Part {
        public String expansion() {
            return switch (code) {
                case '%' -> "%";
                case '_' -> " ";
                default -> "%20";
            };
        }
    }

    /**
     * One macro.
     *
     * @param letter     lower-case macro letter
     * @param urlEscape  the letter was upper case: URL-escape the result (RFC 7208 7.3)
     * @param keep       number of right-hand parts to keep, 0 for all
     * @param reverse    the {@code r} transformer
     * @param delimiters the split characters ("." when none were given)
     * @param source     the macro as written
     */
    public record Macro(char letter, boolean urlEscape, int keep, boolean reverse, String delimiters, String source)
            implements Part {
    }

    /** True when no part is a macro or an escape. */
    public boolean isLiteral() {
        return parts.stream().allMatch(p -> p instanceof Literal);
    }

    /** True when a {@code %{p}} macro appears (its expansion costs DNS lookups). */
    public boolean usesPtr() {
        return parts.stream().anyMatch(p -> p instanceof Macro m && m.letter() == 'p');
    }

    /**
     * Parses a macro-string of a record term ({@code explanation == false}: {@code c r t} are errors, spaces are
     * not allowed) or an explanation TXT text ({@code explanation == true}: {@code c r t} allowed, spaces allowed).
     */
    public static ParseResult<MacroString> parse(String text, boolean explanation) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c != '%') {
                boolean ok = (c >= 0x21 && c <= 0x7e) || (explanation && c == ' ');
                if (!ok) {
                    return ParseResult.invalid(String.format("character 0x%02x not allowed in macro-string \"%s\" (RFC 7208 7.1)",
                            (int) c, Shown.of(text)));
                }
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= n) {
                return ParseResult.invalid("lone '%' at the end of \"" + Shown.of(text) + "\" (RFC 7208 7.1: use %%)");
            }
            char next = text.charAt(i + 1);
            if (next == '%' || next == '_' || next == '-') {
                flush(literal, parts);
                parts.add(new Escape(next));
                i += 2;
                continue;
            }
            if (next != '{') {
                return ParseResult.invalid("invalid macro escape '%" + Shown.of(String.valueOf(next)) + "' in \""
                        + Shown.of(text) + "\" (RFC 7208 7.1: %{...}, %%, %_ or %-)");
            }
            int close = text.indexOf('}', i + 2);
            if (close < 0) {
                return ParseResult.invalid("unterminated macro '%{' in \"" + Shown.of(text) + "\"");
            }
            String body = text.substring(i + 2, close);
            String source = text.substring(i, close + 1);
            ParseResult<Macro> macro = parseMacro(body, source, explanation);
            if (macro instanceof ParseResult.Invalid<Macro> inv) {
                return ParseResult.invalid(inv.reason());
            }
            flush(literal, parts);
            parts.add(macro.value());
            i = close + 1;
        }
        flush(literal, parts);
        return ParseResult.ok(new MacroString(text, parts));
    }

    private static ParseResult<Macro> parseMacro(String body, String source, boolean explanation) {
        if (body.isEmpty()) {
            return ParseResult.invalid("empty macro " + Shown.of(source));
        }
        char raw = body.charAt(0);
        char letter = Character.toLowerCase(raw);
        if (raw > 0x7e || (LETTERS.indexOf(letter) < 0 && EXP_ONLY_LETTERS.indexOf(letter) < 0)) {
            return ParseResult.invalid("unknown macro letter in " + Shown.of(source) + " (RFC 7208 7.2: s l o d i p h c r t v)");
        }
        if (!explanation && EXP_ONLY_LETTERS.indexOf(letter) >= 0) {
            return ParseResult.invalid("macro " + Shown.of(source) + " is allowed only in exp= text (RFC 7208 7.2)");
        }
        int i = 1;
        int digitsStart = i;
        while (i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '9') {
            i++;
        }
        int keep = 0;
        if (i > digitsStart) {
            String digits = body.substring(digitsStart, i);
            String trimmed = digits.replaceFirst("^0+", "");
            if (trimmed.isEmpty()) {
                return ParseResult.invalid("macro " + Shown.of(source) + ": the number of parts must not be zero (RFC 7208 7.3)");
            }
            keep = trimmed.length() > 6 ? 1_000_000 : Integer.parseInt(trimmed);
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = body.substring(i);
        for (int k = 0; k < delimiters.length(); k++) {
            if (DELIMITERS.indexOf(delimiters.charAt(k)) < 0) {
                return ParseResult.invalid("invalid delimiter or transformer in macro " + Shown.of(source)
                        + " (RFC 7208 7.1: digits, 'r', then any of . - + , / _ =)");
            }
        }
        return ParseResult.ok(new Macro(letter, Character.isUpperCase(raw), keep, reverse,
                delimiters.isEmpty() ? "." : delimiters, source));
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    /**
     * RFC 7208 7.1 {@code domain-spec = macro-string domain-end}: true when the text ends with a macro expansion or
     * with "." and a valid top label (optionally followed by a dot).
     */
    public boolean hasValidDomainEnd() {
        if (parts.isEmpty()) {
            return false;
        }
        Part last = parts.get(parts.size() - 1);
        if (!(last instanceof Literal lit)) {
            return true;
        }
        return endsWithTopLabel(lit.text());
    }

    /** {@code "." toplabel [ "." ]} at the end of the text (linear time, no regular expression backtracking). */
    static boolean endsWithTopLabel(String s) {
        int end = s.length();
        if (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        int dot = s.lastIndexOf('.', end - 1);
        if (dot < 0) {
            return false;
        }
        return isTopLabel(s.substring(dot + 1, end));
    }

    /** RFC 7208 7.1: {@code toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )}. */
    static boolean isTopLabel(String label) {
        if (label.isEmpty()) {
            return false;
        }
        boolean hasAlpha = false;
        boolean hasDash = false;
        for (int k = 0; k < label.length(); k++) {
            char c = label.charAt(k);
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            if (c == '-') {
                hasDash = true;
            } else if (alpha) {
                hasAlpha = true;
            } else if (!digit) {
                return false;
            }
        }
        if (!hasDash) {
            return hasAlpha;
        }
        return label.charAt(0) != '-' && label.charAt(label.length() - 1) != '-';
    }

    @Override
    public String toString() {
        return text;
    }

    /** Shortens and makes printable untrusted text for use in reasons. */
    static final class Shown {
        private Shown() {
        }

        static String of(String s) {
            StringBuilder sb = new StringBuilder();
            int limit = Math.min(s.length(), 80);
            for (int k = 0; k < limit; k++) {
                char c = s.charAt(k);
                if (c >= 0x20 && c <= 0x7e) {
                    sb.append(c);
                } else {
                    sb.append(String.format("\\x%02x", (int) c & 0xffff));
                }
            }
            if (s.length() > limit) {
                sb.append("...(").append(s.length()).append(" chars)");
            }
            return sb.toString();
        }
    }
}
