package org.mailward.smtp;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ESMTP parameters of MAIL FROM that we support.
 *
 * @param size     RFC 1870 SIZE declared by the client
 * @param body     RFC 6152 BODY (7BIT, 8BITMIME) or RFC 3030 BINARYMIME; 7BIT when absent
 * @param smtpUtf8 RFC 6531 SMTPUTF8 given
 * @param ret      RFC 3461 4.3 RET=FULL|HDRS
 * @param envid    RFC 3461 4.4 ENVID, decoded from xtext
 * @param auth     RFC 4954 5 AUTH= mailbox (kept as given, xtext-decoded); empty when absent or "&lt;&gt;"
 */
public record MailParameters(OptionalLong size, Body body, boolean smtpUtf8, Optional<Ret> ret, Optional<String> envid,
                             Optional<String> auth) {

    public enum Body { SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME }

    public enum Ret { FULL, HDRS }

    public static MailParameters none() {
        return new MailParameters(OptionalLong.empty(), Body.SEVEN_BIT, false, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
