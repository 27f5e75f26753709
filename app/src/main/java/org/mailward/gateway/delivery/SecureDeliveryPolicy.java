package org.mailward.gateway.delivery;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailward.gateway.config.GatewayConfig;

/**
 * The configured TLS policy lookup for a destination domain. Policies form a chain: the first that has an opinion
 * decides; without one, delivery is opportunistic. DANE (RFC 7672) and MTA-STS (RFC 8461) are combined with it per
 * MX host in {@link DeliveryTlsPolicy}.
 */
@FunctionalInterface
public interface SecureDeliveryPolicy {

    Optional<TlsRequirement> lookup(String domain);

    static SecureDeliveryPolicy chain(List<SecureDeliveryPolicy> links) {
        List<SecureDeliveryPolicy> l = List.copyOf(links);
        return domain -> {
            for (SecureDeliveryPolicy p : l) {
                Optional<TlsRequirement> r = p.lookup(domain);
                if (r.isPresent()) {
                    return r;
                }
            }
            return Optional.empty();
        };
    }

    default TlsRequirement requirementFor(String domain) {
        return lookup(domain).orElse(TlsRequirement.OPPORTUNISTIC);
    }

    /** Configured rules: exact domains, or {@code *.suffix} matching any name below the suffix; first match wins. */
    static SecureDeliveryPolicy patterns(List<GatewayConfig.SecureDeliveryRule> rules) {
        List<GatewayConfig.SecureDeliveryRule> rs = List.copyOf(rules);
        return domain -> {
            String d = domain.toLowerCase(Locale.ROOT);
            for (GatewayConfig.SecureDeliveryRule r : rs) {
                String p = r.domain();
                boolean match = p.startsWith("*.") ? d.endsWith(p.substring(1)) : d.equals(p);
                if (match) {
                    return Optional.of(TlsRequirement.fromConfig(r.policy()));
                }
            }
            return Optional.empty();
        };
    }
}
