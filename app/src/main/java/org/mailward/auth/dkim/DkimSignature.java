package org.mailward.auth.dkim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import org.mailward.auth.message.HeaderField;

/**
 * A parsed DKIM-Signature header field (RFC 6376 3.5), validated as 6.1.1 requires.
 *
 * @param field           the header field as it appeared (needed to hash it with b= emptied)
 * @param tags            every tag, as written
 * @param algorithm       a=
 * @param signature       b=, decoded
 * @param bodyHash        bh=, decoded
 * @param headerCanon     c= header part (default simple)
 * @param bodyCanon       c= body part (default simple)
 * @param domain          d=, lower case
 * @param selector        s=, lower case
 * @param signedHeaders   h=, names as written, in order
 * @param identity        i= (default "@" + d)
 * @param length          l=
 * @param timestamp       t= (Unix seconds)
 * @param expiration      x= (Unix seconds)
 */
public record DkimSignature(HeaderField field, TagList tags, DkimAlgorithm algorithm, byte[] signature, byte[] bodyHash,
                            Canonicalization headerCanon, Canonicalization bodyCanon, String domain, String selector,
                            List<String> signedHeaders, String identity, OptionalLong length, OptionalLong timestamp,
                            OptionalLong expiration) {

    public static final String HEADER = "DKIM-Signature";

    public DkimSignature {
        Objects.requireNonNull(field);
        signedHeaders = List.copyOf(signedHeaders);
    }

    /** The result of parsing: a signature, or an error with whatever identifying tags could be read. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(DkimSignature signature) implements Parsed {
    }

    /**
     * @param reason   "syntax error at tag X", "missing tag X", ... (RFC 6376 6.1.1 PERMFAIL reasons)
     * @param domain   d= if readable, else ""
     * @param selector s= if readable, else ""
     * @param algorithm a= as written, else ""
     */
    public record Invalid(String reason, String domain, String selector, String algorithm) implements Parsed {
    }

    /** The first 8 characters of b= (RFC 6008 header.b). */
    public String headerB() {
        return TagList.removeFws(tags.get("b").orElse(""), 8);
    }

    /** Parses and validates a DKIM-Signature field. Never throws on bad input. */
    public static Parsed parse(HeaderField field) {
        TagList.Parsed p = TagList.parse(field.rawValue());
        if (p instanceof TagList.Invalid inv) {
            return new Invalid("syntax error at tag " + (inv.tag().isEmpty() ? "(none)" : inv.tag()) + ": " + inv.message(), "", "", "");
        }
        TagList t = ((TagList.Ok) p).list();
        String d = t.get("d").orElse("");
        String s = t.get("s").orElse("");
        String a = t.get("a").orElse("");
        String dShown = d.toLowerCase(Locale.ROOT);
        String sShown = s.toLowerCase(Locale.ROOT);
        for (String req : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!t.has(req)) {
                return new Invalid("missing tag " + req, dShown, sShown, a);
            }
        }
        if (!t.get("v").orElseThrow().equals("1")) {
            return new Invalid("syntax error at tag v: incompatible version", dShown, sShown, a);
        }
        return parseTags(field, t, Profile.DKIM);
    }

    /** Which header field the tags come from: a DKIM-Signature, or an ARC-Message-Signature (RFC 8617 4.1.2). */
    public enum Profile {
        /** RFC 6376: h= must hold From; i= is the AUID and must be within d=. */
        DKIM,
        /** RFC 8617 4.1.2: no v=; i= is the ARC instance (checked by the ARC code); h= may be empty. */
        ARC
    }

    /** Validates the DKIM tags of an already parsed tag list, for a DKIM-Signature or an ARC-Message-Signature. */
    public static Parsed parseTags(HeaderField field, TagList t, Profile profile) {
        boolean dkim = profile == Profile.DKIM;
        String d = t.get("d").orElse("");
        String s = t.get("s").orElse("");
        String a = t.get("a").orElse("");
        String dShown = d.toLowerCase(Locale.ROOT);
        String sShown = s.toLowerCase(Locale.ROOT);
        for (String req : List.of("a", "b", "bh", "d", "h", "s")) {
            if (!t.has(req)) {
                return new Invalid("missing tag " + req, dShown, sShown, a);
            }
        }
        var alg = DkimAlgorithm.fromToken(a);
        if (alg.isEmpty()) {
            return new Invalid("syntax error at tag a: unsupported algorithm " + shorten(a), dShown, sShown, a);
        }
        if (!DomainNames.isValid(d)) {
            return new Invalid("syntax error at tag d: not a domain name", shorten(dShown), sShown, a);
        }
        if (!DomainNames.isValidSelector(s)) {
            return new Invalid("syntax error at tag s: not a selector", dShown, shorten(sShown), a);
        }
        byte[] b = TagList.decodeBase64(t.get("b").orElseThrow());
        if (b == null || b.length == 0) {
            return new Invalid("syntax error at tag b: not base64", dShown, sShown, a);
        }
        byte[] bh = TagList.decodeBase64(t.get("bh").orElseThrow());
        if (bh == null || bh.length == 0) {
            return new Invalid("syntax error at tag bh: not base64", dShown, sShown, a);
        }
        Canonicalization hc = Canonicalization.SIMPLE;
        Canonicalization bc = Canonicalization.SIMPLE;
        if (!dkim) {
            // ARC-Message-Signature without c=: relaxed/relaxed, as the ARC test suite (draft-ietf-dmarc-arc-protocol-18,
            // case ams_fields_c_na) and its reference verifier (dkimpy) have it; RFC 6376's default would be simple/simple
            // (see ArcValidationSuiteTest and docs/adr/0004-arc-suite-decisions.md)
            hc = Canonicalization.RELAXED;
            bc = Canonicalization.RELAXED;
        }
        if (t.has("c")) {
            String c = t.get("c").orElseThrow();
            int slash = c.indexOf('/');
            var h = Canonicalization.fromToken(slash < 0 ? c : c.substring(0, slash));
            var bb = slash < 0 ? java.util.Optional.of(Canonicalization.SIMPLE) : Canonicalization.fromToken(c.substring(slash + 1));
            if (h.isEmpty() || bb.isEmpty()) {
                return new Invalid("syntax error at tag c: unknown canonicalization " + shorten(c), dShown, sShown, a);
            }
            hc = h.get();
            bc = bb.get();
        }
        List<String> headers = new ArrayList<>();
        boolean hasFrom = false;
        String hv = t.get("h").orElseThrow();
        if (dkim || !TagList.stripFws(hv).isEmpty()) {
            int p = 0;
            while (true) { // the names between colons, FWS around each removed
                int colon = hv.indexOf(':', p);
                int end = colon < 0 ? hv.length() : colon;
                String name = TagList.stripFws(hv, p, end);
                if (!(name.isEmpty() && !dkim)) { // ARC suite (ams_fields_h_mis_hdr): an empty name selects nothing
                    if (name.isEmpty() || !validFieldName(name)) {
                        return new Invalid("syntax error at tag h: invalid header name", dShown, sShown, a);
                    }
                    hasFrom |= name.equalsIgnoreCase("from");
                    headers.add(name);
                }
                if (colon < 0) {
                    break;
                }
                p = colon + 1;
            }
        }
        if (dkim && !hasFrom) {
            return new Invalid("syntax error at tag h: From not signed", dShown, sShown, a); // 5.4, 6.1.1
        }
        String identity = "@" + dShown;
        if (dkim && t.has("i")) {
            identity = t.get("i").orElseThrow();
            int at = identity.lastIndexOf('@');
            if (at < 0) {
                return new Invalid("syntax error at tag i: no @", dShown, sShown, a);
            }
            String idom = identity.substring(at + 1).toLowerCase(Locale.ROOT);
            if (!DomainNames.isValid(idom)) {
                return new Invalid("syntax error at tag i: not a domain name", dShown, sShown, a);
            }
            if (!DomainNames.isWithin(idom, dShown)) {
                return new Invalid("i= domain not within d= (RFC 6376 6.1.1)", dShown, sShown, a);
            }
        }
        OptionalLong l = OptionalLong.empty();
        if (t.has("l")) {
            String lv = t.get("l").orElseThrow();
            if (!digits(lv, 76)) {
                return new Invalid("syntax error at tag l: not a number", dShown, sShown, a);
            }
            l = OptionalLong.of(lv.length() > 18 ? Long.MAX_VALUE : Long.parseLong(lv));
        }
        if (t.has("q")) {
            boolean dns = false;
            for (String q : t.get("q").orElseThrow().split(":")) {
                String qq = TagList.stripFws(q);
                dns |= qq.equals("dns/txt") || qq.equals("dns");
            }
            if (!dns) {
                return new Invalid("syntax error at tag q: no dns/txt query method", dShown, sShown, a);
            }
        }
        OptionalLong ts = OptionalLong.empty();
        if (t.has("t")) {
            String tv = t.get("t").orElseThrow();
            if (!digits(tv, 12)) {
                return new Invalid("syntax error at tag t: not a timestamp", dShown, sShown, a);
            }
            ts = OptionalLong.of(Long.parseLong(tv));
        }
        OptionalLong xs = OptionalLong.empty();
        if (t.has("x")) {
            String xv = t.get("x").orElseThrow();
            if (!digits(xv, 12)) {
                return new Invalid("syntax error at tag x: not a timestamp", dShown, sShown, a);
            }
            xs = OptionalLong.of(Long.parseLong(xv));
            if (ts.isPresent() && xs.getAsLong() < ts.getAsLong()) {
                return new Invalid("syntax error at tag x: x= before t=", dShown, sShown, a);
            }
        }
        return new Valid(new DkimSignature(field, t, alg.get(), b, bh, hc, bc, dShown, sShown, headers, identity, l, ts, xs));
    }

    /** 1..max ASCII digits (no regex: this runs for every signature). */
    public static boolean digits(String v, int max) {
        if (v.isEmpty() || v.length() > max) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static boolean validFieldName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /**
     * The field with b='s value removed (RFC 6376 3.7: "with the value of the b= tag (including all surrounding
     * whitespace) deleted"): everything between "b=" and the next ';' or the end goes. Used for hashing.
     */
    public static HeaderField withoutB(HeaderField field) {
        String raw = field.raw();
        int colon = raw.indexOf(':');
        int p = colon + 1;
        int n = raw.length();
        while (p < n) {
            int semi = raw.indexOf(';', p);
            int end = semi < 0 ? n : semi;
            int eq = raw.indexOf('=', p);
            if (eq >= 0 && eq < end && TagList.stripFws(raw.substring(p, eq)).equals("b")) {
                int valueEnd = end;
                if (semi < 0 && raw.endsWith("\r\n")) {
                    valueEnd = n - 2;
                }
                return new HeaderField(field.name(), raw.substring(0, eq + 1) + raw.substring(valueEnd));
            }
            p = end + 1;
        }
        return field;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DkimSignature other && other.field.equals(field);
    }

    @Override
    public int hashCode() {
        return field.hashCode();
    }

    @Override
    public String toString() {
        return "DkimSignature[d=" + domain + ", s=" + selector + ", a=" + algorithm.token() + "]";
    }
}
