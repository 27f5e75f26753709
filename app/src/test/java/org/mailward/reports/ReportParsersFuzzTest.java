package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailward.reports.Unpacker.Payload;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Attachment;
import org.mailward.testing.ReportGenerator.Schema;

/**
 * Fuzzing by mutation (seeded java.util.Random; the seed is in every failure message): valid reports in every
 * format and wrapper are corrupted (bytes flipped, inserted, deleted, truncated, chunks duplicated) and fed to the
 * unpacker and every parser, which must return a value (Ok or Rejected), never throw, and stay within time.
 */
class ReportParsersFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261125L);
    private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 400);
    private static final IngestLimits LIMITS = new IngestLimits(4 << 20, 8 << 20, 200, 4, 200_000);

    private static List<byte[]> seeds(Random random) {
        ReportGenerator g = new ReportGenerator(random.nextLong());
        List<byte[]> out = new ArrayList<>();
        byte[] x7489 = ReportGenerator.utf8(ReportGenerator.xml(g.aggregate(Schema.RFC7489, "f.example", 4, 20_000, Set.of())));
        byte[] xbis = ReportGenerator.utf8(ReportGenerator.xml(g.aggregate(Schema.DMARC_2_0, "f.example", 3, 20_000,
                Set.of(ReportGenerator.Deviation.values()))));
        byte[] tls = ReportGenerator.utf8(ReportGenerator.json(g.tls("f.example", 2, 20_000)));
        byte[] arf = ReportGenerator.utf8(ReportGenerator.arf(g.failure("f.example", 1_700_000_000L)));
        byte[] eml = ReportGenerator.eml("a@b.example", "s", "m@b.example",
                List.of(new Attachment("r.xml.gz", "application/gzip", ReportGenerator.gzip(x7489))));
        out.add(x7489);
        out.add(xbis);
        out.add(tls);
        out.add(arf);
        out.add(eml);
        out.add(ReportGenerator.gzip(xbis));
        out.add(ReportGenerator.zip(Map.of("a.xml", x7489, "b.json", tls)));
        out.add(ReportGenerator.mbox(List.of(eml, arf)));
        return out;
    }

    private static final String SPECIALS = "<>&;\"'/=:\r\n{}[]-\0";

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int ops = 1 + r.nextInt(8);
        for (int k = 0; k < ops && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] = (byte) SPECIALS.charAt(r.nextInt(SPECIALS.length()));
                case 2 -> b = java.util.Arrays.copyOf(b, at);
                case 3 -> {
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                }
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] n = new byte[b.length + len];
                    System.arraycopy(b, 0, n, 0, at + len);
                    System.arraycopy(b, at, n, at + len, b.length - at);
                    b = n;
                }
                default -> {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
            }
        }
        return b;
    }

    @Test
    void mutatedInputsNeverThrow() {
        Random random = new Random(SEED);
        List<byte[]> seeds = seeds(random);
        AggregateReportParser agg = new AggregateReportParser(200_000);
        TlsReportParser tls = new TlsReportParser();
        FailureReportParser arf = new FailureReportParser();
        int ok = 0;
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] seed = seeds.get(round % seeds.size());
            byte[] input = mutate(seed, random);
            // wrappers are mutated, then sometimes re-wrapped so that corrupt content sits behind a valid container
            if (round % 7 == 0) {
                input = ReportGenerator.gzip(input);
            }
            String context = "seed " + SEED + " round " + round;
            long t0 = System.nanoTime();
            try {
                for (Payload p : Unpacker.unpack("fuzz", input, LIMITS)) {
                    ParseOutcome<?> outcome = switch (p) {
                        case Payload.AggregateXml x -> agg.parse(x.bytes());
                        case Payload.TlsJson j -> tls.parse(j.bytes());
                        case Payload.Arf a -> arf.parse(a.message(), a.bytes());
                        case Payload.Unreadable u -> ParseOutcome.rejected(u.reason());
                    };
                    assertThat(outcome).as(context).isNotNull();
                    if (outcome instanceof ParseOutcome.Ok<?>) {
                        ok++;
                    } else {
                        String reason = ((ParseOutcome.Rejected<?>) outcome).reason();
                        assertThat(reason).as(context).isNotBlank().doesNotStartWith("internal");
                        rejected++;
                    }
                }
                // the raw parsers straight on the mutated bytes too
                assertThat(agg.parse(input)).as(context).isNotNull();
                assertThat(tls.parse(input)).as(context).isNotNull();
                assertThat(MimeReader.parse(input, 200, 8)).as(context).isNotNull();
                MimeReader.splitMbox(input);
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError(context + ": " + e, e);
            }
            assertThat(System.nanoTime() - t0).as(context + " took too long").isLessThan(5_000_000_000L);
        }
        // the mutations must exercise both outcomes, or the test is not testing much
        assertThat(ok).as("accepted mutants").isPositive();
        assertThat(rejected).as("rejected mutants").isPositive();
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(SEED + 1);
        for (int round = 0; round < 300; round++) {
            byte[] b = new byte[random.nextInt(2000)];
            random.nextBytes(b);
            if (round % 3 == 0 && b.length > 4) {
                b[0] = (byte) "<{FP".charAt(random.nextInt(4));
            }
            String context = "seed " + (SEED + 1) + " round " + round;
            try {
                assertThat(Unpacker.unpack("rnd", b, LIMITS)).as(context).isNotEmpty();
                assertThat(new AggregateReportParser().parse(b)).as(context).isNotNull();
                assertThat(new TlsReportParser().parse(b)).as(context).isNotNull();
            } catch (RuntimeException e) {
                throw new AssertionError(context + ": " + e, e);
            }
        }
    }
}
