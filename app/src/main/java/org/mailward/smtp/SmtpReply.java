package org.mailward.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply: a three-digit code (RFC 5321 4.2), an enhanced status code (RFC 3463, e.g. {@code 5.7.1}; empty
 * when none applies, e.g. for the greeting) and one or more text lines.
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        Objects.requireNonNull(enhanced);
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            lines = List.of("");
        }
        if (!enhanced.isEmpty() && enhanced.charAt(0) - '0' != code / 100) {
            throw new IllegalArgumentException("enhanced code " + enhanced + " does not match " + code);
        }
    }

    public static SmtpReply of(int code, String enhanced, String text) {
        return new SmtpReply(code, enhanced, List.of(text));
    }

    public boolean positive() {
        return code < 400;
    }

    public boolean transientFailure() {
        return code >= 400 && code < 500;
    }

    public boolean permanentFailure() {
        return code >= 500;
    }

    /** The first text line, without codes. */
    public String text() {
        return String.join(" ", lines);
    }

    /** Wire form, every line ending in CRLF; enhanced codes only when the session advertised them (RFC 2034). */
    public byte[] render(boolean enhancedCodes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhancedCodes && !enhanced.isEmpty()) {
                sb.append(enhanced).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return code + (enhanced.isEmpty() ? "" : " " + enhanced) + " " + text();
    }
}
