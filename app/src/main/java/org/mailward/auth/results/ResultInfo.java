package org.mailward.auth.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One resinfo (RFC 8601 2.2): {@code method=result [(comment)] [reason="..."] ptype.property=value...}. Methods and
 * results are kept as written (lower-cased), so unknown methods from upstream headers survive a parse.
 *
 * @param method     the method keyword (spf, dkim, dmarc, arc, iprev, auth, or any other)
 * @param result     the result keyword (pass, fail, none...)
 * @param reason     the reasonspec value, when present
 * @param properties the propspecs in order
 * @param comment    a comment rendered after the result (e.g. "p=reject dis=none"), when present
 */
public record ResultInfo(String method, String result, Optional<String> reason, List<Property> properties,
                         Optional<String> comment) {

    public ResultInfo {
        Objects.requireNonNull(method);
        Objects.requireNonNull(result);
        Objects.requireNonNull(reason);
        properties = List.copyOf(properties);
        Objects.requireNonNull(comment);
    }

    public ResultInfo(String method, String result, Optional<String> reason, List<Property> properties) {
        this(method, result, reason, properties, Optional.empty());
    }

    /** A resinfo with no reason, properties or comment; add them with the {@code with...} methods. */
    public static ResultInfo of(String method, String result) {
        return new ResultInfo(method.toLowerCase(Locale.ROOT), result.toLowerCase(Locale.ROOT), Optional.empty(), List.of());
    }

    public ResultInfo withReason(String text) {
        return new ResultInfo(method, result, Optional.of(text), properties, comment);
    }

    public ResultInfo withComment(String text) {
        return new ResultInfo(method, result, reason, properties, Optional.of(text));
    }

    public ResultInfo withProperty(String ptype, String property, String value) {
        List<Property> p = new ArrayList<>(properties);
        p.add(new Property(ptype, property, value));
        return new ResultInfo(method, result, reason, p, comment);
    }

    /**
     * Adds {@code header.b} with the first {@value #HEADER_B_CHARS} characters of a DKIM/ARC b= value (RFC 6008:
     * enough to tell signatures of one domain apart; at least 8), white space removed.
     */
    public ResultInfo withHeaderB(String b) {
        String compact = b.replaceAll("[\\s]", "");
        return withProperty("header", "b", compact.length() <= HEADER_B_CHARS ? compact : compact.substring(0, HEADER_B_CHARS));
    }

    /** Characters of b= kept in {@code header.b}. */
    public static final int HEADER_B_CHARS = 12;

    /** The first property with this {@code ptype.property} key (case-insensitive). */
    public Optional<String> property(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return properties.stream().filter(p -> p.key().equals(k)).map(Property::value).findFirst();
    }
}
