package org.mailward.gateway.inbound;

import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpCommand;

/**
 * Secure Receipt for a listener (the seed's "TLS 1.2 or Greater + NCSC" option): with {@code required}, mail
 * without TLS gets {@code 530 5.7.0} at MAIL FROM (RFC 3207 4). The listener's TLS profile already limits the
 * protocol to TLS 1.2+ with the NCSC suites, so any TLS session here satisfies the policy.
 */
public record SecureReceiptHook(boolean required) implements InboundHook {

    @Override
    public String name() {
        return "secure-receipt";
    }

    @Override
    public HookVerdict onMailFrom(SessionInfo session, SmtpCommand.Mail mail) {
        if (required && session.tls().isEmpty()) {
            return HookVerdict.reject(530, "5.7.0", "Must issue a STARTTLS command first");
        }
        return HookVerdict.proceed();
    }
}
