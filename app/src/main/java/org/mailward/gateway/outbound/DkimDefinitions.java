package org.mailward.gateway.outbound;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import org.mailward.auth.dkim.DkimKeyLookup;
import org.mailward.auth.dkim.DkimKeyRecord;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig.DkimDefinition;

/**
 * The validation step for signing definitions (as Mimecast does it): a definition is enabled only when its key
 * record ({@code selector._domainkey.domain} TXT, RFC 6376 3.6.2.1) is published, valid, not revoked, usable for
 * the definition's algorithm (RFC 6376 6.1.2 steps 5-6) and holds the public half of the definition's private key.
 */
public final class DkimDefinitions {

    /** A definition and whether it may sign; {@code reason} says why not (or what was checked when enabled). */
    public record Checked(DkimDefinition definition, boolean enabled, String reason) {
        public String status() {
            return enabled ? "enabled" : "disabled";
        }
    }

    private DkimDefinitions() {
    }

    public static List<Checked> check(List<DkimDefinition> definitions, Resolver resolver) {
        DkimKeyLookup lookup = new DkimKeyLookup(resolver);
        return definitions.stream().map(d -> check(d, lookup)).toList();
    }

    static Checked check(DkimDefinition d, DkimKeyLookup lookup) {
        String name = DkimKeyLookup.recordName(d.selector(), d.domain());
        DkimKeyLookup.Outcome o = lookup.fetch(d.selector(), d.domain());
        if (o instanceof DkimKeyLookup.Failed f) {
            return new Checked(d, false, f.reason());
        }
        DkimKeyRecord r = ((DkimKeyLookup.Found) o).record();
        if (r.problemFor(d.algorithm()).isPresent()) {
            return new Checked(d, false, r.problemFor(d.algorithm()).get() + " at " + name);
        }
        PublicKey mine = DkimKeys.publicKey(d.key());
        PublicKey published = r.publicKey().orElseThrow();
        if (!Arrays.equals(mine.getEncoded(), published.getEncoded())) {
            return new Checked(d, false, "the key published at " + name + " does not match the private key in " + d.keyFile().getFileName());
        }
        return new Checked(d, true, "the key published at " + name + " matches the private key"
                + (r.testing() ? " (t=y: the domain is testing DKIM)" : ""));
    }
}
