package org.mailward.gateway.reflector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReplyRateLimiterTest {

    /** A clock the test moves by hand. */
    static final class FakeClock extends Clock {
        Instant now = Instant.parse("2026-12-07T02:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

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
            return now;
        }
    }

    @Test
    void atMostNPerSenderPerSlidingHour() {
        FakeClock clock = new FakeClock();
        ReplyRateLimiter l = ReplyRateLimiter.perHour(3, clock);
        assertThat(l.tryAcquire("alice@sender.example")).isTrue();
        clock.advance(Duration.ofMinutes(20));
        assertThat(l.tryAcquire("Alice@Sender.Example")).isTrue(); // the same sender, any case
        clock.advance(Duration.ofMinutes(20));
        assertThat(l.tryAcquire("alice@sender.example")).isTrue();
        assertThat(l.remaining("alice@sender.example")).isZero();
        assertThat(l.tryAcquire("alice@sender.example")).isFalse();
        // other senders have their own allowance
        assertThat(l.tryAcquire("bob@sender.example")).isTrue();
        // 60 minutes after the first reply, exactly one slot comes back; refusals did not use any
        clock.advance(Duration.ofMinutes(20));
        assertThat(l.tryAcquire("alice@sender.example")).isTrue();
        assertThat(l.tryAcquire("alice@sender.example")).isFalse();
        clock.advance(Duration.ofMinutes(40));
        assertThat(l.remaining("alice@sender.example")).isEqualTo(2);
        clock.advance(Duration.ofHours(2));
        assertThat(l.remaining("alice@sender.example")).isEqualTo(3);
        assertThat(l.max()).isEqualTo(3);
    }

    @Test
    void theTableIsBounded() {
        FakeClock clock = new FakeClock();
        ReplyRateLimiter l = new ReplyRateLimiter(1, Duration.ofHours(1), clock, 2);
        assertThat(l.tryAcquire("a@x.example")).isTrue();
        assertThat(l.tryAcquire("a@x.example")).isFalse();
        assertThat(l.tryAcquire("b@x.example")).isTrue();
        assertThat(l.tryAcquire("c@x.example")).isTrue(); // a is forgotten (least recently used)
        assertThat(l.remaining("a@x.example")).isEqualTo(1);
    }

    @Test
    void badArguments() {
        assertThatThrownBy(() -> new ReplyRateLimiter(0, Duration.ofHours(1), Clock.systemUTC(), 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplyRateLimiter(1, Duration.ZERO, Clock.systemUTC(), 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
