package org.mailward.auth.dkim;

/** Domain-name checks for d=, i= and s= (RFC 6376 3.5: sub-domain per RFC 5321 4.1.2; selectors may hold "_"). */
public final class DomainNames {

    private DomainNames() {
    }

    /** A domain of LDH labels (underscore tolerated, as real DNS holds such names), 1..63 octets each, <= 253. */
    public static boolean isValid(String d) {
        if (d.isEmpty() || d.length() > 253 || d.startsWith(".") || d.endsWith(".")) {
            return false;
        }
        int start = 0;
        while (start <= d.length()) {
            int dot = d.indexOf('.', start);
            int end = dot < 0 ? d.length() : dot;
            if (!validLabel(d, start, end)) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    /** s= is one or more labels (RFC 6376 3.1: "selector = sub-domain *( "." sub-domain )"). */
    public static boolean isValidSelector(String s) {
        return isValid(s);
    }

    /** {@code s[from, to)} is an LDH label (underscore tolerated) of 1..63 octets. */
    private static boolean validLabel(String s, int from, int to) {
        if (to <= from || to - from > 63 || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code sub} equals {@code parent} or is a subdomain of it (case-insensitive). */
    public static boolean isWithin(String sub, String parent) {
        String s = sub.toLowerCase(java.util.Locale.ROOT);
        String p = parent.toLowerCase(java.util.Locale.ROOT);
        return s.equals(p) || s.endsWith("." + p);
    }
}
