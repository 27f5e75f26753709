package org.mailward.auth.dmarc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text → {@link DmarcRecord} (RFC 7489 6.3, 6.4; DMARCbis tags np, psd, t). Never throws on bad input.
 *
 * <p>Rules applied, in order:
 * <ol>
 *   <li>The record must start with {@code v=DMARC1} (optionally after white space), else it is
 *       {@link DmarcRecordParse.NotDmarc} and is discarded (RFC 7489 6.6.3 step 2). {@code DMARC1} is matched
 *       case-sensitively (the ABNF gives it as %x values).</li>
 *   <li>The rest is a tag-list (RFC 6376 3.2 as adopted by RFC 7489 6.3): {@code tag=value} separated by
 *       {@code ;}. A tag that occurs twice makes the record {@link DmarcRecordParse.Invalid}. Unknown tags are
 *       ignored (RFC 7489 6.3). A malformed tag-spec or a syntactically invalid value of an optional tag is ignored
 *       and its default used ("syntax errors in the remainder of the record SHOULD be discarded in favor of
 *       default values", RFC 7489 6.3); each is reported as a warning.</li>
 *   <li>A missing or invalid {@code p}, or an invalid {@code sp}/{@code np}: when {@code rua} holds at least one
 *       valid URI the record is read as {@code p=none} ({@link DmarcRecord#policyFallback()}), otherwise it is
 *       {@link DmarcRecordParse.Invalid} (RFC 7489 6.6.3 last paragraph).</li>
 * </ol>
 */
public final class DmarcRecordParser {

    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    // RFC 7489 6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]
    private static final Pattern SIZE_SUFFIX = Pattern.compile("!([0-9]+)([kKmMgGtT]?)$");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");

    /** A TXT record longer than this is not a sensible DMARC record; parsing stops with an error (bounded work). */
    public static final int MAX_LENGTH = 4096;

    private DmarcRecordParser() {
    }

    private record Tag(String name, String value, int position) {
    }

    public static DmarcRecordParse parse(String text) {
        if (text == null) {
            return new DmarcRecordParse.NotDmarc("no text");
        }
        if (text.length() > MAX_LENGTH) {
            return new DmarcRecordParse.Invalid("record longer than " + MAX_LENGTH + " characters", MAX_LENGTH,
                    DmarcRecordParse.InvalidKind.TOO_LONG, "");
        }
        Problems warnings = new Problems();
        List<Tag> tags = new ArrayList<>();
        int pos = 0;
        for (String part : text.split(";", -1)) {
            int start = pos;
            pos += part.length() + 1;
            String spec = stripWsp(part);
            if (spec.isEmpty()) {
                if (tags.isEmpty()) {
                    return new DmarcRecordParse.NotDmarc("does not start with v=DMARC1");
                }
                continue; // an empty tag-spec (";;" or the trailing ";") is harmless
            }
            int eq = spec.indexOf('=');
            int at = start + leadingWsp(part);
            if (eq < 0) {
                if (tags.isEmpty()) {
                    return new DmarcRecordParse.NotDmarc("does not start with v=DMARC1");
                }
                warnings.add(DmarcRecordParse.IssueKind.NOT_TAG_VALUE, spec, at,
                        "at " + at + ": '" + abbreviate(spec) + "' is not a tag=value pair; ignored (RFC 7489 6.3)");
                continue;
            }
            String name = stripWsp(spec.substring(0, eq));
            String value = stripWsp(spec.substring(eq + 1));
            if (tags.isEmpty()) {
                // RFC 7489 6.3: v MUST be the first tag; its value is exactly "DMARC1".
                if (!name.equalsIgnoreCase("v")) {
                    return new DmarcRecordParse.NotDmarc("first tag is '" + abbreviate(name) + "', not v=DMARC1 (RFC 7489 6.3)");
                }
                if (!value.equals("DMARC1")) {
                    return new DmarcRecordParse.NotDmarc("v=" + abbreviate(value) + " is not v=DMARC1 (RFC 7489 6.3)");
                }
            }
            if (!TAG_NAME.matcher(name).matches()) {
                warnings.add(DmarcRecordParse.IssueKind.BAD_TAG_NAME, name, at,
                        "at " + at + ": '" + abbreviate(name) + "' is not a valid tag name; ignored (RFC 6376 3.2)");
                continue;
            }
            tags.add(new Tag(name.toLowerCase(Locale.ROOT), value, at));
        }
        if (tags.isEmpty()) {
            return new DmarcRecordParse.NotDmarc("does not start with v=DMARC1");
        }
        Map<String, Tag> byName = new LinkedHashMap<>();
        for (Tag t : tags) {
            if (byName.putIfAbsent(t.name, t) != null) {
                return new DmarcRecordParse.Invalid("tag '" + t.name + "' appears more than once (RFC 6376 3.2)", t.position,
                        DmarcRecordParse.InvalidKind.DUPLICATE_TAG, t.name);
            }
        }
        byName.remove("v");

        Optional<Policy> p = Optional.empty();
        String policyProblem = null;
        int policyProblemAt = 0;
        String policyProblemTag = "p";
        Tag pTag = byName.remove("p");
        if (pTag == null) {
            policyProblem = "required tag p is missing (RFC 7489 6.3)";
        } else {
            p = Policy.parse(pTag.value);
            if (p.isEmpty()) {
                policyProblem = "p=" + abbreviate(pTag.value) + " is not none, quarantine or reject (RFC 7489 6.3)";
                policyProblemAt = pTag.position;
            }
        }
        Optional<Policy> sp = Optional.empty();
        Tag spTag = byName.remove("sp");
        if (spTag != null) {
            sp = Policy.parse(spTag.value);
            if (sp.isEmpty() && policyProblem == null) {
                policyProblem = "sp=" + abbreviate(spTag.value) + " is not none, quarantine or reject (RFC 7489 6.3)";
                policyProblemAt = spTag.position;
                policyProblemTag = "sp";
            }
        }
        Optional<Policy> np = Optional.empty();
        Tag npTag = byName.remove("np");
        if (npTag != null) {
            np = Policy.parse(npTag.value);
            if (np.isEmpty() && policyProblem == null) {
                policyProblem = "np=" + abbreviate(npTag.value) + " is not none, quarantine or reject (DMARCbis)";
                policyProblemAt = npTag.position;
                policyProblemTag = "np";
            }
        }

        Alignment adkim = alignment(byName.remove("adkim"), warnings);
        Alignment aspf = alignment(byName.remove("aspf"), warnings);

        Optional<Integer> pct = Optional.empty();
        Tag pctTag = byName.remove("pct");
        if (pctTag != null) {
            if (DIGITS.matcher(pctTag.value).matches() && pctTag.value.length() <= 3
                    && Integer.parseInt(pctTag.value) <= 100) {
                pct = Optional.of(Integer.parseInt(pctTag.value));
            } else {
                warnings.add(DmarcRecordParse.IssueKind.INVALID_VALUE, pctTag.name, pctTag.position, "at " + pctTag.position + ": pct=" + abbreviate(pctTag.value)
                        + " is not an integer 0-100; default 100 used (RFC 7489 6.3)");
            }
        }

        List<ReportUri> rua = uris(byName.remove("rua"), warnings);
        List<ReportUri> ruf = uris(byName.remove("ruf"), warnings);

        List<String> fo = List.of("0");
        Tag foTag = byName.remove("fo");
        if (foTag != null) {
            List<String> opts = new ArrayList<>();
            boolean bad = false;
            for (String o : foTag.value.split(":", -1)) {
                String s = stripWsp(o).toLowerCase(Locale.ROOT);
                if (s.equals("0") || s.equals("1") || s.equals("d") || s.equals("s")) {
                    if (!opts.contains(s)) {
                        opts.add(s);
                    }
                } else {
                    bad = true;
                }
            }
            if (bad) {
                warnings.add(DmarcRecordParse.IssueKind.INVALID_VALUE, foTag.name, foTag.position, "at " + foTag.position + ": fo=" + abbreviate(foTag.value)
                        + " has options other than 0, 1, d, s; those are ignored (RFC 7489 6.3)");
            }
            if (!opts.isEmpty()) {
                fo = opts;
            }
        }

        List<String> rf = List.of("afrf");
        Tag rfTag = byName.remove("rf");
        if (rfTag != null) {
            List<String> formats = new ArrayList<>();
            for (String f : rfTag.value.split(":", -1)) {
                String s = stripWsp(f).toLowerCase(Locale.ROOT);
                if (KEYWORD.matcher(s).matches()) {
                    formats.add(s);
                }
            }
            if (formats.isEmpty()) {
                warnings.add(DmarcRecordParse.IssueKind.INVALID_VALUE, rfTag.name, rfTag.position, "at " + rfTag.position + ": rf=" + abbreviate(rfTag.value) + " names no format; default afrf used (RFC 7489 6.3)");
            } else {
                rf = formats;
            }
        }

        long ri = 86400;
        Tag riTag = byName.remove("ri");
        if (riTag != null) {
            if (DIGITS.matcher(riTag.value).matches() && riTag.value.length() <= 10
                    && Long.parseLong(riTag.value) <= 0xFFFF_FFFFL) {
                ri = Long.parseLong(riTag.value);
            } else {
                warnings.add(DmarcRecordParse.IssueKind.INVALID_VALUE, riTag.name, riTag.position, "at " + riTag.position + ": ri=" + abbreviate(riTag.value)
                        + " is not a 32-bit unsigned integer; default 86400 used (RFC 7489 6.3)");
            }
        }

        PsdFlag psd = PsdFlag.U;
        Tag psdTag = byName.remove("psd");
        if (psdTag != null) {
            switch (psdTag.value.toLowerCase(Locale.ROOT)) {
                case "y" -> psd = PsdFlag.Y;
                case "n" -> psd = PsdFlag.N;
                case "u" -> psd = PsdFlag.U;
                default -> warnings.add(DmarcRecordParse.IssueKind.INVALID_VALUE, psdTag.name, psdTag.position, "at " + psdTag.position + ": psd=" + abbreviate(psdTag.value)
                        + " is not y, n or u; default u used (DMARCbis)");
            }
        }

        Optional<Boolean> testing = Optional.empty();
        Tag tTag = byName.remove("t");
        if (tTag != null) {
            switch (tTag.value.toLowerCase(Locale.ROOT)) {
                case "y" -> testing = Optional.of(true);
                case "n" -> testing = Optional.of(false);
                default -> warnings.add(DmarcRecordParse.IssueKind.INVALID_VALUE, tTag.name, tTag.position, "at " + tTag.position + ": t=" + abbreviate(tTag.value)
                        + " is not y or n; default n used (DMARCbis)");
            }
        }

        for (Tag unknown : byName.values()) {
            warnings.add(DmarcRecordParse.IssueKind.UNKNOWN_TAG, unknown.name, unknown.position, "at " + unknown.position + ": unknown tag '" + unknown.name + "' ignored (RFC 7489 6.3)");
        }

        boolean fallback = false;
        if (policyProblem != null) {
            // RFC 7489 6.6.3: no valid p (or an invalid sp): with a valid rua, act as p=none; else no DMARC.
            if (rua.isEmpty()) {
                return new DmarcRecordParse.Invalid(policyProblem + " and rua has no valid URI, so the record is unusable (RFC 7489 6.6.3)",
                        policyProblemAt, pTag == null ? DmarcRecordParse.InvalidKind.MISSING_POLICY : DmarcRecordParse.InvalidKind.INVALID_POLICY,
                        policyProblemTag);
            }
            warnings.add(pTag == null && "p".equals(policyProblemTag) ? DmarcRecordParse.IssueKind.MISSING_POLICY : DmarcRecordParse.IssueKind.INVALID_VALUE,
                    policyProblemTag, policyProblemAt,
                    policyProblem + "; the record has a valid rua, so it is treated as p=none (RFC 7489 6.6.3)");
            p = Optional.of(Policy.NONE);
            sp = Optional.empty();
            np = Optional.empty();
            fallback = true;
        }
        DmarcRecord record = new DmarcRecord(p.orElseThrow(), sp, np, adkim, aspf, pct, rua, ruf, fo, rf, ri, psd,
                testing, fallback, text);
        return new DmarcRecordParse.Valid(record, warnings.messages, warnings.issues, tags.stream().map(Tag::name).toList());
    }

    /** The warnings of one parse, as text and structured. */
    private static final class Problems {
        final List<String> messages = new ArrayList<>();
        final List<DmarcRecordParse.Issue> issues = new ArrayList<>();

        void add(DmarcRecordParse.IssueKind kind, String tag, int position, String message) {
            messages.add(message);
            issues.add(new DmarcRecordParse.Issue(kind, tag, position, message));
        }
    }

    private static Alignment alignment(Tag tag, Problems warnings) {
        if (tag == null) {
            return Alignment.RELAXED;
        }
        return switch (tag.value.toLowerCase(Locale.ROOT)) {
            case "r" -> Alignment.RELAXED;
            case "s" -> Alignment.STRICT;
            default -> {
                warnings.add(DmarcRecordParse.IssueKind.INVALID_VALUE, tag.name, tag.position, "at " + tag.position + ": " + tag.name + "=" + abbreviate(tag.value)
                        + " is not r or s; default r used (RFC 7489 6.3)");
                yield Alignment.RELAXED;
            }
        };
    }

    /** RFC 7489 6.4: comma-separated dmarc-uris; invalid ones are dropped with a warning. */
    private static List<ReportUri> uris(Tag tag, Problems warnings) {
        if (tag == null) {
            return List.of();
        }
        List<ReportUri> out = new ArrayList<>();
        for (String raw : tag.value.split(",", -1)) {
            String item = stripWsp(raw);
            Optional<ReportUri> uri = parseUri(item);
            if (uri.isPresent()) {
                out.add(uri.get());
            } else {
                warnings.add(DmarcRecordParse.IssueKind.INVALID_URI, tag.name, tag.position, "at " + tag.position + ": " + tag.name + " URI '" + abbreviate(item)
                        + "' is not a valid dmarc-uri; ignored (RFC 7489 6.4)");
            }
        }
        return out;
    }

    /** One dmarc-uri: an absolute URI (RFC 3986) with an optional {@code !size[k|m|g|t]} limit. */
    static Optional<ReportUri> parseUri(String item) {
        if (item.isEmpty()) {
            return Optional.empty();
        }
        String uriPart = item;
        Optional<Long> limit = Optional.empty();
        Matcher m = SIZE_SUFFIX.matcher(item);
        if (m.find()) {
            uriPart = item.substring(0, m.start());
            String digits = m.group(1);
            if (digits.length() > 18) {
                return Optional.empty();
            }
            long n = Long.parseLong(digits);
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                return Optional.empty();
            }
            limit = Optional.of(n << shift);
        } else if (item.indexOf('!') >= 0) {
            return Optional.empty(); // a "!" must introduce a size (literal ones are percent-encoded)
        }
        try {
            URI u = new URI(uriPart);
            if (!u.isAbsolute() || u.getScheme() == null) {
                return Optional.empty();
            }
            if (u.getScheme().equalsIgnoreCase("mailto")) {
                String ssp = u.getSchemeSpecificPart();
                if (ssp == null || ssp.indexOf('@') <= 0 || ssp.endsWith("@")) {
                    return Optional.empty();
                }
            }
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        return Optional.of(new ReportUri(uriPart, limit));
    }

    /** White space of the tag-list grammar: SP, HTAB, CR, LF (FWS). */
    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static String stripWsp(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isWsp(s.charAt(a))) {
            a++;
        }
        while (b > a && isWsp(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    private static int leadingWsp(String s) {
        int a = 0;
        while (a < s.length() && isWsp(s.charAt(a))) {
            a++;
        }
        return a;
    }

    private static String abbreviate(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 60; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (s.length() > 60) {
            sb.append("...");
        }
        return sb.toString();
    }
}
