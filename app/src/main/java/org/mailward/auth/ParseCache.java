package org.mailward.auth;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Parsed DNS record texts (SPF, DKIM key, DMARC records), shared by every message: parsing is pure and the same
 * published text always gives the same value, while a busy gateway sees the same few records all day. Bounded by
 * entries (emptied when full, which is cheap and cannot be steered into unbounded memory) and by text length
 * (longer texts, hostile or broken, are parsed each time and never kept). DNS answers themselves are never cached
 * here; values must be immutable. Safe for concurrent use without a lock.
 *
 * @param <T> the parse result
 */
public final class ParseCache<T> {

    private final Function<String, T> parser;
    private final int maxEntries;
    private final int maxTextLength;
    private final ConcurrentHashMap<String, T> parsed = new ConcurrentHashMap<>();

    public ParseCache(Function<String, T> parser, int maxEntries, int maxTextLength) {
        if (maxEntries < 1 || maxTextLength < 0) {
            throw new IllegalArgumentException("maxEntries " + maxEntries + ", maxTextLength " + maxTextLength);
        }
        this.parser = Objects.requireNonNull(parser);
        this.maxEntries = maxEntries;
        this.maxTextLength = maxTextLength;
    }

    /** The parse of {@code text}, from the cache when it was seen before. */
    public T parse(String text) {
        if (text.length() > maxTextLength) {
            return parser.apply(text);
        }
        T value = parsed.get(text);
        if (value == null) {
            value = parser.apply(text);
            if (parsed.size() >= maxEntries) {
                parsed.clear();
            }
            parsed.put(text, value);
        }
        return value;
    }

    /** Entries held now (for tests). */
    int size() {
        return parsed.size();
    }
}
