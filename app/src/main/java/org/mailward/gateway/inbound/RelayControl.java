package org.mailward.gateway.inbound;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailward.smtp.Mailbox;

/**
 * Never an open relay (DESIGN.md). A recipient in one of our local domains is accepted for local delivery; any
 * other recipient only from a relay network or an authenticated submitter. The classic tricks are closed:
 * <ul>
 * <li>percent hack {@code user%other@local}, bang path {@code a!b@local}, quoted local parts holding {@code @}
 *     or {@code %}: a local recipient whose local part contains {@code %}, {@code !} or {@code @} is refused, so
 *     neither we nor the internal server can be made to route it elsewhere;</li>
 * <li>source routes {@code <@a,@b:u@c>}: the route is ignored (RFC 5321 Appendix C); the decision is on {@code c};</li>
 * <li>address literals {@code u@[192.0.2.1]}: never local; relayed only for permitted clients;</li>
 * <li>trailing dots are a syntax error in the parser; upper case and IDN U-labels are compared in their
 *     lower-case A-label form, so they are local exactly when the plain form is.</li>
 * </ul>
 */
public final class RelayControl {

    /** The decision for one recipient. */
    public sealed interface Decision {
        record Local(String domain) implements Decision {
        }

        record Relay() implements Decision {
        }

        record Refuse(int code, String enhanced, String text) implements Decision {
        }
    }

    private final Set<String> localDomains;
    private final List<Cidr> relayNetworks;
    private final String postmasterDomain;

    public RelayControl(Set<String> localDomains, List<Cidr> relayNetworks) {
        this.localDomains = Set.copyOf(localDomains);
        this.relayNetworks = List.copyOf(relayNetworks);
        this.postmasterDomain = localDomains.stream().sorted().findFirst().orElse("");
    }

    /** The domain that receives mail for a bare {@code <Postmaster>}. */
    public String postmasterDomain() {
        return postmasterDomain;
    }

    public boolean isLocal(String asciiDomain) {
        return localDomains.contains(asciiDomain);
    }

    public boolean relayPermitted(InetAddress client, Optional<String> authUser) {
        return authUser.isPresent() || relayNetworks.stream().anyMatch(c -> c.contains(client));
    }

    public Decision decide(InetAddress client, Optional<String> authUser, Mailbox rcpt) {
        if (rcpt.isPostmasterOnly()) {
            // RFC 5321 4.1.1.3: <Postmaster> must be accepted
            return postmasterDomain.isEmpty() ? refuse() : new Decision.Local(postmasterDomain);
        }
        if (!rcpt.isAddressLiteral() && isLocal(rcpt.domain())) {
            String lp = rcpt.localPart();
            if (lp.indexOf('%') >= 0 || lp.indexOf('!') >= 0 || lp.indexOf('@') >= 0) {
                return new Decision.Refuse(550, "5.7.1", "Routing characters (% ! @) in a local part are not accepted");
            }
            return new Decision.Local(rcpt.domain());
        }
        if (relayPermitted(client, authUser)) {
            return new Decision.Relay();
        }
        return refuse();
    }

    private static Decision refuse() {
        return new Decision.Refuse(554, "5.7.1", "Relay access denied");
    }
}
