package org.mailward.auth.results;

import java.util.Objects;

/**
 * One propspec (RFC 8601 2.2): {@code ptype.property=value}, e.g. {@code smtp.mailfrom=example.com},
 * {@code header.d=example.com}, {@code policy.dmarc=reject}.
 */
public record Property(String ptype, String property, String value) {
    public Property {
        Objects.requireNonNull(ptype);
        Objects.requireNonNull(property);
        Objects.requireNonNull(value);
    }

    /** {@code ptype.property} in lower case, e.g. "header.d". */
    public String key() {
        return (ptype + "." + property).toLowerCase(java.util.Locale.ROOT);
    }
}
