package org.mailward.smtp;

import java.util.Optional;
import java.util.Set;

/**
 * The ESMTP parameters of RCPT TO (RFC 3461 4.1, 4.2).
 *
 * @param notifyOn empty when NOTIFY was not given; otherwise NEVER alone, or any of SUCCESS, FAILURE, DELAY
 * @param orcpt  ORCPT as {@code addr-type;address} with the address decoded from xtext
 */
public record RcptParameters(Set<Notify> notifyOn, Optional<String> orcpt) {

    public enum Notify { NEVER, SUCCESS, FAILURE, DELAY }

    public RcptParameters {
        notifyOn = Set.copyOf(notifyOn);
    }

    public static RcptParameters none() {
        return new RcptParameters(Set.of(), Optional.empty());
    }
}
