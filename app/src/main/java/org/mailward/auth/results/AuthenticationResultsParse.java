package org.mailward.auth.results;

import java.util.Objects;

/** The outcome of parsing an Authentication-Results field value. */
public sealed interface AuthenticationResultsParse {

    record Parsed(AuthenticationResults results) implements AuthenticationResultsParse {
        public Parsed {
            Objects.requireNonNull(results);
        }
    }

    /** @param error what is wrong; {@code position} character offset in the field value */
    record Malformed(String error, int position) implements AuthenticationResultsParse {
        public Malformed {
            Objects.requireNonNull(error);
        }
    }
}
