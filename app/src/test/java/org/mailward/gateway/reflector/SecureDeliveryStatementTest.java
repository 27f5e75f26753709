package org.mailward.gateway.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;

class SecureDeliveryStatementTest {

    static SecureDeliveryStatement statement(String delivery) {
        GatewayConfig c = ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{name: in, port: 25}]
                localDomains: [{ domain: example.org, route: "10.0.0.5:2525" }]
                """ + delivery, Path.of("/cfg")).config().orElseThrow();
        return new SecureDeliveryStatement(c);
    }

    @Test
    void theGuidanceRulesMakeTlsMandatoryForGsi() {
        ReflectorReport.ReplyDelivery d = statement("").describe("Dept.GSI.gov.uk");
        assertThat(d.domain()).isEqualTo("dept.gsi.gov.uk");
        assertThat(d.policy()).isEqualTo("enforced-strict");
        assertThat(d.configuredRule()).isEqualTo("*.gsi.gov.uk enforced-strict");
        assertThat(d.mtaSts()).isEqualTo("checked at delivery");
        assertThat(d.summary()).startsWith("mandatory TLS with a valid certificate").contains("decided at delivery");
    }

    @Test
    void firstMatchingRuleDecidesAndOtherwiseOpportunistic() {
        SecureDeliveryStatement s = statement("""
                delivery:
                  mtaSts: false
                  dane: false
                  secureDelivery:
                    - { domain: partner.example, policy: enforced-relaxed }
                    - { domain: "*.partner.example", policy: opportunistic }
                """);
        assertThat(s.describe("partner.example").policy()).isEqualTo("enforced-relaxed");
        ReflectorReport.ReplyDelivery sub = s.describe("mail.partner.example");
        assertThat(sub.policy()).isEqualTo("opportunistic");
        assertThat(sub.configuredRule()).isEqualTo("*.partner.example opportunistic");
        ReflectorReport.ReplyDelivery none = s.describe("elsewhere.example");
        assertThat(none.configuredRule()).isEmpty();
        assertThat(none.mtaSts()).isEqualTo("disabled");
        assertThat(none.dane()).isEqualTo("disabled");
        assertThat(none.summary()).isEqualTo("opportunistic TLS (STARTTLS when the receiving server offers it)");
    }

    @Test
    void aLocalDomainGoesToItsRoute() {
        ReflectorReport.ReplyDelivery d = statement("").describe("example.org");
        assertThat(d.policy()).isEqualTo("local-route");
        assertThat(d.summary()).contains("10.0.0.5:2525");
    }
}
