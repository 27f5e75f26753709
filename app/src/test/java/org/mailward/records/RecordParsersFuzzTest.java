package org.mailward.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Unit and fuzz tests of the MTA-STS record, MTA-STS policy and TLS-RPT record parsers: valid inputs parse, known bad
 * ones report errors, and thousands of random mutations (seeded java.util.Random; the seed is printed on failure)
 * never throw.
 */
class RecordParsersFuzzTest {

    @Test
    void mtaStsRecord() {
        assertThat(MtaStsRecord.parse("v=STSv1; id=20260101T000000;").valid()).isTrue();
        assertThat(MtaStsRecord.parse("v=STSv1; id=20260101T000000").id()).contains("20260101T000000");
        assertThat(MtaStsRecord.parse("v=STSv1; id=bad-id").errors()).anyMatch(e -> e.contains("id must be"));
        assertThat(MtaStsRecord.parse("v=STSv1").errors()).anyMatch(e -> e.contains("id field missing"));
        assertThat(MtaStsRecord.parse("v=STSv1; id=1; id=2").errors()).anyMatch(e -> e.contains("duplicate"));
        assertThat(MtaStsRecord.parse("id=1; v=STSv1").valid()).isFalse();
        assertThat(MtaStsRecord.parse("v=STSv1; id=" + "a".repeat(33)).valid()).isFalse();
    }

    @Test
    void mtaStsPolicy() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.example.net\r\nmax_age: 1209600\r\n");
        assertThat(p.valid()).isTrue();
        assertThat(p.warnings()).isEmpty();
        assertThat(p.mx()).containsExactly("mx1.example.com", "*.example.net");
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: testing\nmax_age: 86400\n").warnings()).anyMatch(w -> w.contains("LF only"));
        assertThat(MtaStsPolicy.parse("version: STSv1\r\nmode: enforcing\r\nmax_age: 1\r\n").errors()).anyMatch(e -> e.startsWith("mode"));
        assertThat(MtaStsPolicy.parse("version: STSv1\r\nmode: none\r\nmax_age: 31557601\r\n").errors()).anyMatch(e -> e.startsWith("max_age"));
        assertThat(MtaStsPolicy.parse("version: STSv1\r\nmode: none\r\nmode: none\r\nmax_age: 1\r\n").errors()).anyMatch(e -> e.contains("repeated"));
        assertThat(MtaStsPolicy.parse("garbage").valid()).isFalse();
        assertThat(MtaStsPolicy.patternProblem("*.example.com")).isEmpty();
        assertThat(MtaStsPolicy.patternProblem("192.0.2.1")).isPresent();
        assertThat(MtaStsPolicy.patternProblem("mx.*.example.com")).isPresent();
        assertThat(MtaStsPolicy.matches("*.example.com", "mx1.example.com")).isTrue();
        assertThat(MtaStsPolicy.matches("*.example.com", "a.b.example.com")).isFalse();
        assertThat(MtaStsPolicy.matches("*.example.com", "example.com")).isFalse();
        assertThat(MtaStsPolicy.matches("MX.Example.com.", "mx.example.COM")).isTrue();
    }

    @Test
    void tlsRptRecord() {
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/tls");
        assertThat(r.errors()).isEmpty();
        assertThat(r.uriErrors()).isEmpty();
        assertThat(r.rua()).hasSize(2);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1;").errors()).anyMatch(e -> e.contains("rua field missing"));
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://x.example").uriErrors()).hasSize(1);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:nobody").uriErrors()).hasSize(1);
        assertThat(TlsRptRecord.destinationHost("mailto:a@Example.COM")).contains("example.com");
        assertThat(TlsRptRecord.destinationHost("https://r.example.com/x")).contains("r.example.com");
    }

    @Test
    void randomMutationsNeverThrow() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<String> seeds = List.of("v=STSv1; id=20260101T000000;", "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/tls",
                "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.example.net\r\nmax_age: 1209600\r\n");
        String alphabet = "v=;:,.*@/ \t\r\n\u00ff\u0000\uFEFFSTSvTLSRPT1mxodeaginforce-_0123456789%\"\\";
        try {
            for (int i = 0; i < 20_000; i++) {
                StringBuilder sb = new StringBuilder(seeds.get(rnd.nextInt(seeds.size())));
                int edits = 1 + rnd.nextInt(8);
                for (int e = 0; e < edits; e++) {
                    int pos = sb.isEmpty() ? 0 : rnd.nextInt(sb.length() + 1);
                    switch (rnd.nextInt(3)) {
                        case 0 -> sb.insert(pos, alphabet.charAt(rnd.nextInt(alphabet.length())));
                        case 1 -> {
                            if (pos < sb.length()) {
                                sb.deleteCharAt(pos);
                            }
                        }
                        default -> {
                            if (pos < sb.length()) {
                                sb.setCharAt(pos, alphabet.charAt(rnd.nextInt(alphabet.length())));
                            }
                        }
                    }
                }
                String s = sb.toString();
                MtaStsRecord rec = MtaStsRecord.parse(s);
                assertThat(rec.valid()).isEqualTo(rec.errors().isEmpty());
                MtaStsPolicy pol = MtaStsPolicy.parse(s);
                pol.mx().forEach(MtaStsPolicy::patternProblem);
                TlsRptRecord rpt = TlsRptRecord.parse(s);
                rpt.rua().forEach(TlsRptRecord::destinationHost);
            }
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("fuzz failure with seed " + seed + ": " + e, e);
        }
    }
}
