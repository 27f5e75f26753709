package org.mailward.auth.spf;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of parsing untrusted text: a value, or the precise reason it was rejected (which becomes the
 * {@code permerror} reason). Parsers in this package never throw on bad input.
 */
public sealed interface ParseResult<T> {

    record Ok<T>(T value) implements ParseResult<T> {
        public Ok {
            Objects.requireNonNull(value);
        }
    }

    record Invalid<T>(String reason) implements ParseResult<T> {
        public Invalid {
            Objects.requireNonNull(reason);
        }
    }

    static <T> ParseResult<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> ParseResult<T> invalid(String reason) {
        return new Invalid<>(reason);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value; throws {@link IllegalStateException} (a bug in the caller) when invalid. */
    default T value() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalStateException("not parsed: " + ((Invalid<T>) this).reason());
    }

    /** The reason; empty string when the parse succeeded. */
    default String reason() {
        return this instanceof Invalid<T> inv ? inv.reason() : "";
    }

    default <U> ParseResult<U> map(Function<T, U> f) {
        if (this instanceof Ok<T> ok) {
            return new Ok<>(f.apply(ok.value()));
        }
        return new Invalid<>(((Invalid<T>) this).reason());
    }
}
