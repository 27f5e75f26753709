package org.mailward.reports;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A small, bounded MIME reader (RFC 2045, 2046, 5322) for report mail: headers (unfolded), Content-Type and
 * Content-Disposition parameters (with RFC 2231 {@code name*=} values), multipart bodies, base64 and
 * quoted-printable, and mbox files (mboxrd {@code >From} unquoting).
 *
 * <p>Why not Angus Mail: we only read, never send; report mail is hostile input, so this reader has explicit
 * limits (parts, nesting) and never throws, is lenient where report senders are sloppy (bare LF, missing final
 * boundary, junk in base64), and is small enough to fuzz completely. It keeps the dependency list shorter too.
 */
public final class MimeReader {

    /** One MIME entity: its headers and either decoded content (leaf) or children (multipart, message/rfc822). */
    public record Part(List<Header> headers, String contentType, Map<String, String> params, byte[] content,
                       List<Part> children) {
        public Part {
            headers = List.copyOf(headers);
            params = Map.copyOf(params);
            children = List.copyOf(children);
        }

        /** The first header of that name (case-insensitive), unfolded. */
        public Optional<String> header(String name) {
            for (Header h : headers) {
                if (h.name().equalsIgnoreCase(name)) {
                    return Optional.of(h.value());
                }
            }
            return Optional.empty();
        }

        public String param(String name) {
            return params.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        /** The file name from Content-Disposition or Content-Type, or "". */
        public String filename() {
            return header("Content-Disposition").map(MimeReader::parameters)
                    .map(p -> p.getOrDefault("filename", "")).filter(s -> !s.isEmpty())
                    .orElse(param("name"));
        }

        public boolean isMultipart() {
            return contentType.startsWith("multipart/");
        }
    }

    public record Header(String name, String value) {
    }

    private final int maxParts;
    private final int maxDepth;
    private int parts;

    private MimeReader(int maxParts, int maxDepth) {
        this.maxParts = maxParts;
        this.maxDepth = maxDepth;
    }

    /** Parses one message; never throws on bad input. */
    public static ParseOutcome<Part> parse(byte[] message, int maxParts, int maxDepth) {
        try {
            MimeReader r = new MimeReader(maxParts, maxDepth);
            return ParseOutcome.ok(r.entity(message, 0, message.length, 0, "text/plain"));
        } catch (Refused e) {
            return ParseOutcome.rejected(e.getMessage());
        } catch (RuntimeException e) {
            return ParseOutcome.rejected("internal MIME reader error: " + e);
        }
    }

    /** Splits an mbox file into its messages (a line starting with "From " after a blank line or at the start). */
    public static List<byte[]> splitMbox(byte[] mbox) {
        List<byte[]> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        boolean prevBlank = true;
        while (i < mbox.length) {
            int eol = indexOf(mbox, (byte) '\n', i);
            int lineEnd = eol < 0 ? mbox.length : eol + 1;
            boolean from = startsWith(mbox, i, "From ");
            if (from && prevBlank) {
                if (start >= 0) {
                    out.add(unquoteFrom(mbox, start, i));
                }
                start = lineEnd;
            }
            int len = lineEnd - i;
            prevBlank = len <= 2 && (len == 0 || mbox[i] == '\n' || mbox[i] == '\r');
            i = lineEnd;
        }
        if (start >= 0 && start < mbox.length) {
            out.add(unquoteFrom(mbox, start, mbox.length));
        }
        return out;
    }

    private static byte[] unquoteFrom(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            int eol = indexOf(b, (byte) '\n', i);
            int lineEnd = eol < 0 || eol >= to ? to : eol + 1;
            int j = i;
            while (j < lineEnd && b[j] == '>') {
                j++;
            }
            if (j > i && startsWith(b, j, "From ")) {
                out.write(b, i + 1, lineEnd - i - 1);
            } else {
                out.write(b, i, lineEnd - i);
            }
            i = lineEnd;
        }
        return out.toByteArray();
    }

