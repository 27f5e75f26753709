package org.mailward.smtp;

import java.util.function.Function;

/** The result of parsing protocol text: a value, or an error that says what is wrong. Never throws on bad input. */
public sealed interface Parsed<T> {

    record Ok<T>(T value) implements Parsed<T> {
    }

    record Error<T>(String message) implements Parsed<T> {
    }

    static <T> Parsed<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Parsed<T> error(String message) {
        return new Error<>(message);
    }

    default boolean isOk() {
        return this instanceof Ok<T>;
    }

    /** The value; throws IllegalStateException on an error (a bug in the caller that did not check). */
    default T value() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalStateException("not parsed: " + ((Error<T>) this).message());
    }

    default String errorMessage() {
        return this instanceof Error<T> e ? e.message() : "";
    }

    default <R> Parsed<R> map(Function<T, R> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Error<T> e -> new Error<>(e.message());
        };
    }
}
