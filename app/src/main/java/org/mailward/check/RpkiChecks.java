package org.mailward.check;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailward.check.rpki.OriginValidation;
import org.mailward.check.rpki.Vrps;

/**
 * CHECKS.md section 13 (RPKI, optional module: runs only with RPKI data in {@code CheckConfig.rpki}). For each MX
 * host address and each address of the domain's own nameservers, the most specific announcements covering it (from
 * the routes file) are validated against the VRPs (RFC 6811): NotFound is RPKI-ROUTE INFO, Invalid is WARN, Valid
 * says nothing. An address with no announcement in the routes file is not reported (the file may be partial).
 */
public final class RpkiChecks implements AreaCheck {

    @Override
    public Area area() {
        return Area.RPKI;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        OriginValidation rov = ev.config().rpki().orElse(null);
        if (rov == null) {
            return out;
        }
        Map<InetAddress, String> addresses = new LinkedHashMap<>();
        for (MailHost h : ev.hosts()) {
            h.addresses().forEach(a -> addresses.putIfAbsent(a, "MX host " + h.name()));
        }
        GeneralChecks.nameServerAddresses(ev).forEach((a, host) -> addresses.putIfAbsent(a, "nameserver " + host));
        addresses.forEach((ip, role) -> {
            for (OriginValidation.Result r : rov.validate(ip)) {
                String route = r.route().prefix() + " from AS" + r.route().origin();
                if (r.state() == OriginValidation.State.NOT_FOUND) {
                    out.add(Finding.of(Rule.RPKI_ROUTE, ip.getHostAddress()).severity(Severity.INFO)
                            .summary(role + " " + ip.getHostAddress() + ": route " + route + " has no ROA (RPKI not-found)")
                            .why("Without a ROA the route can be hijacked by a more specific or same-prefix announcement that networks cannot reject.")
                            .build());
                } else if (r.state() == OriginValidation.State.INVALID) {
                    out.add(Finding.of(Rule.RPKI_ROUTE, ip.getHostAddress()).severity(Severity.WARN)
                            .summary(role + " " + ip.getHostAddress() + ": route " + route + " is RPKI-invalid")
                            .detail("Covering ROAs: " + describe(r.covering()))
                            .why("Networks doing route origin validation drop invalid routes: mail to or lookups at this address fail from them.")
                            .build());
                }
            }
        });
        return out;
    }

    private static String describe(List<Vrps.Vrp> vrps) {
        return String.join(", ", vrps.stream().limit(10).map(v -> v.prefix() + "-" + v.maxLength() + " AS" + v.asn()).toList());
    }
}
