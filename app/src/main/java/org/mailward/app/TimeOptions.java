package org.mailward.app;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** {@code --at TIMESTAMP} (RFC 3339 or Unix seconds): evaluate as if the clock said that (shared CLI.md). */
public final class TimeOptions {

    @Option(names = "--at", paramLabel = "TIMESTAMP", description = "Evaluate as if the clock said this (RFC 3339 or Unix seconds).")
    String at;

    public Clock clock() {
        if (at == null || at.isBlank()) {
            return Clock.systemUTC();
        }
        return Clock.fixed(parse(at), ZoneOffset.UTC);
    }

    static Instant parse(String text) {
        String t = text.trim();
        if (t.matches("-?\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(t));
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e2) {
                throw new UsageError("--at: not an RFC 3339 timestamp or Unix seconds: " + text);
            }
        }
    }
}
