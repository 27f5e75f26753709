package org.mailward.auth.results;

import java.util.Objects;

/**
 * An ARC-Authentication-Results field (RFC 8617 4.1.1): an instance number and an Authentication-Results payload,
 * {@code i=1; mx.example.org; spf=pass ...}.
 *
 * @param instance the ARC set instance, 1 to 50 (RFC 8617 4.2.1)
 * @param results  the payload
 */
public record ArcAuthenticationResults(int instance, AuthenticationResults results) {

    public static final String FIELD_NAME = "ARC-Authentication-Results";

    public ArcAuthenticationResults {
        Objects.requireNonNull(results);
    }

    /** The field value on one line: {@code i=N; } followed by the payload. */
    public String value() {
        return "i=" + instance + "; " + results.value();
    }

    /** The outcome of parsing an AAR field value. */
    public sealed interface Parse {
        record Parsed(ArcAuthenticationResults aar) implements Parse {
        }

        record Malformed(String error, int position) implements Parse {
        }
    }

    /**
     * Parses an AAR field value: {@code [CFWS] "i" [CFWS] "=" [CFWS] 1*2DIGIT [CFWS] ";"} then an RFC 8601 payload.
     * Never throws on bad input.
     */
    public static Parse parse(String fieldValue) {
        return AuthenticationResultsParser.parseAar(fieldValue);
    }
}
