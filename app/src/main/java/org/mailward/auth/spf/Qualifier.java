package org.mailward.auth.spf;

/** RFC 7208 4.6.2: the qualifier of a directive and the result it gives when its mechanism matches. */
public enum Qualifier {
    PASS('+', SpfVerdict.PASS),
    FAIL('-', SpfVerdict.FAIL),
    SOFTFAIL('~', SpfVerdict.SOFTFAIL),
    NEUTRAL('?', SpfVerdict.NEUTRAL);

    private final char symbol;
    private final SpfVerdict verdict;

    Qualifier(char symbol, SpfVerdict verdict) {
        this.symbol = symbol;
        this.verdict = verdict;
    }

    public char symbol() {
        return symbol;
    }

    public SpfVerdict verdict() {
        return verdict;
    }

    /** The qualifier for a symbol character, or null when the character is not one (internal use only). */
    static Qualifier ofSymbol(char c) {
        for (Qualifier q : values()) {
            if (q.symbol == c) {
                return q;
            }
        }
        return null;
    }
}
