package org.mailward.gateway.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One SMTP transaction as an administrator wants it in one log line: who (listener, client address and HELO),
 * how (TLS version and cipher), what (sender, recipients accepted and refused, size), the authentication verdicts
 * the hooks recorded in Authentication-Results, and what we did ({@code action}: accepted, quarantined, rejected,
 * tempfail, abandoned) with the reply sent.
 *
 * @param queueId  the queue id when the message was queued; empty otherwise
 * @param verdicts method=result pairs from our Authentication-Results header (e.g. {@code spf=pass}); empty when none
 * @param reason   the quarantine reason, or empty
 */
public record TransactionRecord(String session, String listener, String client, String helo, Optional<String> tlsVersion,
                                Optional<String> tlsCipher, String sender, int recipients, int refusedRecipients, long size,
                                String queueId, List<String> verdicts, String action, String reply, String reason) {

    public TransactionRecord {
        verdicts = List.copyOf(verdicts);
    }

    /** The fields in log order. */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("queue", queueId.isEmpty() ? "-" : queueId);
        m.put("session", session);
        m.put("listener", listener);
        m.put("client", client);
        m.put("helo", helo);
        m.put("tls", tlsVersion.orElse("none"));
        m.put("cipher", tlsCipher.orElse("-"));
        m.put("from", "<" + sender + ">");
        m.put("rcpts", Integer.toString(recipients));
        m.put("refused", Integer.toString(refusedRecipients));
        m.put("size", Long.toString(size));
        m.put("verdicts", verdicts.isEmpty() ? "-" : String.join(",", verdicts));
        m.put("action", action);
        if (!reason.isEmpty()) {
            m.put("reason", reason);
        }
        m.put("reply", reply);
        return m;
    }

    /**
     * {@code key=value} pairs separated by spaces (logfmt); a value with a space, quote, equals sign or backslash is
     * double-quoted with {@code \"} and {@code \\} escapes; control characters become {@code \xHH}, so one
     * transaction is always exactly one line.
     */
    public String line() {
        List<String> parts = new ArrayList<>();
        fields().forEach((k, v) -> parts.add(k + "=" + quote(v)));
        return String.join(" ", parts);
    }

    static String quote(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2);
        boolean needs = v.isEmpty();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
                needs = true;
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
                needs = true;
            } else {
                if (c == ' ' || c == '=') {
                    needs = true;
                }
                b.append(c);
            }
        }
        return needs ? "\"" + b + "\"" : b.toString();
    }
}
