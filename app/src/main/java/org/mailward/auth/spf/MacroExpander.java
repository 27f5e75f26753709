package org.mailward.auth.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RFC 7208 7.3: expands a {@link MacroString} against the values of one query. Pure apart from the values, which a
 * {@link Values} supplies (the evaluator computes {@code %{p}} lazily through DNS).
 *
 * <p>Pitfalls handled here: the result of a split is re-joined with "." whatever the delimiters were; upper-case
 * letters URL-escape everything outside the RFC 3986 unreserved set; a domain name longer than 253 characters loses
 * labels on the left (7.3); an expansion is capped at {@link #MAX_LENGTH} characters so a hostile record or sender
 * cannot blow up memory.
 */
public final class MacroExpander {

    /** Hard cap on one expansion; far above any legitimate use (domain names are cut to 253 anyway). */
    public static final int MAX_LENGTH = 8192;

    /** Supplies the value of a lower-case macro letter for the current query. */
    @FunctionalInterface
    public interface Values {
        String value(char letter);
    }

    private MacroExpander() {
    }

    /** Expands the whole string; invalid only when the result would exceed {@link #MAX_LENGTH}. */
    public static ParseResult<String> expand(MacroString macroString, Values values) {
        List<MacroString.Part> parts = macroString.parts();
        if (parts.size() == 1 && parts.get(0) instanceof MacroString.Literal l && l.text().length() <= MAX_LENGTH) {
            return ParseResult.ok(l.text()); // the common case: a plain domain name
        }
        StringBuilder out = new StringBuilder();
        for (MacroString.Part part : macroString.parts()) {
            switch (part) {
                case MacroString.Literal l -> out.append(l.text());
                case MacroString.Escape e -> out.append(e.expansion());
                case MacroString.Macro m -> out.append(expandMacro(m, values.value(m.letter())));
            }
            if (out.length() > MAX_LENGTH) {
                return ParseResult.invalid("macro expansion of \"" + MacroString.Shown.of(macroString.text())
                        + "\" exceeds " + MAX_LENGTH + " characters");
            }
        }
        return ParseResult.ok(out.toString());
    }

    /**
     * Expands a domain-spec into the name to query: a trailing dot is dropped and names over 253 characters lose
     * labels on the left until they fit (RFC 7208 7.3).
     */
    public static ParseResult<String> expandDomain(MacroString domainSpec, Values values) {
        ParseResult<String> r = expand(domainSpec, values);
        if (!r.isOk()) {
            return r;
        }
        String name = r.value();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        while (name.length() > 253) {
            int dot = name.indexOf('.');
            if (dot < 0) {
                return ParseResult.invalid("expanded domain name is longer than 253 characters and has no label to drop");
            }
            name = name.substring(dot + 1);
        }
        return ParseResult.ok(name);
    }

    /** One macro: split on the delimiters, reverse, keep the right-hand parts, join with ".", escape. */
    static String expandMacro(MacroString.Macro m, String value) {
        String result;
        if (m.keep() == 0 && !m.reverse() && m.delimiters().equals(".")) {
            result = value;
        } else {
            List<String> parts = split(value, m.delimiters());
            if (m.reverse()) {
                Collections.reverse(parts);
            }
            if (m.keep() > 0 && m.keep() < parts.size()) {
                parts = parts.subList(parts.size() - m.keep(), parts.size());
            }
            result = String.join(".", parts);
        }
        return m.urlEscape() ? urlEscape(result) : result;
    }

    private static List<String> split(String value, String delimiters) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < value.length(); k++) {
            if (delimiters.indexOf(value.charAt(k)) >= 0) {
                parts.add(value.substring(start, k));
                start = k + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    /** RFC 7208 7.3: upper-case macros are URL-escaped; unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~". */
    static String urlEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
