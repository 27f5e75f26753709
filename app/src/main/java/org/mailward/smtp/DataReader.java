package org.mailward.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Reads the content of DATA (RFC 5321 4.1.1.4) with strict framing: the message ends only at {@code CRLF . CRLF}
 * — a line that is exactly "." ending in CRLF whose preceding line also ended in CRLF (or that is the first
 * line). Any other combination of bare CR or LF with a dot is content, and is reported as {@code bareLineEnd} so
 * the session refuses the whole message. Transparency (RFC 5321 4.5.2): a leading dot is removed.
 */
public final class DataReader {

    private DataReader() {
    }

    /**
     * @param message     the unstuffed content with CRLF line ends (as much as fits in the size limit)
     * @param tooBig      more than {@code maxSize} octets were sent
     * @param bareLineEnd a bare CR or LF was seen
     * @param lineTooLong a line was longer than the limit
     * @param eof         the connection ended before the end of data
     */
    public record Result(byte[] message, boolean tooBig, boolean bareLineEnd, boolean lineTooLong, boolean eof) {
    }

    public static Result read(SmtpInput in, long maxSize, int maxLine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        boolean tooBig = false;
        boolean bare = false;
        boolean tooLong = false;
        boolean previousCrlf = true; // the DATA command line ended in CRLF
        while (true) {
            // read with a generous cap so a long line is detected but never kept beyond the size limit
            SmtpInput.Line line = in.readLine(Math.max(maxLine, 1) + 1);
            if (line.eof()) {
                return new Result(out.toByteArray(), tooBig, bare, tooLong, true);
            }
            byte[] b = line.bytes();
            if (line.crlf() && previousCrlf && !line.bareCr() && b.length == 1 && b[0] == '.') {
                return new Result(out.toByteArray(), tooBig, bare, tooLong, false);
            }
            if (line.bareLf() || line.bareCr()) {
                bare = true;
            }
            if (line.tooLong() || b.length + 2 > maxLine) {
                tooLong = true;
            }
            int off = (previousCrlf && b.length > 0 && b[0] == '.') ? 1 : 0;
            long newSize = (long) out.size() + b.length - off + 2;
            if (newSize > maxSize) {
                tooBig = true;
            } else if (!tooBig) {
                out.write(b, off, b.length - off);
                out.write('\r');
                out.write('\n');
            }
            previousCrlf = line.crlf();
        }
    }
}
