package org.mailward.reports.generate;

import java.io.IOException;
import java.util.List;

/** Hands a report mail to an MTA. The production one submits over SMTP ({@link SmtpReportSender}). */
public interface ReportSender {

    /** What the MTA said: accepted (for at least one recipient) and the replies, for the log. */
    record Sent(boolean accepted, String detail) {
    }

    /**
     * Sends one message.
     *
     * @param from the envelope sender (our report address)
     * @param to   the envelope recipients (the accepted mailto: destinations)
     * @throws IOException when the MTA could not be reached or broke off
     */
    Sent send(String from, List<String> to, byte[] message) throws IOException;
}
