package org.mailward.check;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The raw evidence behind a finding (CHECKS.md 0.6): what was asked, what came back, from where and when.
 *
 * @param query    the question: {@code _dmarc.example.com/TXT}, {@code smtp 192.0.2.1:25 STARTTLS TLSv1.2}, an URL
 * @param status   the outcome: a DNS status ({@code RECORDS, NXDOMAIN, ...}), an SMTP reply code, an HTTP status
 * @param answer   the answer, one entry per record or line
 * @param source   the resolver, server or endpoint asked
 * @param at       when (from the checker's clock)
 */
public record Evidence(String query, String status, List<String> answer, String source, Instant at) {
    public Evidence {
        Objects.requireNonNull(query);
        Objects.requireNonNull(status);
        answer = List.copyOf(answer);
        Objects.requireNonNull(source);
        Objects.requireNonNull(at);
    }
}
