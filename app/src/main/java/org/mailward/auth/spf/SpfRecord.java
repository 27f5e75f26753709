package org.mailward.auth.spf;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed SPF record (RFC 7208 4.6): its text and its terms in order. Immutable; build it with
 * {@link SpfParser#parse(String)}.
 */
public record SpfRecord(String text, List<SpfTerm> terms) {

    public SpfRecord {
        Objects.requireNonNull(text);
        terms = List.copyOf(terms);
    }

    /** The directives in evaluation order. */
    public List<SpfTerm.Directive> directives() {
        return terms.stream().filter(t -> t instanceof SpfTerm.Directive).map(t -> (SpfTerm.Directive) t).toList();
    }

    public Optional<SpfTerm.Redirect> redirect() {
        return terms.stream().filter(t -> t instanceof SpfTerm.Redirect).map(t -> (SpfTerm.Redirect) t).findFirst();
    }

    public Optional<SpfTerm.Explanation> explanation() {
        return terms.stream().filter(t -> t instanceof SpfTerm.Explanation).map(t -> (SpfTerm.Explanation) t).findFirst();
    }

    /** RFC 7208 6.1: redirect is ignored when the record has an "all" mechanism anywhere. */
    public boolean hasAll() {
        return directives().stream().anyMatch(d -> d.mechanism() instanceof Mechanism.All);
    }
}
