package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.dns.ZoneFileResolver;

/** DKIM selectors the user names (--selector) are checked strictly; probing can be switched off. DNS only. */
class DkimChecksTest {

    private static final String ZONE = """
            a.example. 300 IN MX 10 mx.a.example.
            mx.a.example. 300 IN A 192.0.2.1
            a.example. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            _dmarc.a.example. 300 IN TXT "v=DMARC1;p=reject;rua=mailto:dmarc@a.example"
            selector1._domainkey.a.example. 300 IN TXT "v=DKIM1; p="
            """;

    private static DomainReport check(List<String> selectors, boolean probe) {
        CheckConfig config = CheckConfig.builder(ZoneFileResolver.fromText(ZONE)).probeSmtp(false).profile(CheckConfig.Profile.GENERIC)
                .dkimSelectors(selectors).probeDkim(probe).build();
        return new CheckRunner(config).check("a.example");
    }

    @Test
    void aNamedSelectorWithoutKeyIsAnError() {
        DomainReport r = check(List.of("s2026"), true);
        assertThat(r.ids()).contains("DKIM-SELECTOR-NO-KEY", "DKIM-KEY-REVOKED").doesNotContain("DKIM-NO-SELECTOR");
        assertThat(r.findings()).filteredOn(f -> f.id().equals("DKIM-SELECTOR-NO-KEY")).singleElement()
                .matches(f -> f.severity() == Severity.ERROR && f.subject().equals("s2026._domainkey.a.example"));
        assertThat(r.findings()).filteredOn(f -> f.id().equals("DKIM-KEY-REVOKED")).singleElement()
                .matches(f -> f.summary().startsWith("probed selector selector1"));
    }

    @Test
    void withoutProbingNothingIsFoundAndAbsenceIsOnlyAWarning() {
        DomainReport r = check(List.of(), false);
        assertThat(r.findings()).filteredOn(f -> f.area() == Area.DKIM).extracting(Finding::id).containsExactly("DKIM-NO-SELECTOR");
        assertThat(r.findings()).filteredOn(f -> f.id().equals("DKIM-NO-SELECTOR")).singleElement()
                .matches(f -> f.severity() == Severity.WARN && f.detail().contains("absence is not proven"));
    }
}
