package org.mailward.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.auth.dmarc.Alignment;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.DmarcRecordParse;
import org.mailward.auth.dmarc.DmarcRecordParser;
import org.mailward.auth.dmarc.Policy;
import org.mailward.dns.RecordType;
import org.mailward.dns.ZoneFileResolver;

class DmarcRecordTextTest {

    @Test
    void ukStagesMatchTheGuidanceText() {
        DmarcRecordText base = DmarcRecordText.of(Policy.NONE).withFailureOptions(List.of("1"))
                .withRua(List.of("mailto:dmarc-rua@dmarc.service.gov.uk", "mailto:dmarc@yourdomain.gov.uk"))
                .withRuf(List.of("mailto:dmarc-ruf@dmarc.service.gov.uk"));
        // GOV.UK "Create a DMARC record" and "Iterate a DMARC record", verbatim.
        assertThat(DmarcRollout.NONE.apply(base).text()).isEqualTo(
                "v=DMARC1;p=none;sp=none;fo=1;rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:dmarc@yourdomain.gov.uk;ruf=mailto:dmarc-ruf@dmarc.service.gov.uk");
        assertThat(DmarcRollout.QUARANTINE_10.apply(base).text()).isEqualTo(
                "v=DMARC1;p=quarantine;sp=quarantine;fo=1;pct=10;rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:dmarc@yourdomain.gov.uk;ruf=mailto:dmarc-ruf@dmarc.service.gov.uk");
        assertThat(DmarcRollout.REJECT.apply(base).text()).startsWith("v=DMARC1;p=reject;sp=reject;np=reject;fo=1;");
    }

    @Test
    void stageOfAPublishedRecord() {
        assertThat(DmarcRollout.of(rec("v=DMARC1;p=none"))).isEqualTo(DmarcRollout.NONE);
        assertThat(DmarcRollout.of(rec("v=DMARC1;p=quarantine;pct=5"))).isEqualTo(DmarcRollout.QUARANTINE_10);
        assertThat(DmarcRollout.of(rec("v=DMARC1;p=quarantine;pct=30"))).isEqualTo(DmarcRollout.QUARANTINE_25);
        assertThat(DmarcRollout.of(rec("v=DMARC1;p=quarantine"))).isEqualTo(DmarcRollout.QUARANTINE_100);
        assertThat(DmarcRollout.of(rec("v=DMARC1;p=quarantine;t=y"))).isEqualTo(DmarcRollout.NONE);
        assertThat(DmarcRollout.of(rec("v=DMARC1;p=reject"))).isEqualTo(DmarcRollout.REJECT);
        assertThat(DmarcRollout.REJECT.next()).isEmpty();
        assertThat(DmarcRollout.NONE.next()).contains(DmarcRollout.QUARANTINE_10);
        assertThat(DmarcRollout.parse("quarantine:50")).contains(DmarcRollout.QUARANTINE_50);
        assertThat(DmarcRollout.parse("sometimes")).isEmpty();
    }

    /** Generated records always parse back (auth.dmarc parser) to what was generated, for random combinations. */
    @Test
    void generatedRecordsRoundTripThroughTheParser() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            Policy[] ps = Policy.values();
            DmarcRecordText t = DmarcRecordText.of(ps[rnd.nextInt(3)])
                    .withSubdomain(rnd.nextBoolean() ? Optional.of(ps[rnd.nextInt(3)]) : Optional.empty())
                    .withNonexistent(rnd.nextBoolean() ? Optional.of(ps[rnd.nextInt(3)]) : Optional.empty())
                    .withAlignment(rnd.nextBoolean() ? Alignment.STRICT : Alignment.RELAXED, rnd.nextBoolean() ? Alignment.STRICT : Alignment.RELAXED)
                    .withPercent(rnd.nextBoolean() ? Optional.of(rnd.nextInt(101)) : Optional.empty())
                    .withTesting(rnd.nextBoolean())
                    .withFailureOptions(rnd.nextBoolean() ? List.of("1") : List.of("d", "s"))
                    .withRua(rnd.nextBoolean() ? List.of("mailto:a" + i + "@example.com") : List.of())
                    .withRuf(rnd.nextBoolean() ? List.of("mailto:f@example.com", "mailto:g@example.org") : List.of());
            DmarcRecordParse p = DmarcRecordParser.parse(t.text());
            assertThat(p).as("seed " + seed + ": " + t.text()).isInstanceOf(DmarcRecordParse.Valid.class);
            DmarcRecordParse.Valid v = (DmarcRecordParse.Valid) p;
            assertThat(v.issues()).as("seed " + seed + ": " + t.text()).isEmpty();
            assertThat(DmarcRecordText.from(v.record()).text()).as("seed " + seed).isEqualTo(t.text());
        }
    }

    @Test
    void zoneTextSplitsLongValuesAndEscapes() {
        String value = "v=DMARC1;p=none;rua=mailto:" + "x".repeat(600) + "@example.com;x=\"q\\";
        String line = ZoneText.txt("_dmarc.example.com", 300, value);
        assertThat(ZoneText.split(value)).allMatch(s -> s.length() <= 255).hasSize(3);
        ZoneFileResolver z = ZoneFileResolver.fromText(line + "\n");
        assertThat(z.query("_dmarc.example.com", RecordType.TXT).texts()).containsExactly(value);
    }

    private static DmarcRecord rec(String t) {
        return ((DmarcRecordParse.Valid) DmarcRecordParser.parse(t)).record();
    }
}
