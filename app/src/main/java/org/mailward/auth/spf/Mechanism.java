package org.mailward.auth.spf;

import java.net.InetAddress;
import java.util.Optional;

/** RFC 7208 5: the eight mechanisms. Domain-specs stay unexpanded {@link MacroString}s until evaluation. */
public sealed interface Mechanism {

    /** The mechanism name as in the RFC ({@code all}, {@code include}, ...). */
    String name();

    /** RFC 7208 4.6.4: include, a, mx, ptr and exists count against the limit of 10 DNS-querying terms. */
    default boolean countsAsLookup() {
        return false;
    }

    /** 5.1 */
    record All() implements Mechanism {
        public String name() { return "all"; }
    }

    /** 5.2 */
    record Include(MacroString domain) implements Mechanism {
        public String name() { return "include"; }
        public boolean countsAsLookup() { return true; }
    }

    /** 5.3: {@code a[:domain][/cidr4][//cidr6]}. */
    record A(Optional<MacroString> domain, int cidr4, int cidr6) implements Mechanism {
        public String name() { return "a"; }
        public boolean countsAsLookup() { return true; }
    }

    /** 5.4: {@code mx[:domain][/cidr4][//cidr6]}. */
    record Mx(Optional<MacroString> domain, int cidr4, int cidr6) implements Mechanism {
        public String name() { return "mx"; }
        public boolean countsAsLookup() { return true; }
    }

    /** 5.5 (do not use, but must be supported). */
    record Ptr(Optional<MacroString> domain) implements Mechanism {
        public String name() { return "ptr"; }
        public boolean countsAsLookup() { return true; }
    }

    /** 5.6 */
    record Ip4(InetAddress network, int prefix) implements Mechanism {
        public String name() { return "ip4"; }
    }

    /** 5.6 */
    record Ip6(InetAddress network, int prefix) implements Mechanism {
        public String name() { return "ip6"; }
    }

    /** 5.7 */
    record Exists(MacroString domain) implements Mechanism {
        public String name() { return "exists"; }
        public boolean countsAsLookup() { return true; }
    }
}
