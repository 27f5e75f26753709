package org.mailward.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BimiRecordTest {

    @Test
    void validRecordGivesLogoAndCertificate() {
        BimiRecord r = BimiRecord.parse("v=BIMI1; l=https://x.test/logo.svg; a=https://x.test/vmc.pem;");
        assertThat(r.errors()).isEmpty();
        assertThat(r.location()).contains(URI.create("https://x.test/logo.svg"));
        assertThat(r.authority()).contains(URI.create("https://x.test/vmc.pem"));
        assertThat(r.declined()).isFalse();
    }

    @Test
    void emptyLocationIsADeclination() {
        BimiRecord r = BimiRecord.parse("v=BIMI1; l=; a=;");
        assertThat(r.errors()).isEmpty();
        assertThat(r.declined()).isTrue();
    }

    @Test
    void errorsAreNamed() {
        assertThat(BimiRecord.parse("v=BIMI1; l=http://x.test/logo.svg").errors()).singleElement().asString().contains("not an https: URI");
        assertThat(BimiRecord.parse("v=BIMI1; l=https://x.test/a.svg; l=https://x.test/b.svg").errors()).anyMatch(e -> e.contains("duplicate tag l="));
        assertThat(BimiRecord.parse("v=BIMI1; l=https://x.test/a.svg; z=1").errors()).singleElement().asString().contains("unknown tag z=");
        assertThat(BimiRecord.parse("l=https://x.test/a.svg; v=BIMI1").errors()).anyMatch(e -> e.contains("must start with v=BIMI1"));
        assertThat(BimiRecord.parse("v=bimi1; l=https://x.test/a.svg").errors()).anyMatch(e -> e.contains("must start with v=BIMI1"));
        assertThat(BimiRecord.parse("v=BIMI1; l=https://x.test/a.svg,https://y.test/b.svg").errors()).anyMatch(e -> e.contains("single URI"));
        assertThat(BimiRecord.parse("v=BIMI1; avp=other").errors()).anyMatch(e -> e.contains("avp="));
        assertThat(BimiRecord.parse("v=BIMI1; nonsense").errors()).anyMatch(e -> e.contains("not a tag=value pair"));
        assertThat(BimiRecord.parse("").errors()).isNotEmpty();
    }

    @Test
    void candidatesAreBimiLookingRecordsOnly() {
        assertThat(BimiRecord.isCandidate("v=BIMI1; l=")).isTrue();
        assertThat(BimiRecord.isCandidate(" V = bimi1;")).isTrue();
        assertThat(BimiRecord.isCandidate("v=spf1 -all")).isFalse();
        assertThat(BimiRecord.isCandidate("v=DMARC1; p=none")).isFalse();
    }

    /** Property: any text parses without throwing, and a record with no errors has v=BIMI1 and usable or empty l/a. */
    @Test
    void fuzzNeverThrowsAndCleanRecordsAreConsistent() {
        Random rnd = new Random(0xB1A1L);
        String[] pieces = {"v=BIMI1", "v=bimi1", "l=", "a=", "l=https://x.test/l.svg", "a=https://x.test/a.pem", "avp=brand", "x=", ";", ";",
                " ", "=", "https://", "http://x.test/", ",", "\u00e9", "\"", "v", "l", "%", "[", "]"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(8);
            for (int j = 0; j < n; j++) {
                sb.append(rnd.nextInt(5) == 0 ? String.valueOf((char) rnd.nextInt(128)) : pieces[rnd.nextInt(pieces.length)]);
            }
            String text = sb.toString();
            BimiRecord r = BimiRecord.parse(text);
            BimiRecord.isCandidate(text);
            if (r.errors().isEmpty()) {
                assertThat(r.tags()).as(text).containsEntry("v", "BIMI1");
                for (String tag : new String[] {"l", "a"}) {
                    String v = r.tags().getOrDefault(tag, "");
                    assertThat(v.isEmpty() || v.toLowerCase().startsWith("https:")).as(text).isTrue();
                }
            }
        }
        assertThat(BimiRecord.parse("v=BIMI1; l=" + "a".repeat(5000)).errors()).singleElement().asString().contains("longer than");
    }
}
