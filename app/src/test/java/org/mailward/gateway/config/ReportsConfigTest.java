package org.mailward.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code reports: {addresses, relay}} in mailward.yml. */
class ReportsConfigTest {

    static final Path BASE = Path.of(".");
    static final String HEAD = "hostname: mx.example.gov.uk\nlisteners: [{name: in, port: 25}]\n";

    @Test
    void absentMeansNoReportAddresses() {
        GatewayConfig c = ConfigReader.read(HEAD, BASE).config().orElseThrow();
        assertThat(c.reports()).isEqualTo(GatewayConfig.Reports.none());
    }

    @Test
    void addressesAreLowerCasedAndRelayDefaultsToFalse() {
        GatewayConfig c = ConfigReader.read(HEAD + "reports:\n  addresses: [DMARC-Reports@Example.gov.uk, tls-reports@example.gov.uk]\n", BASE)
                .config().orElseThrow();
        assertThat(c.reports().addresses()).containsExactly("dmarc-reports@example.gov.uk", "tls-reports@example.gov.uk");
        assertThat(c.reports().relay()).isFalse();
        GatewayConfig relayed = ConfigReader.read(HEAD + "reports: {addresses: [d@example.gov.uk], relay: true}\n", BASE).config().orElseThrow();
        assertThat(relayed.reports().relay()).isTrue();
    }

    @Test
    void badEntriesAreErrorsWithPositions() {
        ConfigReader.Result r = ConfigReader.read(HEAD + """
                reports:
                  addresses: [not-an-address, "a@b@c", d@example.gov.uk, D@example.gov.uk, [x]]
                  relay: maybe
                  inbox: /var/reports
                """, BASE);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(e -> e.line() + " " + e.message()).anySatisfy(m -> assertThat(m).startsWith("4 reports.addresses: 'not-an-address'"))
                .anySatisfy(m -> assertThat(m).contains("'a@b@c' is not an address"))
                .anySatisfy(m -> assertThat(m).contains("'D@example.gov.uk' is listed twice"))
                .anySatisfy(m -> assertThat(m).contains("not a list").doesNotContain("addresses: '"))
                .anySatisfy(m -> assertThat(m).startsWith("5 reports.relay must be true or false"))
                .anySatisfy(m -> assertThat(m).startsWith("6 unknown key 'inbox' in reports"));
        assertThat(ConfigReader.read(HEAD + "reports: {addresses: []}\n", BASE).errors())
                .anySatisfy(e -> assertThat(e.message()).contains("list at least one address"));
    }
}
