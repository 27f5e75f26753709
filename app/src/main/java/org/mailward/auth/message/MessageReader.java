package org.mailward.auth.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a message once: the header section is collected (up to {@link #maxHeaderBytes}; beyond that the rest of the
 * header section is skipped and {@link MessageHeaders#truncated()} is set), then the body streams in fixed-size
 * chunks to the consumers chosen from the headers. The body is never held: memory is the header section plus one
 * read buffer whatever the message size.
 *
 * <p>RFC 5322 2.1/2.2: a line ends with CRLF; a bare LF is accepted as a line end too (Unix storage). The header
 * section ends at the first empty line; a message with no empty line has headers only. A first line of the mbox
 * form {@code "From "} is skipped. A line that is neither a field nor a continuation is kept as a malformed field
 * (empty name). A continuation line before any field is a malformed field as well.
 */
public final class MessageReader {

    /** Default cap on the header section: 1 MiB, far above any real header block. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 1 << 20;

    private static final int CHUNK = 64 * 1024;

    private final int maxHeaderBytes;

    public MessageReader() {
        this(DEFAULT_MAX_HEADER_BYTES);
    }

    public MessageReader(int maxHeaderBytes) {
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes too small: " + maxHeaderBytes);
        }
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /**
     * The outcome of reading a message.
     *
     * @param headers   the header section
     * @param bodyBytes bytes of the body as read (before any line-end normalisation)
     */
    public record Read(MessageHeaders headers, long bodyBytes) {
    }

    /** Reads only the header section of an in-memory message (the body is skipped). */
    public static MessageHeaders headers(byte[] message) {
        return new MessageReader().read(message, h -> List.of()).headers();
    }

    /** Reads an in-memory message in place (no copy, no read buffer). */
    public Read read(byte[] message, Function<MessageHeaders, List<? extends BodyConsumer>> consumers) {
        HeaderCollector hc = new HeaderCollector(maxHeaderBytes, message);
        int bodyStart = hc.feed(message, 0, message.length);
        MessageHeaders headers = hc.finish();
        BodySplitter body = new BodySplitter(List.copyOf(consumers.apply(headers)));
        long bodyBytes = 0;
        if (bodyStart >= 0 && bodyStart < message.length) {
            body.process(message, bodyStart, message.length - bodyStart);
            bodyBytes = message.length - bodyStart;
        }
        body.finish();
        return new Read(headers, bodyBytes);
    }

    /**
     * Reads the message: collects headers, asks {@code consumers} which body consumers want the body, streams the
     * body to them and calls their {@link BodyConsumer#end()}.
     */
    public Read read(InputStream in, Function<MessageHeaders, List<? extends BodyConsumer>> consumers) throws IOException {
        byte[] buf = new byte[CHUNK];
        HeaderCollector hc = new HeaderCollector(maxHeaderBytes);
        int n;
        int bodyStart = -1;
        int filled = 0;
        while ((n = in.read(buf)) > 0) {
            int end = hc.feed(buf, 0, n);
            if (end >= 0) {
                bodyStart = end;
                filled = n;
                break;
            }
        }
        MessageHeaders headers = hc.finish();
        List<? extends BodyConsumer> cs = List.copyOf(consumers.apply(headers));
        BodySplitter body = new BodySplitter(cs);
        long bodyBytes = 0;
        if (bodyStart >= 0) {
            if (bodyStart < filled) {
                body.process(buf, bodyStart, filled - bodyStart);
                bodyBytes += filled - bodyStart;
            }
            while ((n = in.read(buf)) > 0) {
                body.process(buf, 0, n);
                bodyBytes += n;
            }
        }
        body.finish();
        return new Read(headers, bodyBytes);
    }

    /** The index of the first LF in {@code [from, to)}, or {@code to}. */
    private static int lineFeed(byte[] b, int from, int to) {
        int lf = ByteScan.indexOf(b, from, to, (byte) '\n');
        return lf < 0 ? to : lf;
    }

    /** Collects header bytes until the empty line; bounded. */
    private static final class HeaderCollector {
        private final int max;
        private final boolean inPlace; // data is the message itself, fed once from its start: nothing to copy
        private byte[] data;
        private int size;
        private long seen;
        private boolean truncated;
        private int lineBytes;
        private boolean lastWasCr;
        private boolean inFirstLine = true;
        private boolean lfOnly;

        HeaderCollector(int max) {
            this.max = max;
            this.inPlace = false;
            this.data = new byte[4096];
        }

        /** Collects the header section of an in-memory message where it lies. */
        HeaderCollector(int max, byte[] message) {
            this.max = max;
            this.inPlace = true;
            this.data = message;
        }

        /** Returns the offset in buf where the body starts, or -1 when the header section continues. */
        int feed(byte[] buf, int off, int len) {
            int end = off + len;
            int i = off;
            while (i < end) {
                int lf = lineFeed(buf, i, end);
                if (lf == end) { // the line goes on in the next read
                    append(buf, i, end - i);
                    seen += end - i;
                    lineBytes += end - i;
                    lastWasCr = buf[end - 1] == '\r';
                    return -1;
                }
                append(buf, i, lf + 1 - i);
                seen += lf + 1 - i;
                if (lf > i) {
                    lineBytes += lf - i;
                    lastWasCr = buf[lf - 1] == '\r';
                }
                if (inFirstLine) {
                    lfOnly = !lastWasCr;
                    inFirstLine = false;
                }
                boolean blank = lineBytes == 0 || (lineBytes == 1 && lastWasCr);
                lineBytes = 0;
                lastWasCr = false;
                if (blank) {
                    return lf + 1;
                }
                i = lf + 1;
            }
            return -1;
        }

        /** Appends up to the cap; bytes beyond it are dropped and the section marked truncated. */
        private void append(byte[] b, int off, int len) {
            int n = Math.min(len, max - size);
            if (n < len) {
                truncated = true;
            }
            if (n <= 0) {
                return;
            }
            if (inPlace) {
                if (b != data || off != size) {
                    throw new IllegalStateException("in-place header bytes must be fed in order from the start");
                }
                size += n;
                return;
            }
            if (size + n > data.length) {
                data = Arrays.copyOf(data, Math.min(max, Math.max(data.length * 2, size + n)));
            }
            System.arraycopy(b, off, data, size, n);
            size += n;
        }

        MessageHeaders finish() {
            List<HeaderField> fields = new ArrayList<>();
            int p = 0;
            boolean first = true;
            int fieldStart = -1; // the current field's first byte in data
            int fieldEnd = -1; // just after its last line's terminator
            boolean fieldCrlf = true; // every line of the current field ends with CRLF
            while (p < size) {
                int lf = lineFeed(data, p, size);
                boolean hasLf = lf < size;
                if (!hasLf && truncated) {
                    break; // a partial line cut by the limit is dropped
                }
                int e = hasLf && lf > p && data[lf - 1] == '\r' ? lf - 1 : lf;
                int next = hasLf ? lf + 1 : size;
                if (e == p && hasLf) {
                    break; // the separator line
                }
                if (first && startsWithFrom(p, e)) {
                    first = false;
                    p = next;
                    continue; // mbox separator
                }
                first = false;
                boolean crlf = hasLf && e < lf;
                byte c0 = data[p];
                if ((c0 == ' ' || c0 == '\t') && fieldStart >= 0) {
                    fieldEnd = next;
                    fieldCrlf &= crlf;
                    p = next;
                    continue;
                }
                if (fieldStart >= 0) {
                    fields.add(field(fieldStart, fieldEnd, fieldCrlf));
                }
                fieldStart = p;
                fieldEnd = next;
                fieldCrlf = crlf;
                p = next;
            }
            if (fieldStart >= 0) {
                fields.add(field(fieldStart, fieldEnd, fieldCrlf));
            }
            data = null;
            return new MessageHeaders(fields, truncated, seen, lfOnly);
        }

        private boolean startsWithFrom(int p, int e) {
            return e - p >= 5 && data[p] == 'F' && data[p + 1] == 'r' && data[p + 2] == 'o' && data[p + 3] == 'm' && data[p + 4] == ' ';
        }

        /**
         * The field stored in data[start, end): taken as it is when every line ends with CRLF (the usual case),
         * otherwise rebuilt line by line with each line end (LF, or none at the very end) made CRLF.
         */
        private HeaderField field(int start, int end, boolean crlf) {
            if (crlf) {
                return HeaderField.of(new String(data, start, end - start, StandardCharsets.ISO_8859_1));
            }
            StringBuilder sb = new StringBuilder(end - start + 8);
            int p = start;
            while (p < end) {
                int lf = lineFeed(data, p, end);
                boolean hasLf = lf < end;
                int e = hasLf && lf > p && data[lf - 1] == '\r' ? lf - 1 : lf;
                sb.append(new String(data, p, e - p, StandardCharsets.ISO_8859_1)).append("\r\n");
                p = hasLf ? lf + 1 : end;
            }
            return HeaderField.of(sb.toString());
        }
    }

    /** Splits body bytes into line content and line ends; CR LF split across reads is handled. */
    private static final class BodySplitter {
        private static final byte[] CR = {'\r'};
        private final BodyConsumer[] consumers;
        private boolean pendingCr;

        BodySplitter(List<? extends BodyConsumer> consumers) {
            this.consumers = consumers.toArray(new BodyConsumer[0]);
        }

        void process(byte[] buf, int off, int len) {
            if (consumers.length == 0) {
                return;
            }
            int p = off;
            int end = off + len;
            while (p < end) {
                int j = lineFeed(buf, p, end);
                if (j == end) {
                    if (pendingCr) {
                        emit(CR, 0, 1);
                        pendingCr = false;
                    }
                    int e = end;
                    if (buf[end - 1] == '\r') {
                        pendingCr = true;
                        e--;
                    }
                    if (e > p) {
                        emit(buf, p, e - p);
                    }
                    return;
                }
                if (pendingCr) {
                    if (j != p) {
                        emit(CR, 0, 1);
                    }
                    pendingCr = false;
                }
                int e = j;
                if (e > p && buf[e - 1] == '\r') {
                    e--;
                }
                if (e > p) {
                    emit(buf, p, e - p);
                }
                for (BodyConsumer c : consumers) {
                    c.lineEnd();
                }
                p = j + 1;
            }
        }

        private void emit(byte[] b, int off, int len) {
            for (BodyConsumer c : consumers) {
                c.content(b, off, len);
            }
        }

        void finish() {
            if (pendingCr) {
                emit(CR, 0, 1);
                pendingCr = false;
            }
            for (BodyConsumer c : consumers) {
                c.end();
            }
        }
    }
}
