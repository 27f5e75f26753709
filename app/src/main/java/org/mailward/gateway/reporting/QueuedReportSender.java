package org.mailward.gateway.reporting;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.mailward.gateway.outbound.LocalSubmission;
import org.mailward.reports.generate.ReportSender;

/**
 * Hands report mail to the gateway's own queue instead of an SMTP hop: {@link LocalSubmission} signs it with the
 * From domain's DKIM definition (RFC 8460 5.3 requires a signature on TLS-RPT mail), fsyncs it into the spool and
 * wakes the queue manager, which delivers it under the Secure Delivery policy.
 */
public final class QueuedReportSender implements ReportSender {

    private final LocalSubmission submission;

    public QueuedReportSender(LocalSubmission submission) {
        this.submission = Objects.requireNonNull(submission);
    }

    @Override
    public Sent send(String from, List<String> to, byte[] message) throws IOException {
        LocalSubmission.Submitted s = submission.submit(from, to, message);
        String signed = s.outcome().signedWith().isEmpty() ? "NOT signed (" + String.join("; ", s.outcome().notes()) + ")"
                : "signed " + s.outcome().signedWith();
        return new Sent(true, "queued as " + s.envelope().queueId() + ", " + signed);
    }
}
