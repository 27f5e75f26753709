package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.mailward.reports.Unpacker.Payload;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Attachment;
import org.mailward.testing.ReportGenerator.Schema;

class UnpackerTest {

    private static final IngestLimits LIMITS = new IngestLimits(8 << 20, 16 << 20, 50, 4, 100_000);

    private static byte[] report(long seed) {
        ReportGenerator g = new ReportGenerator(seed);
        return ReportGenerator.utf8(ReportGenerator.xml(g.aggregate(Schema.RFC7489, "u.example", 3, 20_000, Set.of())));
    }

    @Test
    void gzipBombIsRefused() throws IOException {
        // 64 MiB of zeros compresses to about 64 KB (ratio 1000:1); the limit stops reading at 16 MiB
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gz.write(zeros);
            }
        }
        assertThat(out.size()).isLessThan(200_000);
        List<Payload> p = Unpacker.unpack("bomb.xml.gz", out.toByteArray(), LIMITS);
        assertThat(p).singleElement().isInstanceOfSatisfying(Payload.Unreadable.class,
                u -> assertThat(u.reason()).contains("expands beyond").contains("bomb"));
        // the same bomb as a zip entry, and inside a gzip inside a zip
        byte[] zip = ReportGenerator.zip(Map.of("report.xml.gz", out.toByteArray()));
        assertThat(Unpacker.unpack("bomb.zip", zip, LIMITS)).last().isInstanceOfSatisfying(Payload.Unreadable.class,
                u -> assertThat(u.reason()).contains("expands beyond"));
    }

    @Test
    void zipWithTooManyEntriesIsRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 80; i++) {
            entries.put("r" + i + ".xml", new byte[] {'<', 'a', '/', '>'});
        }
        List<Payload> p = Unpacker.unpack("many.zip", ReportGenerator.zip(entries), LIMITS);
        assertThat(p.get(p.size() - 1)).isInstanceOfSatisfying(Payload.Unreadable.class,
                u -> assertThat(u.reason()).contains("more than 50"));
    }

    @Test
    void deeplyNestedArchivesAreRefused() {
        byte[] b = report(1);
        for (int i = 0; i < 8; i++) {
            b = i % 2 == 0 ? ReportGenerator.gzip(b) : ReportGenerator.zip(Map.of("inner" + i, b));
        }
        List<Payload> p = Unpacker.unpack("nested", b, LIMITS);
        assertThat(p).singleElement().isInstanceOfSatisfying(Payload.Unreadable.class,
                u -> assertThat(u.reason()).contains("nested deeper"));
    }

    @Test
    void zipsGzipsMailsAndMboxesYieldTheirReports() {
        byte[] xml = report(2);
        assertThat(Unpacker.unpack("a.xml", xml, LIMITS)).singleElement().isInstanceOf(Payload.AggregateXml.class);
        assertThat(Unpacker.unpack("a.xml.gz", ReportGenerator.gzip(xml), LIMITS)).singleElement()
                .isInstanceOfSatisfying(Payload.AggregateXml.class, x -> assertThat(x.bytes()).isEqualTo(xml));
        byte[] mail = ReportGenerator.eml("a@b.example", "s", "id@b.example",
                List.of(new Attachment("r.zip", "application/zip", ReportGenerator.zip(Map.of("r.xml", xml)))));
        assertThat(Unpacker.unpack("m.eml", mail, LIMITS)).singleElement()
                .isInstanceOfSatisfying(Payload.AggregateXml.class, x -> {
                    assertThat(x.bytes()).isEqualTo(xml);
                    assertThat(x.part()).isEqualTo("m.eml/r.zip/r.xml");
                });
        byte[] mbox = ReportGenerator.mbox(List.of(mail, mail, mail));
        assertThat(Unpacker.unpack("box", mbox, LIMITS)).hasSize(3).allMatch(x -> x instanceof Payload.AggregateXml);
    }

    @Test
    void garbageAndEmptyInputAreUnreadableWithAReason() {
        assertThat(Unpacker.unpack("x", new byte[] {1, 2, 3}, LIMITS)).singleElement()
                .isInstanceOfSatisfying(Payload.Unreadable.class, u -> assertThat(u.reason()).contains("unrecognised"));
        assertThat(Unpacker.unpack("x", new byte[0], LIMITS)).singleElement()
                .isInstanceOfSatisfying(Payload.Unreadable.class, u -> assertThat(u.reason()).contains("empty"));
        assertThat(Unpacker.unpack("x", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0}, LIMITS)).singleElement()
                .isInstanceOfSatisfying(Payload.Unreadable.class, u -> assertThat(u.reason()).contains("gzip"));
        IngestLimits tiny = new IngestLimits(10, 100, 10, 2, 100);
        assertThat(Unpacker.unpack("x", report(3), tiny)).singleElement()
                .isInstanceOfSatisfying(Payload.Unreadable.class, u -> assertThat(u.reason()).contains("over the limit"));
    }
}
