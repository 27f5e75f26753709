package org.mailward.smtp;

import java.util.Optional;

/** A parsed SMTP command (RFC 5321 4.1.1 and the extensions we support). */
public sealed interface SmtpCommand {

    /** The verb as the RFC spells it. */
    String verb();

    record Ehlo(String domain) implements SmtpCommand { public String verb() { return "EHLO"; } }

    record Helo(String domain) implements SmtpCommand { public String verb() { return "HELO"; } }

    record Mail(Optional<Mailbox> reversePath, MailParameters parameters) implements SmtpCommand { public String verb() { return "MAIL"; } }

    record Rcpt(Mailbox forwardPath, RcptParameters parameters) implements SmtpCommand { public String verb() { return "RCPT"; } }

    record Data() implements SmtpCommand { public String verb() { return "DATA"; } }

    /** RFC 3030 2: BDAT chunk-size [LAST]. */
    record Bdat(long size, boolean last) implements SmtpCommand { public String verb() { return "BDAT"; } }

    record Rset() implements SmtpCommand { public String verb() { return "RSET"; } }

    record Noop() implements SmtpCommand { public String verb() { return "NOOP"; } }

    record Quit() implements SmtpCommand { public String verb() { return "QUIT"; } }

    record Vrfy(String argument) implements SmtpCommand { public String verb() { return "VRFY"; } }

    record Expn(String argument) implements SmtpCommand { public String verb() { return "EXPN"; } }

    record Help(String argument) implements SmtpCommand { public String verb() { return "HELP"; } }

    record StartTls() implements SmtpCommand { public String verb() { return "STARTTLS"; } }

    /** RFC 4954 4: AUTH mechanism [initial-response]. */
    record Auth(String mechanism, Optional<String> initialResponse) implements SmtpCommand { public String verb() { return "AUTH"; } }
}
