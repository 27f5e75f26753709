package org.mailward.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates messages that stress canonicalisation: LF-only or CRLF line ends, trailing spaces and tabs, long folded
 * headers, empty bodies, bodies without a final line end, trailing blank and white-space-only lines, 8-bit and UTF-8
 * header values, duplicate headers, odd header-name case, long lines, MIME multipart. Everything stays within what
 * every DKIM implementation must accept (no bare CR, no colon-less header lines).
 */
final class NastyMessages {

    private NastyMessages() {
    }

    /** A generated message and a short description of its traits (for failure messages). */
    record Message(byte[] bytes, String traits, boolean lfOnly) {
    }

    static Message generate(Random rnd, int index) {
        boolean lf = rnd.nextInt(3) == 0;
        String nl = lf ? "\n" : "\r\n";
        List<String> traits = new ArrayList<>();
        traits.add(lf ? "LF" : "CRLF");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> headers = new ArrayList<>();
        headers.add(rnd.nextBoolean() ? "From: sender" + index + "@example.com" : "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.com>");
        headers.add("To: rcpt@example.net");
        if (rnd.nextInt(4) == 0) {
            headers.add("To: second@example.net");
            traits.add("dup-To");
        }
        int subjectKind = rnd.nextInt(6);
        switch (subjectKind) {
            case 0 -> headers.add("Subject: plain subject " + index);
            case 1 -> {
                headers.add("Subject: caf\u00e9 \u2603 UTF-8 r\u00e9sum\u00e9"); // raw UTF-8 (RFC 6532)
                traits.add("utf8-header");
            }
            case 2 -> {
                headers.add("Subject: \u00e9t\u00e9 8bit"); // raw 8-bit ISO-8859-1 byte, marked below
                traits.add("8bit-header");
            }
            case 3 -> {
                StringBuilder sb = new StringBuilder("Subject:");
                for (int i = 0; i < 40; i++) {
                    sb.append(rnd.nextInt(5) == 0 ? nl + (rnd.nextBoolean() ? "\t" : "  ") : " ").append("word").append(i);
                }
                headers.add(sb.toString());
                traits.add("folded-header");
            }
            case 4 -> {
                headers.add("sUbJeCt:   spaces   and\ttabs \t ");
                traits.add("ws-header");
            }
            default -> {
                headers.add("Subject: first");
                headers.add("Subject: second duplicate");
                traits.add("dup-Subject");
            }
        }
        headers.add("Date: Mon, 01 Jan 2024 10:00:0" + (index % 10) + " +0000");
        headers.add("Message-ID: <" + index + ".nasty@example.com>");
        if (rnd.nextInt(3) == 0) {
            headers.add("X-Trailing: value with trailing ws \t ");
            traits.add("trailing-ws-header");
        }
        if (rnd.nextInt(5) == 0) {
            headers.add("X-Empty:");
            traits.add("empty-header");
        }
        if (rnd.nextInt(4) == 0) {
            StringBuilder sb = new StringBuilder("X-Long: ");
            for (int i = 0; i < 30; i++) {
                sb.append("segment-").append(i).append(';').append(nl).append('\t');
            }
            sb.append("end");
            headers.add(sb.toString());
            traits.add("long-folded");
        }
        boolean mime = rnd.nextInt(4) == 0;
        if (mime) {
            headers.add("MIME-Version: 1.0");
            headers.add("Content-Type: multipart/alternative;" + nl + "\tboundary=\"b" + index + "\"");
            traits.add("mime");
        }
        for (String h : headers) {
            byte[] b = traits.contains("8bit-header") && h.startsWith("Subject:")
                    ? h.getBytes(StandardCharsets.ISO_8859_1) : h.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
            out.writeBytes(nl.getBytes(StandardCharsets.US_ASCII));
        }
        int bodyKind = rnd.nextInt(9);
        if (bodyKind == 0 && rnd.nextBoolean()) {
            traits.add("no-separator");
            return new Message(out.toByteArray(), String.join(",", traits), lf);
        }
        out.writeBytes(nl.getBytes(StandardCharsets.US_ASCII));
        StringBuilder body = new StringBuilder();
        switch (bodyKind) {
            case 0 -> traits.add("empty-body");
            case 1 -> {
                body.append("no final line end");
                traits.add("no-final-newline");
            }
            case 2 -> {
                body.append("trailing spaces   ").append(nl).append("trailing tabs\t\t").append(nl).append(" \t mixed \t ").append(nl);
                traits.add("trailing-ws-body");
            }
            case 3 -> {
                body.append("text").append(nl).append(nl).append(nl).append("  ").append(nl).append(nl);
                traits.add("trailing-blank-lines");
            }
            case 4 -> {
                body.append("x".repeat(1500 + rnd.nextInt(500))).append(nl);
                traits.add("long-line");
            }
            case 5 -> {
                body.append("From the start").append(nl).append(".dot line").append(nl).append("caf\u00e9 utf8 body").append(nl);
                traits.add("from-dot-utf8-body");
            }
            case 6 -> {
                body.append(nl).append(nl).append("leading blank lines").append(nl);
                traits.add("leading-blank");
            }
            case 7 -> {
                for (int i = 0; i < 50; i++) {
                    body.append("line ").append(i).append(rnd.nextBoolean() ? " " : "\t").append(nl);
                }
                body.append(nl).append(" ").append(nl).append("\t");
                traits.add("ws-tail-no-newline");
            }
            default -> body.append("Hello,").append(nl).append(nl).append("regards").append(nl);
        }
        if (mime) {
            body.insert(0, "--b" + index + nl + "Content-Type: text/plain; charset=utf-8" + nl + nl);
            body.append(nl).append("--b").append(index).append("--").append(nl);
        }
        out.writeBytes(body.toString().getBytes(StandardCharsets.UTF_8));
        return new Message(out.toByteArray(), String.join(",", traits), lf);
    }
}
