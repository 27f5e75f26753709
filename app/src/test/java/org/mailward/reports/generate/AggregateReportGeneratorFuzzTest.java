package org.mailward.reports.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.reports.AggregateReport.DkimAuth;
import org.mailward.reports.AggregateReport.PolicyOverride;
import org.mailward.reports.ParseOutcome;

/** The two column readers of the generator: the dkim_results JSON parser and the override_reasons splitter. */
class AggregateReportGeneratorFuzzTest {

    static final String VALID = "[{\"domain\":\"example.com\",\"selector\":\"s1\",\"result\":\"pass\",\"aligned\":true,\"human_result\":\"\"},"
            + "{\"domain\":\"lists.example\",\"selector\":\"l\",\"result\":\"fail\",\"aligned\":false,\"human_result\":\"body hash\"}]";

    @Test
    void validColumnParses() {
        ParseOutcome<List<DkimAuth>> r = AggregateReportGenerator.parseDkimResults(VALID);
        assertThat(r).isInstanceOf(ParseOutcome.Ok.class);
        assertThat(((ParseOutcome.Ok<List<DkimAuth>>) r).value()).containsExactly(
                new DkimAuth("example.com", "s1", "pass", ""), new DkimAuth("lists.example", "l", "fail", "body hash"));
        assertThat(AggregateReportGenerator.parseDkimResults("")).isEqualTo(ParseOutcome.ok(List.of()));
        assertThat(AggregateReportGenerator.parseDkimResults("[]")).isEqualTo(ParseOutcome.ok(List.of()));
    }

    @Test
    void malformedColumnsAreRejectedWithAReason() {
        assertThat(reason("[{\"domain\":\"a\"")).startsWith("malformed JSON");
        assertThat(reason("{\"domain\":\"a\"}")).isEqualTo("not a JSON array");
        assertThat(reason("[1]")).isEqualTo("entry 0 is not an object");
        assertThat(reason("[{\"selector\":\"s\",\"result\":\"pass\"}]")).isEqualTo("entry 0 has no domain");
        assertThat(reason("[{\"domain\":\"a\",\"result\":\"ok\"}]")).contains("not a DKIM result");
    }

    private static String reason(String column) {
        return ((ParseOutcome.Rejected<List<DkimAuth>>) AggregateReportGenerator.parseDkimResults(column)).reason();
    }

    @Test
    void mutatedColumnsNeverThrowAndOkValuesAreSchemaSafe() {
        Random random = new Random(20261206L);
        String alphabet = "[]{}\":,. abcdefghijklmnopqrstuvwxyz0123456789\\\u00e9\u0000";
        int ok = 0;
        int rejected = 0;
        for (int i = 0; i < 5000; i++) {
            StringBuilder s = new StringBuilder(VALID);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int pos = random.nextInt(s.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(pos, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (pos < s.length()) {
                            s.deleteCharAt(pos);
                        }
                    }
                    default -> {
                        if (pos < s.length()) {
                            s.setCharAt(pos, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            ParseOutcome<List<DkimAuth>> r = AggregateReportGenerator.parseDkimResults(s.toString());
            switch (r) {
                case ParseOutcome.Ok<List<DkimAuth>> v -> {
                    ok++;
                    assertThat(v.value()).allMatch(d -> !d.domain().isEmpty()
                            && List.of("none", "pass", "fail", "policy", "neutral", "temperror", "permerror").contains(d.result()));
                }
                case ParseOutcome.Rejected<List<DkimAuth>> x -> {
                    rejected++;
                    assertThat(x.reason()).isNotBlank();
                }
            }
        }
        assertThat(ok).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    void overrideReasonsSplitAsTheGatewayJoinsThem() {
        assertThat(AggregateReportGenerator.parseReasons("")).isEmpty();
        assertThat(AggregateReportGenerator.parseReasons("mailing_list: forwarded; local_policy"))
                .containsExactly(new PolicyOverride("mailing_list", "forwarded"), new PolicyOverride("local_policy", ""));
        Random random = new Random(7489L);
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(20);
            for (int k = 0; k < n; k++) {
                s.append(";: ab\t".charAt(random.nextInt(6)));
            }
            for (PolicyOverride o : AggregateReportGenerator.parseReasons(s.toString())) {
                assertThat(o.type()).doesNotStartWith(" ");
                assertThat(o.type().isEmpty() && o.comment().isEmpty()).isFalse();
            }
        }
    }
}
