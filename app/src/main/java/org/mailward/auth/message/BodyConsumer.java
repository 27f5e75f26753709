package org.mailward.auth.message;

/**
 * Receives a message body as it streams past, line by line. {@link #content} may be called several times for one
 * line (chunk boundaries, very long lines); {@link #lineEnd} marks a line end (CRLF or a bare LF on input), and
 * {@link #end} the end of the body. Line-end bytes are never passed to {@link #content}; a bare CR not followed by
 * LF is content.
 */
public interface BodyConsumer {

    void content(byte[] buffer, int offset, int length);

    void lineEnd();

    void end();
}
