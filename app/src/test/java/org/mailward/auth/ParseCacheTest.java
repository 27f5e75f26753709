package org.mailward.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParseCacheTest {

    @Test
    void aTextSeenBeforeIsNotParsedAgain() {
        AtomicInteger calls = new AtomicInteger();
        ParseCache<String> cache = new ParseCache<>(t -> {
            calls.incrementAndGet();
            return t.toUpperCase();
        }, 10, 100);
        assertThat(cache.parse("v=spf1 -all")).isEqualTo("V=SPF1 -ALL");
        assertThat(cache.parse("v=spf1 -all")).isEqualTo("V=SPF1 -ALL");
        assertThat(calls).hasValue(1);
    }

    @Test
    void entriesAndTextLengthAreBounded() {
        AtomicInteger calls = new AtomicInteger();
        ParseCache<Integer> cache = new ParseCache<>(t -> {
            calls.incrementAndGet();
            return t.length();
        }, 10, 20);
        for (int i = 0; i < 1000; i++) {
            cache.parse("record " + i);
            assertThat(cache.size()).isLessThanOrEqualTo(10);
        }
        String huge = "x".repeat(21);
        calls.set(0);
        cache.parse(huge);
        cache.parse(huge);
        assertThat(calls).as("a text over the length limit is parsed each time").hasValue(2);
        assertThatThrownBy(() -> new ParseCache<>(t -> t, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentReadersGetTheirOwnTextsParse() throws Exception {
        ParseCache<String> cache = new ParseCache<>(t -> "parsed:" + t, 16, 100);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        String text = "text " + ((i * 7 + id) % 40); // 40 texts through 16 slots: many clears
                        assertThat(cache.parse(text)).isEqualTo("parsed:" + text);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
    }
}
