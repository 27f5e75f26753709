package org.mailward.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookRunnerTest {

    static InboundHook hook(String name, HookVerdict v, long sleepMillis) {
        return new InboundHook() {
            public String name() {
                return name;
            }

            public HookVerdict onHelo(org.mailward.smtp.SessionInfo s) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v;
            }
        };
    }

    @Test
    void quarantineKeepsItsOwnHeaderEditsAndThoseBeforeIt() {
        try (HookRunner r = new HookRunner(List.of(
                hook("a", HookVerdict.addHeaders(List.of("X-A: 1")), 0),
                hook("q", HookVerdict.quarantine("dmarc", List.of("Authentication-Results: mx; dmarc=fail"), List.of("X-Old: 1")), 0),
                hook("c", HookVerdict.addHeaders(List.of("X-C: 1")), 0)), Duration.ofSeconds(1))) {
            HookRunner.Outcome o = r.run("helo", h -> h.onHelo(null));
            assertThat(o.verdict()).isInstanceOf(HookVerdict.Quarantine.class);
            assertThat(o.headers()).containsExactly("X-A: 1", "Authentication-Results: mx; dmarc=fail");
            assertThat(o.removeHeaders()).containsExactly("X-Old: 1");
        }
    }

    @Test
    void firstDecidingVerdictWinsAndHeadersAccumulate() {
        try (HookRunner r = new HookRunner(List.of(
                hook("a", HookVerdict.addHeaders(List.of("X-A: 1")), 0),
                hook("b", HookVerdict.reject(550, "5.7.1", "no"), 0),
                hook("c", HookVerdict.addHeaders(List.of("X-C: 1")), 0)), Duration.ofSeconds(1))) {
            HookRunner.Outcome o = r.run("helo", h -> h.onHelo(null));
            assertThat(o.verdict()).isEqualTo(new HookVerdict.Reject(550, "5.7.1", "no"));
            assertThat(o.headers()).containsExactly("X-A: 1");
        }
    }

    @Test
    void slowHookIsATempFail() {
        try (HookRunner r = new HookRunner(List.of(hook("slow", HookVerdict.proceed(), 5000)), Duration.ofMillis(100))) {
            long t0 = System.nanoTime();
            HookRunner.Outcome o = r.run("helo", h -> h.onHelo(null));
            assertThat(o.verdict()).isInstanceOf(HookVerdict.TempFail.class);
            assertThat(((HookVerdict.TempFail) o.verdict()).code()).isEqualTo(451);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void throwingHookIsATempFail() {
        InboundHook bad = new InboundHook() {
            public String name() {
                return "bad";
            }

            public HookVerdict onHelo(org.mailward.smtp.SessionInfo s) {
                throw new IllegalStateException("bug");
            }
        };
        try (HookRunner r = new HookRunner(List.of(bad), Duration.ofSeconds(1))) {
            assertThat(r.run("helo", h -> h.onHelo(null)).verdict()).isInstanceOf(HookVerdict.TempFail.class);
        }
    }
}
