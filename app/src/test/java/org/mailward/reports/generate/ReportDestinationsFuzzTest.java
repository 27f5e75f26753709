package org.mailward.reports.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The mailto: URI reader of the destination lookup (RFC 6068): plain addresses only, never an exception. */
class ReportDestinationsFuzzTest {

    @Test
    void mailtoForms() {
        assertThat(ReportDestinations.mailbox("mailto:dmarc@Example.COM")).contains("dmarc@example.com");
        assertThat(ReportDestinations.mailbox("mailto:dmarc%2Brua@example.com")).contains("dmarc+rua@example.com");
        assertThat(ReportDestinations.mailbox("mailto:dmarc@example.com?subject=x")).contains("dmarc@example.com");
        assertThat(ReportDestinations.mailbox("mailto:a@example.com,b@example.com")).isEmpty();
        assertThat(ReportDestinations.mailbox("mailto:@example.com")).isEmpty();
        assertThat(ReportDestinations.mailbox("mailto:dmarc@")).isEmpty();
        assertThat(ReportDestinations.mailbox("mailto:d marc@example.com")).isEmpty();
        assertThat(ReportDestinations.mailbox("mailto:%3Cx%3E@example.com")).isEmpty();
    }

    @Test
    void randomInputNeverThrowsAndAcceptsOnlyOneAddress() {
        Random random = new Random(7489_71L);
        String alphabet = "mailto:@.%2B0aZ?,<> \t\"\\;!é";
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(random.nextBoolean() ? "mailto:" : "");
            int n = random.nextInt(24);
            for (int k = 0; k < n; k++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(3) == 0) {
                s.append("@example.com");
            }
            Optional<String> box = ReportDestinations.mailbox(s.toString());
            if (box.isPresent()) {
                accepted++;
                String b = box.get();
                int at = b.lastIndexOf('@');
                assertThat(at).isPositive().isLessThan(b.length() - 1);
                assertThat(b).doesNotContain(",", " ", "<", ">", "\t");
            }
        }
        assertThat(accepted).isPositive();
    }
}
