package org.mailward.reports.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7489 6.3 fo semantics, one row per case: which report (if any) the options ask for with this evidence. */
class FailureOptionsTest {

    @ParameterizedTest(name = "fo={0} dkimAligned={1} spfAligned={2} dkimFail={3} spfFail={4} -> {5}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # fo    | dkim aligned pass | spf aligned pass | failed signature | spf fail | expected option:auth-failure
            0       | false | false | -         | false | 0:dmarc
            0       | true  | false | -         | true  | -
            0       | false | true  | signature | false | -
            ''      | false | false | -         | false | 0:dmarc
            1       | true  | false | -         | false | 1:dmarc
            1       | false | true  | -         | false | 1:dmarc
            1       | true  | true  | -         | false | -
            1       | false | false | -         | false | 1:dmarc
            d       | false | false | -         | true  | -
            d       | true  | true  | bodyhash  | false | d:bodyhash
            d       | false | false | signature | false | d:signature
            s       | true  | false | -         | true  | s:spf
            s       | false | false | -         | false | -
            s       | true  | true  | -         | true  | s:spf
            d:s     | true  | true  | -         | true  | s:spf
            d:s     | true  | true  | revoked   | true  | d:revoked
            0:1     | true  | false | -         | false | 1:dmarc
            0:d     | false | false | signature | false | 0:dmarc
            1:d:s   | true  | true  | -         | false | -
            x       | false | false | -         | false | -
            0:x     | false | false | -         | false | 0:dmarc
            """)
    void foTable(String fo, boolean dkimAligned, boolean spfAligned, String dkimFailure, boolean spfFailed, String expected) {
        List<String> options = fo.isEmpty() ? List.of() : Arrays.asList(fo.split(":"));
        Optional<FailureOptions.Trigger> t = FailureOptions.trigger(options,
                new FailureOptions.Evidence(dkimAligned, spfAligned, Optional.ofNullable(dkimFailure), spfFailed));
        assertThat(t.map(x -> x.option() + ":" + x.authFailure()).orElse(null)).isEqualTo(expected);
    }
}
