package org.mailward.reports.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureReportLimiterTest {

    /** A clock the test moves. */
    static Clock clock(AtomicLong millis) {
        return new Clock() {
            public ZoneId getZone() {
                return ZoneId.of("UTC");
            }

            public Clock withZone(ZoneId z) {
                return this;
            }

            public Instant instant() {
                return Instant.ofEpochMilli(millis.get());
            }
        };
    }

    @Test
    void perDomainPerClockHour() {
        AtomicLong now = new AtomicLong(1_765_000_000_000L - 1_765_000_000_000L % 3_600_000L);
        FailureReportLimiter l = new FailureReportLimiter(3, clock(now));
        assertThat(l.tryAcquire("a.example")).isTrue();
        assertThat(l.tryAcquire("A.example")).isTrue(); // domains are case-insensitive
        assertThat(l.tryAcquire("a.example")).isTrue();
        assertThat(l.tryAcquire("a.example")).isFalse();
        assertThat(l.tryAcquire("b.example")).isTrue(); // another domain has its own count
        now.addAndGet(3_600_000L - 1);
        assertThat(l.tryAcquire("a.example")).isFalse(); // still the same hour
        now.addAndGet(1);
        assertThat(l.tryAcquire("a.example")).isTrue(); // the next hour starts afresh
        assertThat(new FailureReportLimiter(0, clock(now)).tryAcquire("a.example")).isFalse();
    }
}
