package org.mailward.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.GatewayConfig.DkimDefinition;

/** A definition is enabled only when the published key matches its private key. */
class DkimDefinitionsTest {

    static final KeyPair RSA = DkimKeys.generate(DkimKeys.KeyType.RSA, 1024);
    static final KeyPair RSA2 = DkimKeys.generate(DkimKeys.KeyType.RSA, 1024);
    static final KeyPair ED = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);
    static final KeyPair ED2 = DkimKeys.generate(DkimKeys.KeyType.ED25519, 0);

    static DkimDefinition def(String selector, KeyPair k) {
        return new DkimDefinition("example.org", selector, Path.of(selector + ".pem"), DkimKeys.algorithmFor(k.getPrivate()), k.getPrivate());
    }

    static String line(String selector, String value) {
        return DkimKeys.zoneLine(selector + "._domainkey.example.org", value) + "\n";
    }

    @Test
    void matchingKeysAreEnabledEverythingElseIsDisabledWithAReason() {
        ZoneFileResolver zone = ZoneFileResolver.fromText(
                line("rsa", DkimKeys.recordValue(RSA.getPublic()))
                + line("ed", DkimKeys.recordValue(ED.getPublic()))
                + line("other", DkimKeys.recordValue(RSA2.getPublic()))
                + line("othered", DkimKeys.recordValue(ED2.getPublic()))
                + line("revoked", "v=DKIM1; k=rsa; p=")
                + line("wrongtype", DkimKeys.recordValue(RSA.getPublic()))
                + line("broken", "v=DKIM1; k=rsa; p=!!!")
                + line("noemail", DkimKeys.recordValue(RSA.getPublic()) + "; s=other"));
        List<DkimDefinitions.Checked> c = DkimDefinitions.check(List.of(
                def("rsa", RSA), def("ed", ED), def("other", RSA), def("othered", ED), def("revoked", RSA),
                def("missing", RSA), def("wrongtype", ED), def("broken", RSA), def("noemail", RSA)), zone);
        assertThat(c).extracting(DkimDefinitions.Checked::status).containsExactly(
                "enabled", "enabled", "disabled", "disabled", "disabled", "disabled", "disabled", "disabled", "disabled");
        assertThat(c.get(0).reason()).contains("matches");
        assertThat(c.get(2).reason()).contains("does not match the private key in other.pem");
        assertThat(c.get(3).reason()).contains("does not match");
        assertThat(c.get(4).reason()).contains("revoked");
        assertThat(c.get(5).reason()).contains("key not found").contains("missing._domainkey.example.org");
        assertThat(c.get(6).reason()).contains("k=rsa does not match a=ed25519-sha256");
        assertThat(c.get(7).reason()).contains("p");
        assertThat(c.get(8).reason()).contains("s= is not for email");
        assertThat(c.get(1).definition().algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
    }

    @Test
    void dnsFailuresDisableToo() {
        List<DkimDefinitions.Checked> c = DkimDefinitions.check(List.of(def("rsa", RSA)),
                (name, type) -> org.mailward.dns.DnsAnswer.servfail(name, type, "test"));
        assertThat(c).singleElement().satisfies(x -> {
            assertThat(x.enabled()).isFalse();
            assertThat(x.reason()).contains("servfail");
        });
    }
}
