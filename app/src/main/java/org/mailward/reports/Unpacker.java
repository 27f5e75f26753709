package org.mailward.reports;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.mailward.reports.MimeReader.Part;

/**
 * Turns one input (file, mail, upload) into report payloads by content, not by file name: gzip and zip archives
 * are opened, mbox files split, e-mails walked for attachments, and what remains is classified as aggregate XML,
 * TLS-RPT JSON or an ARF failure report. Every limit of {@link IngestLimits} is enforced across the whole input,
 * so a bomb ends as an {@link Payload.Unreadable} with a clear reason, never as an exhausted heap.
 */
public final class Unpacker {

    /** What one input contained. {@code part} names where, e.g. {@code message 2/rua.zip/report.xml}. */
    public sealed interface Payload {
        String part();

        record AggregateXml(String part, byte[] bytes) implements Payload {
        }

        record TlsJson(String part, byte[] bytes) implements Payload {
        }

        record Arf(String part, Part message, byte[] bytes) implements Payload {
        }

        record Unreadable(String part, ReportKind kind, String reason) implements Payload {
        }
    }

    private final IngestLimits limits;
    private long expanded;
    private int entries;
    private final List<Payload> out = new ArrayList<>();

    private Unpacker(IngestLimits limits) {
        this.limits = limits;
    }

    /** Unpacks one input; never throws on bad input. */
    public static List<Payload> unpack(String name, byte[] input, IngestLimits limits) {
        Unpacker u = new Unpacker(limits);
        if (input.length > limits.maxInputBytes()) {
            u.out.add(new Payload.Unreadable(name, ReportKind.UNKNOWN,
                    "refused: input is " + input.length + " bytes, over the limit of " + limits.maxInputBytes()));
            return u.out;
        }
        try {
            u.content(name, "", input, 0);
        } catch (LimitExceeded e) {
            u.out.add(new Payload.Unreadable(name, ReportKind.UNKNOWN, e.getMessage()));
        } catch (RuntimeException e) {
            u.out.add(new Payload.Unreadable(name, ReportKind.UNKNOWN, "internal unpacker error: " + e));
        }
        return u.out;
    }

