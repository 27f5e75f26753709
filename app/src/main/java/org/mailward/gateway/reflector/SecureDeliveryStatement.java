package org.mailward.gateway.reflector;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.delivery.SecureDeliveryPolicy;

/**
 * What the reply can say in advance about its own delivery: the Secure Delivery requirement known from the
 * configuration for the sender's domain (a configured rule, or a local route), and whether MTA-STS (RFC 8461) and
 * DANE (RFC 7672) take part. Those two depend on DNS and HTTPS answers at delivery time, so the reply says "checked
 * at delivery" for them rather than guessing; the delivery log records the TLS version and cipher actually used.
 * No network access here.
 */
public final class SecureDeliveryStatement {

    private final GatewayConfig config;

    public SecureDeliveryStatement(GatewayConfig config) {
        this.config = config;
    }

    public ReflectorReport.ReplyDelivery describe(String domain) {
        String d = ReflectorReport.sanitise(domain.toLowerCase(Locale.ROOT), 255);
        Optional<GatewayConfig.LocalDomain> local = config.localDomains().stream().filter(l -> l.domain().equals(d)).findFirst();
        if (local.isPresent()) {
            return new ReflectorReport.ReplyDelivery(d, "local-route", "", "not used", "not used",
                    "a local domain: delivered to the internal server " + local.get().routeHost() + ":" + local.get().routePort()
                            + " with opportunistic TLS");
        }
        Optional<GatewayConfig.SecureDeliveryRule> rule = Optional.empty();
        for (GatewayConfig.SecureDeliveryRule r : config.delivery().secureDelivery()) {
            // the delivery path's own matching, one rule at a time, so the statement names the rule that decides
            if (SecureDeliveryPolicy.patterns(List.of(r)).lookup(d).isPresent()) {
                rule = Optional.of(r);
                break;
            }
        }
        String policy = rule.map(GatewayConfig.SecureDeliveryRule::policy).orElse("opportunistic");
        String mtaSts = config.delivery().mtaSts() ? "checked at delivery" : "disabled";
        String dane = config.delivery().dane() ? "checked at delivery" : "disabled";
        StringBuilder summary = new StringBuilder();
        switch (policy) {
            case "enforced-strict" -> summary.append("mandatory TLS with a valid certificate for the MX host name (configured rule ")
                    .append(rule.get().domain()).append("); the reply is held rather than sent in clear");
            case "enforced-relaxed" -> summary.append("mandatory TLS, any certificate (configured rule ").append(rule.get().domain())
                    .append("); the reply is held rather than sent in clear");
            default -> summary.append("opportunistic TLS (STARTTLS when the receiving server offers it)")
                    .append(rule.isPresent() ? " by the configured rule " + rule.get().domain() : "");
        }
        if (config.delivery().dane() || config.delivery().mtaSts()) {
            summary.append("; ").append(config.delivery().dane() ? "DANE" : "").append(config.delivery().dane() && config.delivery().mtaSts() ? " and " : "")
                    .append(config.delivery().mtaSts() ? "MTA-STS" : "")
                    .append(", when " + d + " publishes them, make TLS mandatory (decided at delivery)");
        }
        return new ReflectorReport.ReplyDelivery(d, policy, rule.map(r -> r.domain() + " " + r.policy()).orElse(""), mtaSts, dane,
                summary.toString());
    }
}
