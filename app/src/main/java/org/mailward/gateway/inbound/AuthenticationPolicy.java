package org.mailward.gateway.inbound;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimStatus;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.dmarc.DmarcVerdict;
import org.mailward.auth.dmarc.Policy;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.spf.SpfVerdict;
import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.config.GatewayConfig.AuthAction;
import org.mailward.gateway.config.GatewayConfig.AuthActions;

/**
 * Turns an authentication outcome into the gateway's action (the Mimecast "DNS Authentication - Inbound" policy):
 * SPF fail, SPF softfail, DKIM fail and DMARC fail each map to none / tag / quarantine / reject, and in "honour
 * the sender's DMARC policy" mode the evaluator's disposition (after pct sampling, t=y and trusted-ARC overrides,
 * RFC 7489 6.6.4) applies too. The strictest action wins. An override (scope or allow list) only replaces the
 * actions: the checks have already run and are recorded either way.
 */
public final class AuthenticationPolicy {

    /**
     * @param action   what to do
     * @param reasons  the failures that asked for it (one line each)
     * @param override the override whose actions were used, when one matched
     * @param changed  the override changed the action (then it is logged and recorded)
     * @param withoutOverride the action the default actions would have given
     */
    public record Decision(AuthAction action, List<String> reasons, Optional<String> override, boolean changed,
                           AuthAction withoutOverride) {
        public Decision {
            reasons = List.copyOf(reasons);
        }
    }

    private final GatewayConfig.Authentication config;

    public AuthenticationPolicy(GatewayConfig.Authentication config) {
        this.config = config;
    }

    public Decision decide(MessageAuthentication a, InetAddress client) {
        List<String> defReasons = new ArrayList<>();
        AuthAction def = evaluate(a, config.actions(), defReasons);
        Optional<GatewayConfig.AuthOverride> o = matching(a, client);
        if (o.isEmpty()) {
            return new Decision(def, defReasons, Optional.empty(), false, def);
        }
        List<String> reasons = new ArrayList<>();
        AuthAction act = evaluate(a, o.get().actions(), reasons);
        return new Decision(act, act == AuthAction.NONE ? List.of() : reasons, Optional.of(o.get().name()), act != def, def);
    }

    /** The first override whose scope covers this message. */
    Optional<GatewayConfig.AuthOverride> matching(MessageAuthentication a, InetAddress client) {
        String from = a.dmarc().headerFrom().toLowerCase(Locale.ROOT);
        String mfrom = domainOf(a.envelope().mailFrom());
        for (GatewayConfig.AuthOverride o : config.overrides()) {
            boolean domainOk = o.senderDomains().isEmpty()
                    || o.senderDomains().stream().anyMatch(d -> matches(d, from) || matches(d, mfrom));
            boolean netOk = o.networks().isEmpty() || o.networks().stream().anyMatch(c -> c.contains(client));
            if (domainOk && netOk) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    static boolean matches(String pattern, String domain) {
        if (domain.isEmpty()) {
            return false;
        }
        if (pattern.startsWith("*.")) {
            return domain.endsWith(pattern.substring(1));
        }
        return pattern.equals(domain);
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    static AuthAction evaluate(MessageAuthentication a, AuthActions actions, List<String> reasons) {
        AuthAction out = AuthAction.NONE;
        if (a.spf().isPresent()) {
            SpfResult s = a.spf().get();
            if (s.result() == SpfVerdict.FAIL && actions.spfFail() != AuthAction.NONE) {
                out = out.max(actions.spfFail());
                reasons.add("SPF fail for " + s.domain());
            } else if (s.result() == SpfVerdict.SOFTFAIL && actions.spfSoftfail() != AuthAction.NONE) {
                out = out.max(actions.spfSoftfail());
                reasons.add("SPF softfail for " + s.domain());
            }
        }
        // DKIM fail: the message carries signatures and none verifies, at least one for a lasting reason
        List<DkimResult> sigs = a.dkim();
        boolean dkimFailed = !sigs.isEmpty() && sigs.stream().noneMatch(DkimResult::passed)
                && sigs.stream().anyMatch(d -> d.status() == DkimStatus.FAIL || d.status() == DkimStatus.PERMERROR);
        if (dkimFailed && actions.dkimFail() != AuthAction.NONE) {
            out = out.max(actions.dkimFail());
            DkimResult first = sigs.get(0);
            reasons.add("DKIM fail for " + first.domain() + (first.reason().isEmpty() ? "" : " (" + first.reason() + ")"));
        }
        DmarcResult d = a.dmarc();
        if (d.verdict() == DmarcVerdict.FAIL) {
            if (actions.dmarcFail() != AuthAction.NONE) {
                out = out.max(actions.dmarcFail());
                reasons.add("DMARC fail for " + d.headerFrom());
            }
            if (actions.honourDmarcPolicy() && d.disposition() != Policy.NONE) {
                AuthAction honour = d.disposition() == Policy.REJECT ? AuthAction.REJECT : AuthAction.QUARANTINE;
                out = out.max(honour);
                reasons.add("DMARC policy of " + d.headerFrom() + " is " + d.disposition().keyword()
                        + " and the message is not aligned with it (" + d.detail() + ")");
            }
        }
        return out;
    }
}
