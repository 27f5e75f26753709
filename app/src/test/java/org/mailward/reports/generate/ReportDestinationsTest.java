package org.mailward.reports.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.auth.dmarc.DmarcRecordParse;
import org.mailward.auth.dmarc.DmarcRecordParser;
import org.mailward.auth.dmarc.ReportUri;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.dns.ZoneFileResolver;

/** Failure report (ruf) destinations and the scheme rules, on a zone (no store needed). */
class ReportDestinationsTest {

    static final String ZONE = """
            _dmarc.sender.example.  IN TXT "v=DMARC1; p=reject; rua=https://reports.example.net/dmarc,mailto:agg@sender.example; ruf=mailto:ruf@sender.example,mailto:f@ruf.example.net!50k,mailto:x@open.example.org,https://ruf.example.net/"
            sender.example._report._dmarc.ruf.example.net. IN TXT "v=DMARC1; ruf=mailto:customer7@ruf.example.net!20k,mailto:leak@elsewhere.example; rua=mailto:agg7@ruf.example.net"
            """;

    final ReportDestinations dests = new ReportDestinations(ZoneFileResolver.fromText(ZONE), PublicSuffixList.bundled());

    static List<ReportUri> ruf() {
        return ((DmarcRecordParse.Valid) DmarcRecordParser.parse(
                "v=DMARC1; p=reject; ruf=mailto:ruf@sender.example,mailto:f@ruf.example.net!50k,mailto:x@open.example.org,https://ruf.example.net/"))
                .record().failureUris();
    }

    @Test
    void failureDestinationsGetTheExternalCheckAndTheRufOverride() {
        ReportDestinations.Lookup l = dests.dmarcFailure("sender.example", ruf());
        assertThat(l.destinations()).extracting(d -> d.uri() + " " + d.accepted() + " " + d.maxBytes().orElse(0L))
                .containsExactly(
                        "mailto:ruf@sender.example true 0",
                        // the authorising record's ruf (not its rua) replaces the address, same host only
                        "mailto:customer7@ruf.example.net true 20480",
                        "mailto:leak@elsewhere.example false 0",
                        "mailto:x@open.example.org false 0",
                        "https://ruf.example.net/ false 0");
        assertThat(l.destinations().get(3).reason()).contains("sender.example._report._dmarc.open.example.org");
        assertThat(l.destinations().get(4).reason()).contains("only mailto:");
        assertThat(dests.dmarcFailure("sender.example", List.of()).notes()).singleElement().asString().contains("no ruf");
    }

    @Test
    void aggregateDestinationsRefuseHttpsForDmarcAndUseTheRuaOverride() {
        ReportDestinations.Lookup l = dests.dmarc("sender.example");
        assertThat(l.destinations()).extracting(d -> d.uri() + " " + d.accepted())
                .containsExactly("https://reports.example.net/dmarc false", "mailto:agg@sender.example true");
        assertThat(l.destinations().get(0).reason()).contains("scheme 'https' not supported");
    }
}
