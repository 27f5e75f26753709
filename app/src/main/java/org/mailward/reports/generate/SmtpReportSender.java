package org.mailward.reports.generate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Mailbox;
import org.mailward.smtp.Parsed;
import org.mailward.smtp.SmtpClient;
import org.mailward.smtp.SmtpReply;

/**
 * Submits report mail over SMTP to a configured host and port: normally the gateway's own listener, so the mail
 * goes through its queue (retries, MTA-STS/DANE) and gets our DKIM signature there. Plain SMTP without STARTTLS:
 * the hop is expected to be local (loopback or a relay network of the gateway).
 */
public final class SmtpReportSender implements ReportSender {

    private final InetSocketAddress server;
    private final String ehloName;
    private final Duration timeout;

    public SmtpReportSender(InetSocketAddress server, String ehloName, Duration timeout) {
        this.server = server;
        this.ehloName = ehloName;
        this.timeout = timeout;
    }

    @Override
    public Sent send(String from, List<String> to, byte[] message) throws IOException {
        Mailbox sender = mailbox(from);
        List<Mailbox> rcpts = new ArrayList<>();
        for (String t : to) {
            rcpts.add(mailbox(t));
        }
        try (SmtpClient c = SmtpClient.connect(server, ehloName, timeout, timeout)) {
            c.ehlo();
            SmtpClient.SendResult r = c.send(Optional.of(sender), rcpts, message);
            c.quit();
            StringBuilder detail = new StringBuilder("MAIL ").append(r.mail().code());
            for (int i = 0; i < r.rcpt().size(); i++) {
                detail.append(", RCPT ").append(to.get(i)).append(' ').append(r.rcpt().get(i).code());
            }
            r.data().ifPresent(d -> detail.append(", DATA ").append(oneLine(d)));
            return new Sent(r.accepted(), detail.toString());
        }
    }

    private static String oneLine(SmtpReply r) {
        return r.code() + " " + String.join(" ", r.lines());
    }

    private static Mailbox mailbox(String address) throws IOException {
        Parsed<Mailbox> p = AddressParser.parseMailbox(address, true);
        if (!p.isOk()) {
            throw new IOException("not a mailbox: " + address + ": " + p.errorMessage());
        }
        return p.value();
    }
}
