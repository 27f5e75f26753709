package org.mailward.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FmtTest {

    @Test
    void countGroupsThousandsLikeFormat() {
        long[] edges = {0, 1, -1, 9, 99, 999, 1000, -1000, 9999, 10_000, 100_000, 999_999, 1_000_000, -999,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long n : edges) {
            assertThat(Fmt.count(n)).as("%d", n).isEqualTo(String.format(Locale.ROOT, "%,d", n));
        }
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            // every magnitude: a random long shifted right by a random amount, either sign
            long n = r.nextLong() >> r.nextInt(64);
            assertThat(Fmt.count(n)).as("%d", n).isEqualTo(String.format(Locale.ROOT, "%,d", n));
        }
        assertThat(Fmt.count(1_234_567L)).isEqualTo("1,234,567");
    }
}
