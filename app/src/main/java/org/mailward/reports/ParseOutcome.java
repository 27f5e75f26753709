package org.mailward.reports;

import java.util.function.Function;

/** What a parser made of untrusted input: a value, or the reason it could not be understood. */
public sealed interface ParseOutcome<T> {

    record Ok<T>(T value) implements ParseOutcome<T> {
    }

    record Rejected<T>(String reason) implements ParseOutcome<T> {
    }

    static <T> ParseOutcome<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> ParseOutcome<T> rejected(String reason) {
        return new Rejected<>(reason);
    }

    default <R> ParseOutcome<R> map(Function<T, R> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Rejected<T> r -> new Rejected<>(r.reason());
        };
    }
}
