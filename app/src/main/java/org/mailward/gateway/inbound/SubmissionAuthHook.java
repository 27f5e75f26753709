package org.mailward.gateway.inbound;

import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;

/** On a submission listener, mail is accepted only from authenticated users (RFC 6409 4.3, RFC 4954 6: 530 5.7.0). */
public final class SubmissionAuthHook implements InboundHook {

    @Override
    public String name() {
        return "submission-auth";
    }

    @Override
    public HookVerdict onMailFrom(SessionInfo session, SmtpCommand.Mail mail) {
        if (session.authUser().isEmpty()) {
            return HookVerdict.reject(530, "5.7.0", "Authentication required");
        }
        return HookVerdict.proceed();
    }
}
