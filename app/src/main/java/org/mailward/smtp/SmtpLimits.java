package org.mailward.smtp;

import java.time.Duration;

/**
 * Limits of a server session. Timeouts follow RFC 5321 4.5.3.2 (server: at least 5 minutes waiting for a
 * command, 10 minutes for the end of DATA; we use the per-block 3 minutes between data reads).
 *
 * @param maxMessageSize     octets (SIZE, RFC 1870); larger messages get 552 5.3.4
 * @param maxRecipients      per transaction; more get 452 4.5.3 (RFC 5321 4.5.3.1.10: at least 100)
 * @param maxCommandLine     octets including CRLF (RFC 5321 4.5.3.1.4 says 512; extensions need more)
 * @param maxTextLine        octets including CRLF of a DATA line (RFC 5321 4.5.3.1.6: 1000)
 * @param maxErrors          error replies before 421 and disconnect
 * @param maxJunkCommands    NOOP/RSET/VRFY/EXPN/HELP before 421 and disconnect
 * @param maxMessagesPerConnection transactions per connection
 * @param commandTimeout     waiting for a command
 * @param dataTimeout        waiting for each block of DATA / BDAT
 * @param greetPause         wait before the greeting; a client that talks first is an early talker (554)
 */
public record SmtpLimits(long maxMessageSize, int maxRecipients, int maxCommandLine, int maxTextLine, int maxErrors,
                         int maxJunkCommands, int maxMessagesPerConnection, Duration commandTimeout,
                         Duration dataTimeout, Duration greetPause) {

    public static SmtpLimits defaults() {
        return new SmtpLimits(25L * 1024 * 1024, 100, 1000, 1000, 10, 100, 100,
                Duration.ofMinutes(5), Duration.ofMinutes(3), Duration.ZERO);
    }

    public SmtpLimits withMaxMessageSize(long v) {
        return new SmtpLimits(v, maxRecipients, maxCommandLine, maxTextLine, maxErrors, maxJunkCommands, maxMessagesPerConnection, commandTimeout, dataTimeout, greetPause);
    }

    public SmtpLimits withMaxRecipients(int v) {
        return new SmtpLimits(maxMessageSize, v, maxCommandLine, maxTextLine, maxErrors, maxJunkCommands, maxMessagesPerConnection, commandTimeout, dataTimeout, greetPause);
    }

    public SmtpLimits withMaxErrors(int v) {
        return new SmtpLimits(maxMessageSize, maxRecipients, maxCommandLine, maxTextLine, v, maxJunkCommands, maxMessagesPerConnection, commandTimeout, dataTimeout, greetPause);
    }

    public SmtpLimits withMaxJunkCommands(int v) {
        return new SmtpLimits(maxMessageSize, maxRecipients, maxCommandLine, maxTextLine, maxErrors, v, maxMessagesPerConnection, commandTimeout, dataTimeout, greetPause);
    }

    public SmtpLimits withTimeouts(Duration command, Duration data) {
        return new SmtpLimits(maxMessageSize, maxRecipients, maxCommandLine, maxTextLine, maxErrors, maxJunkCommands, maxMessagesPerConnection, command, data, greetPause);
    }

    public SmtpLimits withGreetPause(Duration v) {
        return new SmtpLimits(maxMessageSize, maxRecipients, maxCommandLine, maxTextLine, maxErrors, maxJunkCommands, maxMessagesPerConnection, commandTimeout, dataTimeout, v);
    }
}
