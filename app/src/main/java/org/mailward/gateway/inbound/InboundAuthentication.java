package org.mailward.gateway.inbound;

import java.util.Objects;
import org.mailward.auth.verify.MessageAuthentication;

/**
 * What inbound DNS Authentication concluded about one received message, as {@link AuthenticationHook} computed it at
 * the end of DATA: the verdicts, the client's FCrDNS, the Authentication-Results field it adds (with iprev), and the
 * action the gateway takes. Given to an {@link AuthenticationListener} (the emailsecurity@ reflector reports it).
 *
 * @param authentication             SPF, every DKIM signature, ARC and DMARC with their evidence
 * @param fcrdns                     the client's forward-confirmed reverse DNS (iprev)
 * @param authenticationResultsField the Authentication-Results field prepended to the message (folded, no final CRLF)
 * @param action                     none, tag, quarantine or reject
 * @param actionReason               why ("" when nothing failed)
 */
public record InboundAuthentication(MessageAuthentication authentication, Fcrdns fcrdns, String authenticationResultsField,
                                    String action, String actionReason) {

    public InboundAuthentication {
        Objects.requireNonNull(authentication);
        Objects.requireNonNull(fcrdns);
        Objects.requireNonNull(authenticationResultsField);
        Objects.requireNonNull(action);
        Objects.requireNonNull(actionReason);
    }
}
