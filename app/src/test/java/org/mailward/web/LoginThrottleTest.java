package org.mailward.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    /** A clock the test moves. */
    static final class Manual extends Clock {
        long now = 1_000_000;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(now);
        }
    }

    @Test
    void refusesAfterTooManyFailuresUntilTheWindowPasses() {
        Manual clock = new Manual();
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThat(t.allowed("192.0.2.1")).as("attempt " + i).isTrue();
            t.failed("192.0.2.1");
        }
        assertThat(t.allowed("192.0.2.1")).isFalse();
        assertThat(t.allowed("192.0.2.2")).as("other addresses are not affected").isTrue();
        clock.now += LoginThrottle.WINDOW_SECONDS;
        assertThat(t.allowed("192.0.2.1")).isTrue();
    }

    @Test
    void successClearsTheCount() {
        LoginThrottle t = new LoginThrottle(new Manual());
        for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
            t.failed("192.0.2.1");
        }
        t.succeeded("192.0.2.1");
        t.failed("192.0.2.1");
        assertThat(t.allowed("192.0.2.1")).isTrue();
    }
}