    private void content(String part, String contentType, byte[] b, int depth) {
        if (depth > limits.maxNesting()) {
            throw new LimitExceeded("refused: archives/messages nested deeper than " + limits.maxNesting() + " levels at " + part);
        }
        if (isGzip(b)) {
            ByteArrayOutputStream inflated;
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
                inflated = bounded(in, part);
            } catch (IOException e) {
                out.add(new Payload.Unreadable(part, ReportKind.UNKNOWN, "corrupt gzip: " + e.getMessage()));
                return;
            }
            content(part.replaceFirst("(?i)\\.gz$", "") + (part.toLowerCase(Locale.ROOT).endsWith(".gz") ? "" : "(gunzipped)"),
                    "", inflated.toByteArray(), depth + 1);
            return;
        }
        if (isZip(b)) {
            zip(part, b, depth);
            return;
        }
        int start = firstNonSpace(b);
        if (start >= b.length) {
            out.add(new Payload.Unreadable(part, ReportKind.UNKNOWN, "empty input"));
            return;
        }
        if (b[start] == '<') {
            out.add(new Payload.AggregateXml(part, b));
        } else if (b[start] == '{') {
            out.add(new Payload.TlsJson(part, b));
        } else if (startsWith(b, start, "From ")) {
            List<byte[]> messages = MimeReader.splitMbox(b);
            int n = 0;
            for (byte[] m : messages) {
                n++;
                count(part);
                message(part + "/message " + n, m, depth + 1);
            }
        } else if (looksLikeHeader(b, start) || contentType.startsWith("message/")) {
            message(part, b, depth);
        } else {
            out.add(new Payload.Unreadable(part, ReportKind.UNKNOWN,
                    "unrecognised content: not XML, JSON, gzip, zip or e-mail"));
        }
    }

    private void message(String part, byte[] raw, int depth) {
        ParseOutcome<Part> parsed = MimeReader.parse(raw, Math.max(1, limits.maxEntries() - entries), limits.maxNesting() + 3);
        if (parsed instanceof ParseOutcome.Rejected<Part> r) {
            out.add(new Payload.Unreadable(part, ReportKind.UNKNOWN, r.reason()));
            return;
        }
        Part message = ((ParseOutcome.Ok<Part>) parsed).value();
        if (FailureReportParser.isArf(message)) {
            out.add(new Payload.Arf(part, message, raw));
            return;
        }
        int before = out.size();
        walk(part, message, depth, true);
        if (out.size() == before) {
            out.add(new Payload.Unreadable(part, ReportKind.UNKNOWN, "e-mail contains no report (no XML, JSON, gzip or zip part)"));
        }
    }

    private void walk(String part, Part p, int depth, boolean top) {
        if (p.isMultipart()) {
            for (Part c : p.children()) {
                count(part);
                walk(part, c, depth, false);
            }
            return;
        }
        if (p.contentType().equals("message/rfc822") && !p.children().isEmpty()) {
            Part inner = p.children().get(0);
            if (FailureReportParser.isArf(inner)) {
                out.add(new Payload.Arf(part + "/forwarded", inner, p.content()));
            } else {
                walk(part + "/forwarded", inner, depth + 1, false);
            }
            return;
        }
        String name = p.filename();
        String ct = p.contentType();
        boolean textBody = (ct.equals("text/plain") || ct.equals("text/html")) && name.isEmpty();
        if (textBody || p.content().length == 0) {
            return;
        }
        expanded += p.content().length;
        checkExpanded(part);
        String child = part + "/" + (name.isEmpty() ? ct : name);
        byte[] c = p.content();
        if (isGzip(c) || isZip(c)) {
            content(child, ct, c, depth + 1);
            return;
        }
        int s = firstNonSpace(c);
        if (s < c.length && (c[s] == '<' || c[s] == '{')) {
            content(child, ct, c, depth + 1);
        } else if (!top && (ct.contains("xml") || ct.contains("json") || ct.contains("zip") || ct.contains("tlsrpt"))) {
            out.add(new Payload.Unreadable(child, ct.contains("json") || ct.contains("tlsrpt") ? ReportKind.TLSRPT
                    : ct.contains("xml") ? ReportKind.DMARC_AGGREGATE : ReportKind.UNKNOWN,
                    "attachment " + ct + " is not readable XML, JSON, gzip or zip"));
        }
    }

    private void zip(String part, byte[] b, int depth) {
        int found = 0;
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(b))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                count(part);
                found++;
                String child = part + "/" + e.getName();
                ByteArrayOutputStream entry = bounded(zin, child);
                content(child, "", entry.toByteArray(), depth + 1);
            }
        } catch (IOException | IllegalArgumentException e) {
            out.add(new Payload.Unreadable(part, ReportKind.UNKNOWN, "corrupt zip: " + e.getMessage()));
            return;
        }
        if (found == 0) {
            out.add(new Payload.Unreadable(part, ReportKind.UNKNOWN, "zip archive has no files"));
        }
    }

    private ByteArrayOutputStream bounded(InputStream in, String part) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        int n;
        while ((n = in.read(chunk)) > 0) {
            expanded += n;
            checkExpanded(part);
            buf.write(chunk, 0, n);
        }
        return buf;
    }

    private void checkExpanded(String part) {
        if (expanded > limits.maxExpandedBytes()) {
            throw new LimitExceeded("refused: " + part + " expands beyond " + limits.maxExpandedBytes()
                    + " bytes (decompression bomb?)");
        }
    }

    private void count(String part) {
        if (++entries > limits.maxEntries()) {
            throw new LimitExceeded("refused: more than " + limits.maxEntries() + " archive entries / messages / parts in " + part);
        }
    }

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    private static int firstNonSpace(byte[] b) {
        int i = 0;
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            i = 3;
        }
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] b, int at, String p) {
        byte[] x = p.getBytes(StandardCharsets.US_ASCII);
        if (at + x.length > b.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (b[at + i] != x[i]) {
                return false;
            }
        }
        return true;
    }

    /** An RFC 5322 header line: a field name of printable characters other than ':' then ':'. */
    private static boolean looksLikeHeader(byte[] b, int at) {
        int i = at;
        while (i < b.length && i - at < 80) {
            byte c = b[i];
            if (c == ':') {
                return i > at;
            }
            if (c < 33 || c > 126) {
                return false;
            }
            i++;
        }
        return false;
    }

    private static final class LimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }
}
