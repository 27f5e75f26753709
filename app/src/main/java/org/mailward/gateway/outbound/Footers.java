package org.mailward.gateway.outbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Appends a disclaimer/footer to a message, MIME-correctly (RFC 2045, RFC 2046):
 * <ul>
 * <li>text/plain (also a message without Content-Type, RFC 2045 5.2): the text footer is appended to the body;</li>
 * <li>text/html: the HTML footer is inserted before the last {@code </body>} (appended when there is none);</li>
 * <li>multipart/alternative: both kinds are applied to each text/plain and text/html part directly inside it;</li>
 * <li>any other multipart (mixed, related, signed is excluded): applied to the FIRST body part only, when that is
 *     text or multipart/alternative (the usual "message, then attachments" shape); otherwise nothing is added;</li>
 * <li>multipart/signed and multipart/encrypted are never changed (that would break the sender's signature).</li>
 * </ul>
 * Only bodies in 7bit, 8bit or quoted-printable get a footer (the footer is quoted-printable encoded for the
 * latter); base64 or an unknown encoding is skipped. A non-ASCII footer needs a UTF-8 part (and not 7bit). Every
 * skip is reported in {@link Result#notes()}. Never throws on malformed input: what cannot be parsed is left alone.
 */
public final class Footers {

    /** The message (unchanged when nothing was added), whether a footer was added, and why parts were skipped. */
    public record Result(byte[] message, boolean changed, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");
    private static final Pattern CHARSET = Pattern.compile("(?i);\\s*charset\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");
    private static final int MAX_DEPTH = 8;

    private final String text;
    private final String html;
    private final List<String> notes = new ArrayList<>();

    private Footers(String text, String html) {
        this.text = crlf(text);
        this.html = crlf(html);
    }

    /** Applies {@code text} (for text/plain) and {@code html} (for text/html); either may be empty. */
    public static Result apply(byte[] message, String text, String html) {
        Footers f = new Footers(text, html);
        String m = new String(message, StandardCharsets.ISO_8859_1);
        int end = m.indexOf("\r\n\r\n");
        if (end < 0) {
            f.notes.add("no header/body separator: footer skipped");
            return new Result(message, false, f.notes);
        }
        String header = m.substring(0, end + 2);
        Optional<String> body = f.entity(header, m.substring(end + 4), true, 0);
        if (body.isEmpty()) {
            return new Result(message, false, f.notes);
        }
        return new Result((m.substring(0, end + 4) + body.get()).getBytes(StandardCharsets.ISO_8859_1), true, f.notes);
    }

    private static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
    }

    /** The value of a header field (unfolded), or empty. {@code header} is the header section ending in CRLF. */
    static Optional<String> field(String header, String name) {
        String unfolded = header.replace("\r\n\t", " ").replace("\r\n ", " ");
        String want = name.toLowerCase(Locale.ROOT) + ":";
        Optional<String> found = Optional.empty();
        for (String line : unfolded.split("\r\n", -1)) {
            if (line.toLowerCase(Locale.ROOT).startsWith(want)) {
                if (found.isPresent()) {
                    return Optional.empty(); // duplicated MIME field: ambiguous, leave the entity alone
                }
                found = Optional.of(line.substring(want.length()).trim());
            }
        }
        return found;
    }

    private static int count(String header, String name) {
        String want = name.toLowerCase(Locale.ROOT) + ":";
        int n = 0;
        for (String line : header.split("\r\n", -1)) {
            if (line.toLowerCase(Locale.ROOT).startsWith(want)) {
                n++;
            }
        }
        return n;
    }

    private static Optional<String> param(Pattern p, String contentType) {
        Matcher x = p.matcher(contentType);
        return x.find() ? Optional.of(x.group(1) != null ? x.group(1) : x.group(2)) : Optional.empty();
    }

    /** The new body of an entity, or empty when nothing was added. */
    private Optional<String> entity(String header, String body, boolean top, int depth) {
        for (String f : List.of("Content-Type", "Content-Transfer-Encoding")) {
            if (count(header, f) > 1) {
                notes.add(f + " given twice: the entity is ambiguous, footer skipped");
                return Optional.empty();
            }
        }
        String ct = field(header, "Content-Type").orElse("text/plain");
        String type = ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (type.equals("text/plain")) {
            return text.isBlank() ? Optional.empty() : textual(header, ct, body, text, false, top);
        }
        if (type.equals("text/html")) {
            return html.isBlank() ? Optional.empty() : textual(header, ct, body, html, true, top);
        }
        if (type.startsWith("multipart/")) {
            if (type.equals("multipart/signed") || type.equals("multipart/encrypted")) {
                notes.add(type + ": never changed (it would break the sender's signature or encryption)");
                return Optional.empty();
            }
            if (depth >= MAX_DEPTH) {
                notes.add("multipart nesting deeper than " + MAX_DEPTH + ": footer skipped");
                return Optional.empty();
            }
            Optional<String> b = param(BOUNDARY, ct);
            if (b.isEmpty() || b.get().isEmpty()) {
                notes.add(type + " without a boundary: footer skipped");
                return Optional.empty();
            }
            return multipart(type, b.get(), body, depth);
        }
        notes.add("top-level type " + type + ": no text part to add a footer to");
        return Optional.empty();
    }

    private Optional<String> multipart(String type, String boundary, String body, int depth) {
        String delim = "--" + boundary;
        int first = body.startsWith(delim) ? 0 : body.indexOf("\r\n" + delim);
        if (first < 0) {
            notes.add(type + ": no boundary delimiter in the body: footer skipped");
            return Optional.empty();
        }
        if (first > 0 || !body.startsWith(delim)) {
            first += 2;
        }
        // parts: [start, end) of each body part's text between delimiter lines (RFC 2046 5.1.1)
        List<int[]> parts = new ArrayList<>();
        int at = first;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            String line = body.substring(at, eol);
            if (line.startsWith(delim + "--")) {
                break;
            }
            int start = eol + 2;
            int next = body.indexOf("\r\n" + delim, start - 2);
            if (next < 0) {
                notes.add(type + ": missing close delimiter: footer skipped");
                return Optional.empty();
            }
            parts.add(new int[] {start, Math.max(start, next)});
            at = next + 2;
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        List<int[]> targets = type.equals("multipart/alternative") ? parts : List.of(parts.get(0));
        StringBuilder out = new StringBuilder(body.length() + 512);
        int copied = 0;
        boolean changed = false;
        for (int[] p : targets) {
            String part = body.substring(p[0], p[1]);
            String ph;
            String pb;
            if (part.startsWith("\r\n")) {
                ph = "";
                pb = part.substring(2);
            } else {
                int e = part.indexOf("\r\n\r\n");
                if (e < 0) {
                    continue;
                }
                ph = part.substring(0, e + 2);
                pb = part.substring(e + 4);
            }
            String ptype = field(ph, "Content-Type").orElse("text/plain").split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            boolean eligible = ptype.startsWith("text/plain") || ptype.startsWith("text/html")
                    || (!type.equals("multipart/alternative") && ptype.equals("multipart/alternative"));
            if (!eligible) {
                if (!type.equals("multipart/alternative")) {
                    notes.add(type + ": first part is " + ptype + ", not text: footer skipped");
                }
                continue;
            }
            Optional<String> nb = entity(ph, pb, false, depth + 1);
            if (nb.isPresent()) {
                int bodyStart = p[1] - pb.length();
                out.append(body, copied, bodyStart).append(nb.get());
                copied = p[1];
                changed = true;
            }
        }
        if (!changed) {
            return Optional.empty();
        }
        out.append(body, copied, body.length());
        return Optional.of(out.toString());
    }

    private Optional<String> textual(String header, String ct, String body, String footer, boolean isHtml, boolean top) {
        String cte = field(header, "Content-Transfer-Encoding").orElse("7bit").toLowerCase(Locale.ROOT);
        String kind = isHtml ? "text/html" : "text/plain";
        if (!cte.equals("7bit") && !cte.equals("8bit") && !cte.equals("quoted-printable")) {
            notes.add(kind + " part in Content-Transfer-Encoding " + cte + ": footer skipped");
            return Optional.empty();
        }
        boolean ascii = footer.chars().allMatch(c -> c < 128);
        String charset = param(CHARSET, ct).orElse("us-ascii").toLowerCase(Locale.ROOT);
        if (!ascii && !charset.equals("utf-8") && !charset.equals("utf8")) {
            notes.add(kind + " part in charset " + charset + ": a non-ASCII footer would be garbled: skipped");
            return Optional.empty();
        }
        if (!ascii && cte.equals("7bit")) {
            notes.add(kind + " part in 7bit: a non-ASCII footer cannot be added: skipped");
            return Optional.empty();
        }
        String raw = new String(footer.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String enc = cte.equals("quoted-printable") ? quotedPrintable(raw) : raw;
        if (isHtml) {
            int close = body.toLowerCase(Locale.ROOT).lastIndexOf("</body>");
            if (close >= 0) {
                return Optional.of(body.substring(0, close) + enc + (cte.equals("quoted-printable") ? "=\r\n" : "\r\n") + body.substring(close));
            }
        }
        String sep = body.isEmpty() || body.endsWith("\r\n") ? "" : "\r\n";
        return Optional.of(body + sep + "\r\n" + enc + (top ? "\r\n" : ""));
    }

    /** RFC 2045 6.7: hard line breaks kept as CRLF, lines soft-broken to at most 76 characters. */
    static String quotedPrintable(String latin1Bytes) {
        StringBuilder out = new StringBuilder();
        String[] lines = latin1Bytes.split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int col = 0;
            for (int j = 0; j < line.length(); j++) {
                char c = line.charAt(j);
                boolean last = j == line.length() - 1;
                String t = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last) ? String.valueOf(c)
                        : String.format(Locale.ROOT, "=%02X", (int) c);
                if (col + t.length() > 75) {
                    out.append("=\r\n");
                    col = 0;
                }
                out.append(t);
                col += t.length();
            }
            if (i < lines.length - 1) {
                out.append("\r\n");
            }
        }
        return out.toString();
    }
}