    private Part entity(byte[] b, int from, int to, int depth, String defaultType) {
        if (++parts > maxParts) {
            throw new Refused("refused: more than " + maxParts + " MIME parts");
        }
        if (depth > maxDepth) {
            throw new Refused("refused: MIME nesting deeper than " + maxDepth);
        }
        List<Header> headers = new ArrayList<>();
        int bodyStart = headers(b, from, to, headers);
        String ct = defaultType;
        Map<String, String> params = Map.of();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("Content-Type")) {
                String v = h.value();
                int semi = v.indexOf(';');
                String t = (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
                if (t.contains("/")) {
                    ct = t;
                }
                params = parameters(v);
                break;
            }
        }
        if (ct.startsWith("multipart/")) {
            String boundary = params.getOrDefault("boundary", "");
            if (!boundary.isEmpty()) {
                List<Part> children = new ArrayList<>();
                String childDefault = ct.equals("multipart/digest") ? "message/rfc822" : "text/plain";
                for (int[] range : split(b, bodyStart, to, boundary)) {
                    children.add(entity(b, range[0], range[1], depth + 1, childDefault));
                }
                return new Part(headers, ct, params, new byte[0], children);
            }
            // no boundary: treat the body as opaque content
        }
        String cte = "";
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("Content-Transfer-Encoding")) {
                cte = h.value().trim().toLowerCase(Locale.ROOT);
                break;
            }
        }
        byte[] content = decode(b, bodyStart, to, cte);
        if (ct.equals("message/rfc822") || ct.equals("message/global")) {
            Part inner = entity(content, 0, content.length, depth + 1, "text/plain");
            return new Part(headers, ct, params, content, List.of(inner));
        }
        return new Part(headers, ct, params, content, List.of());
    }

    /** Reads header lines from {@code from}; returns the offset of the body. */
    private static int headers(byte[] b, int from, int to, List<Header> out) {
        int i = from;
        StringBuilder current = null;
        while (i < to) {
            int eol = indexOf(b, (byte) '\n', i);
            int lineEnd = eol < 0 || eol >= to ? to : eol + 1;
            int contentEnd = lineEnd;
            if (contentEnd > i && b[contentEnd - 1] == '\n') {
                contentEnd--;
            }
            if (contentEnd > i && b[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            if (contentEnd == i) {
                flush(current, out);
                return lineEnd;
            }
            String line = new String(b, i, contentEnd - i, StandardCharsets.UTF_8);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(' ').append(line.strip());
            } else if (line.indexOf(':') > 0 && !line.startsWith("From ")) {
                flush(current, out);
                current = new StringBuilder(line);
            } else if (out.isEmpty() && current == null && line.startsWith("From ")) {
                // an mbox separator line left at the top of a single message: skip it
            } else {
                // not a header line: the headers ended without a blank line
                flush(current, out);
                return i;
            }
            i = lineEnd;
        }
        flush(current, out);
        return to;
    }

    private static void flush(StringBuilder current, List<Header> out) {
        if (current == null) {
            return;
        }
        String s = current.toString();
        int colon = s.indexOf(':');
        if (colon > 0 && out.size() < 1000) {
            out.add(new Header(s.substring(0, colon).trim(), s.substring(colon + 1).trim()));
        }
    }

    /** Content-Type / Content-Disposition parameters, lower-case names, quotes removed, RFC 2231 values decoded. */
    static Map<String, String> parameters(String headerValue) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = headerValue.indexOf(';');
        while (i >= 0 && i < headerValue.length()) {
            i++;
            int eq = headerValue.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = headerValue.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int j = eq + 1;
            while (j < headerValue.length() && headerValue.charAt(j) == ' ') {
                j++;
            }
            String value;
            if (j < headerValue.length() && headerValue.charAt(j) == '"') {
                StringBuilder v = new StringBuilder();
                j++;
                while (j < headerValue.length() && headerValue.charAt(j) != '"') {
                    char c = headerValue.charAt(j);
                    if (c == '\\' && j + 1 < headerValue.length()) {
                        j++;
                        c = headerValue.charAt(j);
                    }
                    v.append(c);
                    j++;
                }
                value = v.toString();
                i = headerValue.indexOf(';', j);
            } else {
                int semi = headerValue.indexOf(';', j);
                value = (semi < 0 ? headerValue.substring(j) : headerValue.substring(j, semi)).trim();
                i = semi;
            }
            if (name.endsWith("*")) {
                name = name.substring(0, name.length() - 1);
                int q = value.indexOf("''");
                value = percentDecode(q >= 0 ? value.substring(q + 2) : value);
            }
            if (!name.isEmpty()) {
                out.putIfAbsent(name, value);
            }
        }
        return out;
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && hex(s, i + 1) >= 0) {
                out.write(hex(s, i + 1));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(String s, int i) {
        if (i + 1 >= s.length()) {
            return -1;
        }
        int hi = Character.digit(s.charAt(i), 16);
        int lo = Character.digit(s.charAt(i + 1), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /** The body ranges between boundary delimiter lines (RFC 2046 5.1.1); a missing close delimiter is tolerated. */
    private static List<int[]> split(byte[] b, int from, int to, String boundary) {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> out = new ArrayList<>();
        int partStart = -1;
        int i = from;
        while (i < to) {
            int eol = indexOf(b, (byte) '\n', i);
            int lineEnd = eol < 0 || eol >= to ? to : eol + 1;
            if (startsWith(b, i, delim) && i + delim.length <= to) {
                boolean close = i + delim.length + 1 < to && b[i + delim.length] == '-' && b[i + delim.length + 1] == '-';
                if (partStart >= 0) {
                    int end = i;
                    // the CRLF before the delimiter belongs to the delimiter
                    if (end > partStart && b[end - 1] == '\n') {
                        end--;
                    }
                    if (end > partStart && b[end - 1] == '\r') {
                        end--;
                    }
                    out.add(new int[] {partStart, Math.max(partStart, end)});
                }
                if (close) {
                    return out;
                }
                partStart = lineEnd;
            }
            i = lineEnd;
        }
        if (partStart >= 0 && partStart < to) {
            out.add(new int[] {partStart, to});
        }
        return out;
    }

    private static byte[] decode(byte[] b, int from, int to, String cte) {
        return switch (cte) {
            case "base64" -> base64(b, from, to);
            case "quoted-printable" -> quotedPrintable(b, from, to);
            default -> java.util.Arrays.copyOfRange(b, from, to);
        };
    }

    /** Lenient base64: characters outside the alphabet are skipped, a truncated final quantum is dropped. */
    static byte[] base64(byte[] b, int from, int to) {
        byte[] clean = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                clean[n++] = c;
            } else if (c == '=') {
                break;
            }
        }
        n -= n % 4 == 1 ? 1 : 0;
        return Base64.getDecoder().decode(pad(clean, n));
    }

    private static byte[] pad(byte[] clean, int n) {
        int padded = (n + 3) / 4 * 4;
        byte[] out = java.util.Arrays.copyOf(clean, padded);
        for (int i = n; i < padded; i++) {
            out[i] = '=';
        }
        return out;
    }

    static byte[] quotedPrintable(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '=') {
                if (i + 1 < to && b[i + 1] == '\n') {
                    i += 1;
                    continue;
                }
                if (i + 2 < to && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    i += 2;
                    continue;
                }
                if (i + 2 < to) {
                    int hi = Character.digit(b[i + 1], 16);
                    int lo = Character.digit(b[i + 2], 16);
                    if (hi >= 0 && lo >= 0) {
                        out.write(hi * 16 + lo);
                        i += 2;
                        continue;
                    }
                }
            }
            out.write(c);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, String prefix) {
        return startsWith(b, at, prefix.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean startsWith(byte[] b, int at, byte[] p) {
        if (at + p.length > b.length) {
            return false;
        }
        for (int k = 0; k < p.length; k++) {
            if (b[at + k] != p[k]) {
                return false;
            }
        }
        return true;
    }

    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
