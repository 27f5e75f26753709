package org.mailward.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte input of an SMTP connection with a buffer we own, so the session can tell whether the client has sent
 * more than it should have (pipelining synchronisation, early talkers) and can throw away whatever was buffered
 * before a TLS handshake (RFC 3207 6, CVE-2011-0411: plaintext injected after STARTTLS must never be read as if it
 * had come over TLS).
 */
public final class SmtpInput {

    /** One line as read: the bytes without the line end, and how the line ended. */
    public record Line(byte[] bytes, boolean crlf, boolean bareLf, boolean bareCr, boolean tooLong, boolean eof) {
    }

    private final InputStream in;
    private final byte[] buf = new byte[16384];
    private int pos;
    private int end;

    private final java.io.Flushable beforeBlocking;

    /** {@code beforeBlocking} is flushed before every blocking read (replies batched while pipelining go out). */
    public SmtpInput(InputStream in, java.io.Flushable beforeBlocking) {
        this.in = in;
        this.beforeBlocking = beforeBlocking;
    }

    public SmtpInput(InputStream in) {
        this(in, () -> { });
    }

    /** Octets already received and not yet consumed (our buffer plus what the stream says it holds). */
    public int available() {
        int n = end - pos;
        try {
            n += in.available();
        } catch (IOException e) {
            // a closed stream has nothing more to offer
        }
        return n;
    }

    /** Octets in our own buffer. */
    public int buffered() {
        return end - pos;
    }

    /** Discards everything buffered; returns how many octets were thrown away. */
    public int discardBuffered() {
        int n = end - pos;
        pos = end = 0;
        return n;
    }

    private boolean fill() throws IOException {
        if (pos < end) {
            return true;
        }
        beforeBlocking.flush();
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /** Blocks until at least one octet is buffered; false at end of stream. */
    public boolean waitForData() throws IOException {
        return fill();
    }

    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /**
     * Reads one line ending in LF. A line whose LF is not preceded by CR is marked {@code bareLf}; a CR anywhere
     * else in the line marks {@code bareCr}. At most {@code max} octets (including the line end) are kept; the rest
     * of a longer line is read and discarded and the line is marked {@code tooLong}.
     */
    public Line readLine(int max) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128);
        boolean bareCr = false;
        boolean prevCr = false;
        int count = 0;
        while (true) {
            if (!fill()) {
                if (prevCr) {
                    bareCr = true;
                    if (count <= max) {
                        out.write('\r');
                    }
                }
                return new Line(out.toByteArray(), false, false, bareCr, count > max, true);
            }
            int b = buf[pos++] & 0xff;
            count++;
            if (b == '\n') {
                return new Line(out.toByteArray(), prevCr, !prevCr, bareCr, count > max, false);
            }
            if (prevCr) {
                bareCr = true; // a CR not followed by LF
                if (count <= max) {
                    out.write('\r');
                }
            }
            prevCr = b == '\r';
            if (!prevCr && count <= max) {
                out.write(b);
            }
        }
    }

    /** Reads exactly {@code n} octets into {@code out} (at most {@code keep} of them are kept); false on EOF. */
    public boolean readExactly(long n, OutputStream out, long keep) throws IOException {
        long left = n;
        long kept = 0;
        while (left > 0) {
            if (!fill()) {
                return false;
            }
            int chunk = (int) Math.min(left, end - pos);
            int k = (int) Math.max(0, Math.min(chunk, keep - kept));
            if (k > 0) {
                out.write(buf, pos, k);
                kept += k;
            }
            pos += chunk;
            left -= chunk;
        }
        return true;
    }
}
