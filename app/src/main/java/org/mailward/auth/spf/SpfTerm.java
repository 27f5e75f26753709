package org.mailward.auth.spf;

/** RFC 7208 4.6.1: a term is a directive (qualifier + mechanism) or a modifier. {@link #text()} is the term as written. */
public sealed interface SpfTerm {

    String text();

    /** {@code [qualifier] mechanism}; the qualifier defaults to "+". */
    record Directive(Qualifier qualifier, Mechanism mechanism, String text) implements SpfTerm {
    }

    /** 6.1 {@code redirect=domain-spec}. */
    record Redirect(MacroString domain, String text) implements SpfTerm {
    }

    /** 6.2 {@code exp=domain-spec}. */
    record Explanation(MacroString domain, String text) implements SpfTerm {
    }

    /** 6: any other {@code name=macro-string}; syntax-checked, then ignored. */
    record UnknownModifier(String name, MacroString value, String text) implements SpfTerm {
    }
}
