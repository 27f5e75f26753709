package org.mailward.auth.spf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * RFC 7208 4.5 and 12 (ABNF): record selection and the record parser. {@link #parse} turns a TXT text into an
 * immutable {@link SpfRecord} or a precise {@code permerror} reason (RFC 7208 4.6: a syntax error anywhere makes
 * the whole record a permerror, before any mechanism is evaluated). Never throws on bad input; linear in the
 * length of the record.
 */
public final class SpfParser {

    private SpfParser() {
    }

    /**
     * RFC 7208 4.5: an SPF record starts with exactly "v=spf1" (compared without regard to case) followed by a
     * space or the end of the text. "v=spf10" or "v=spf1.0" are not SPF records.
     */
    public static boolean isSpfRecord(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    /** Parses one record text (as selected by {@link #isSpfRecord}). */
    public static ParseResult<SpfRecord> parse(String txt) {
        if (!isSpfRecord(txt)) {
            return ParseResult.invalid("not an SPF record: it must start with \"v=spf1\" (RFC 7208 4.5)");
        }
        List<SpfTerm> terms = new ArrayList<>();
        boolean redirect = false;
        boolean exp = false;
        int n = txt.length();
        int i = 6;
        while (i < n) {
            // RFC 7208 12: terms = *( 1*SP ( directive / modifier ) ); the record may end with spaces.
            if (txt.charAt(i) == ' ') {
                i++;
                continue;
            }
            int end = txt.indexOf(' ', i);
            if (end < 0) {
                end = n;
            }
            String term = txt.substring(i, end);
            i = end;
            ParseResult<SpfTerm> parsed = parseTerm(term);
            if (parsed instanceof ParseResult.Invalid<SpfTerm> inv) {
                return ParseResult.invalid(inv.reason());
            }
            SpfTerm t = parsed.value();
            if (t instanceof SpfTerm.Redirect) {
                if (redirect) {
                    return ParseResult.invalid("redirect= appears more than once (RFC 7208 6: at most once)");
                }
                redirect = true;
            } else if (t instanceof SpfTerm.Explanation) {
                if (exp) {
                    return ParseResult.invalid("exp= appears more than once (RFC 7208 6: at most once)");
                }
                exp = true;
            }
            terms.add(t);
        }
        return ParseResult.ok(new SpfRecord(txt, terms));
    }

    static ParseResult<SpfTerm> parseTerm(String term) {
        for (int k = 0; k < term.length(); k++) {
            char c = term.charAt(k);
            if (c < 0x21 || c > 0x7e) {
                return ParseResult.invalid(String.format("term \"%s\" contains character 0x%02x: SPF records are"
                        + " printable 7-bit ASCII separated by spaces (RFC 7208 3, 12)", shown(term), (int) c & 0xffff));
            }
        }
        int nameEnd = modifierNameEnd(term);
        if (nameEnd > 0) {
            return parseModifier(term, term.substring(0, nameEnd).toLowerCase(Locale.ROOT), term.substring(nameEnd + 1));
        }
        return parseDirective(term).map(d -> (SpfTerm) d);
    }

    /** The index of "=" when the term starts with {@code name "="}, name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). */
    private static int modifierNameEnd(String term) {
        if (term.isEmpty() || !isAlpha(term.charAt(0))) {
            return -1;
        }
        for (int k = 1; k < term.length(); k++) {
            char c = term.charAt(k);
            if (c == '=') {
                return k;
            }
            if (!(isAlpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
                return -1;
            }
        }
        return -1;
    }

    private static ParseResult<SpfTerm> parseModifier(String term, String name, String value) {
        switch (name) {
            case "redirect", "exp" -> {
                if (value.isEmpty()) {
                    return ParseResult.invalid(name + "= has an empty domain-spec (RFC 7208 6.1, 6.2)");
                }
                ParseResult<MacroString> spec = domainSpec(value, term);
                if (spec instanceof ParseResult.Invalid<MacroString> inv) {
                    return ParseResult.invalid(inv.reason());
                }
                return ParseResult.ok(name.equals("redirect")
                        ? new SpfTerm.Redirect(spec.value(), term)
                        : new SpfTerm.Explanation(spec.value(), term));
            }
            default -> {
                // RFC 7208 6: unknown modifiers are ignored, but their macro-string must be valid (and, as in
                // the reference implementation, may not use the exp-only letters c, r, t).
                ParseResult<MacroString> ms = MacroString.parse(value, false);
                if (ms instanceof ParseResult.Invalid<MacroString> inv) {
                    return ParseResult.invalid("modifier \"" + shown(term) + "\": " + inv.reason());
                }
                return ParseResult.ok(new SpfTerm.UnknownModifier(name, ms.value(), term));
            }
        }
    }

    private static ParseResult<SpfTerm.Directive> parseDirective(String term) {
        Qualifier q = term.isEmpty() ? null : Qualifier.ofSymbol(term.charAt(0));
        String body = q == null ? term : term.substring(1);
        Qualifier qualifier = q == null ? Qualifier.PASS : q;
        int k = 0;
        while (k < body.length() && body.charAt(k) != ':' && body.charAt(k) != '/') {
            k++;
        }
        String name = body.substring(0, k).toLowerCase(Locale.ROOT);
        String rest = body.substring(k);
        ParseResult<Mechanism> mech = switch (name) {
            case "all" -> rest.isEmpty() ? ParseResult.ok(new Mechanism.All())
                    : ParseResult.invalid("\"" + shown(term) + "\": all takes no argument (RFC 7208 5.1)");
            case "include" -> requiredDomain(term, rest).map(Mechanism.Include::new);
            case "exists" -> requiredDomain(term, rest).map(Mechanism.Exists::new);
            case "a", "mx" -> addressMechanism(term, name, rest);
            case "ptr" -> ptr(term, rest);
            case "ip4" -> ip4(term, rest);
            case "ip6" -> ip6(term, rest);
            default -> ParseResult.invalid(name.isEmpty() && q != null
                    ? "\"" + shown(term) + "\": qualifier without a mechanism (RFC 7208 4.6.1)"
                    : "unknown mechanism \"" + shown(term) + "\" (RFC 7208 4.6.1, 5)");
        };
        if (mech instanceof ParseResult.Invalid<Mechanism> inv) {
            return ParseResult.invalid(inv.reason());
        }
        return ParseResult.ok(new SpfTerm.Directive(qualifier, mech.value(), term));
    }

    private static ParseResult<MacroString> requiredDomain(String term, String rest) {
        if (!rest.startsWith(":") || rest.length() == 1) {
            return ParseResult.invalid("\"" + shown(term) + "\" needs \":domain-spec\" (RFC 7208 5.2, 5.7)");
        }
        return domainSpec(rest.substring(1), term);
    }

    private static ParseResult<Mechanism> ptr(String term, String rest) {
        if (rest.isEmpty()) {
            return ParseResult.ok(new Mechanism.Ptr(Optional.empty()));
        }
        if (!rest.startsWith(":") || rest.length() == 1) {
            return ParseResult.invalid("\"" + shown(term) + "\": ptr takes only \":domain-spec\" (RFC 7208 5.5)");
        }
        return domainSpec(rest.substring(1), term).map(d -> new Mechanism.Ptr(Optional.of(d)));
    }

    /** {@code a} and {@code mx}: {@code [":" domain-spec] [dual-cidr-length]} (RFC 7208 5.3, 5.4). */
    private static ParseResult<Mechanism> addressMechanism(String term, String name, String rest) {
        String s = rest;
        int cidr4 = 32;
        int cidr6 = 128;
        int dual = trailingCidr(s, true);
        if (dual == -2) {
            return ParseResult.invalid("\"" + shown(term) + "\": IPv6 prefix length out of range 0-128 (RFC 7208 5.6)");
        }
        if (dual >= 0) {
            cidr6 = dual;
            s = s.substring(0, s.lastIndexOf("//"));
        }
        int single = trailingCidr(s, false);
        if (single == -2) {
            return ParseResult.invalid("\"" + shown(term) + "\": IPv4 prefix length out of range 0-32 (RFC 7208 5.6)");
        }
        if (single >= 0) {
            if (single > 32) {
                return ParseResult.invalid("\"" + shown(term) + "\": IPv4 prefix length " + single + " exceeds 32 (RFC 7208 5.6)");
            }
            cidr4 = single;
            s = s.substring(0, s.lastIndexOf('/'));
        }
        if (cidr6 > 128) {
            return ParseResult.invalid("\"" + shown(term) + "\": IPv6 prefix length " + cidr6 + " exceeds 128 (RFC 7208 5.6)");
        }
        Optional<MacroString> domain = Optional.empty();
        if (!s.isEmpty()) {
            if (!s.startsWith(":") || s.length() == 1) {
                return ParseResult.invalid("\"" + shown(term) + "\": expected \":domain-spec\" and/or \"/cidr\" after "
                        + name + " (RFC 7208 5.3, 5.4)");
            }
            ParseResult<MacroString> spec = domainSpec(s.substring(1), term);
            if (spec instanceof ParseResult.Invalid<MacroString> inv) {
                return ParseResult.invalid(inv.reason());
            }
            domain = Optional.of(spec.value());
        }
        return ParseResult.ok(name.equals("a") ? new Mechanism.A(domain, cidr4, cidr6) : new Mechanism.Mx(domain, cidr4, cidr6));
    }

    /**
     * The value of a trailing {@code "/" ("0" / %x31-39 *DIGIT)} ({@code "//..."} when dual), -1 when there is none,
     * -2 when the digits are too many to be a prefix length.
     */
    private static int trailingCidr(String s, boolean dual) {
        int k = s.length();
        while (k > 0 && s.charAt(k - 1) >= '0' && s.charAt(k - 1) <= '9') {
            k--;
        }
        if (k == s.length() || k == 0 || s.charAt(k - 1) != '/') {
            return -1;
        }
        boolean isDual = k >= 2 && s.charAt(k - 2) == '/';
        if (isDual != dual) {
            return -1;
        }
        String digits = s.substring(k);
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            return -1; // leading zero: not a cidr-length; the term then fails as a whole
        }
        if (digits.length() > 3) {
            return -2;
        }
        return Integer.parseInt(digits);
    }

    private static ParseResult<Mechanism> ip4(String term, String rest) {
        return ipNetwork(term, rest, 32, "IPv4", IpLiterals::parseIp4, Mechanism.Ip4::new);
    }

    private static ParseResult<Mechanism> ip6(String term, String rest) {
        return ipNetwork(term, rest, 128, "IPv6", IpLiterals::parseIp6, Mechanism.Ip6::new);
    }

    /** RFC 7208 5.6: {@code ip4/ip6 ":" address [ "/" prefix ]}, the prefix defaulting to the full length. */
    private static ParseResult<Mechanism> ipNetwork(String term, String rest, int maxPrefix, String family,
            java.util.function.Function<String, Optional<byte[]>> parse,
            java.util.function.BiFunction<InetAddress, Integer, Mechanism> mechanism) {
        if (!rest.startsWith(":")) {
            return ParseResult.invalid("\"" + shown(term) + "\" needs \":address\" (RFC 7208 5.6)");
        }
        String s = rest.substring(1);
        int prefix = maxPrefix;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            ParseResult<Integer> p = prefixLength(term, s.substring(slash + 1), maxPrefix);
            if (p instanceof ParseResult.Invalid<Integer> inv) {
                return ParseResult.invalid(inv.reason());
            }
            prefix = p.value();
            s = s.substring(0, slash);
        }
        Optional<byte[]> addr = parse.apply(s);
        if (addr.isEmpty()) {
            return ParseResult.invalid("\"" + shown(term) + "\": \"" + shown(s) + "\" is not an " + family + " address (RFC 7208 5.6)");
        }
        return ParseResult.ok(mechanism.apply(address(addr.get()), prefix));
    }

    /** {@code ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT)}; {@code ip6-cidr-length = "/" ("0" / %x31-39 0*2DIGIT)}. */
    private static ParseResult<Integer> prefixLength(String term, String digits, int max) {
        boolean ok = !digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                && !(digits.length() > 1 && digits.charAt(0) == '0');
        if (!ok) {
            return ParseResult.invalid("\"" + shown(term) + "\": invalid prefix length \"/" + shown(digits) + "\" (RFC 7208 5.6)");
        }
        int v = Integer.parseInt(digits);
        if (v > max) {
            return ParseResult.invalid("\"" + shown(term) + "\": prefix length " + v + " exceeds " + max + " (RFC 7208 5.6)");
        }
        return ParseResult.ok(v);
    }

    private static InetAddress address(byte[] b) {
        try {
            // getByAddress keeps 16 bytes as Inet6Address unless IPv4-mapped; we keep ip6 networks as 16 bytes.
            return b.length == 16 ? java.net.Inet6Address.getByAddress(null, b, -1) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + b.length, e); // cannot happen: lengths are 4 or 16
        }
    }

    /** RFC 7208 7.1: {@code domain-spec = macro-string domain-end}, no exp-only letters. */
    static ParseResult<MacroString> domainSpec(String text, String term) {
        ParseResult<MacroString> ms = MacroString.parse(text, false);
        if (ms instanceof ParseResult.Invalid<MacroString> inv) {
            return ParseResult.invalid("\"" + shown(term) + "\": " + inv.reason());
        }
        if (!ms.value().hasValidDomainEnd()) {
            return ParseResult.invalid("\"" + shown(term) + "\": domain-spec \"" + shown(text)
                    + "\" must end with a macro or \".\" and a valid top-level label (RFC 7208 7.1)");
        }
        return ms;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String shown(String s) {
        return MacroString.Shown.of(s);
    }
}
