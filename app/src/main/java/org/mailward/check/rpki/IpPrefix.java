package org.mailward.check.rpki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 prefix ({@code address/length}), host bits zero. Parsing rejects anything else with a message. */
public record IpPrefix(byte[] network, int length) {

    public IpPrefix {
        network = network.clone();
    }

    public int bits() {
        return network.length * 8;
    }

    /**
     * Parses {@code 192.0.2.0/24} or {@code 2001:db8::/32}: a numeric address (no host names), a length within the
     * family, no host bits set.
     */
    public static IpPrefix parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        if (slash < 0 || slash != t.lastIndexOf('/')) {
            throw new IllegalArgumentException("prefix '" + clip(t) + "' is not address/length");
        }
        String a = t.substring(0, slash);
        String l = t.substring(slash + 1);
        if (!a.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !(a.contains(":") && a.matches("[0-9A-Fa-f:.]{2,45}"))) {
            throw new IllegalArgumentException("prefix '" + clip(t) + "': not a numeric IPv4 or IPv6 address");
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("prefix '" + clip(t) + "': bad address", e);
        }
        if (a.contains(":") && addr.length != 16) {
            throw new IllegalArgumentException("prefix '" + clip(t) + "': IPv4-mapped addresses are not prefixes here");
        }
        if (!l.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("prefix '" + clip(t) + "': bad length");
        }
        int len = Integer.parseInt(l);
        if (len > addr.length * 8) {
            throw new IllegalArgumentException("prefix '" + clip(t) + "': length over " + addr.length * 8);
        }
        IpPrefix p = new IpPrefix(addr, len);
        if (!Arrays.equals(p.masked(addr), addr)) {
            throw new IllegalArgumentException("prefix '" + clip(t) + "': host bits set");
        }
        return p;
    }

    /** True when {@code address} is inside this prefix (same family). */
    public boolean contains(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == network.length && Arrays.equals(masked(b), network);
    }

    /** True when {@code other} is this prefix or a more specific one inside it (RFC 6811 "covers"). */
    public boolean covers(IpPrefix other) {
        return other.network.length == network.length && other.length >= length && Arrays.equals(masked(other.network), network);
    }

    private byte[] masked(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, length - i * 8));
            out[i] = (byte) (b[i] & (0xff << (8 - bitsHere)));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && p.length == length && Arrays.equals(p.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + length;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** Parses an AS number: {@code 64496} or {@code AS64496} (any case), 0 to 4294967295 (RFC 6793). */
    static long asn(String text) {
        String t = text.strip();
        if (t.regionMatches(true, 0, "AS", 0, 2)) {
            t = t.substring(2);
        }
        if (!t.matches("[0-9]{1,10}")) {
            throw new IllegalArgumentException("'" + clip(text) + "' is not an AS number");
        }
        long v = Long.parseLong(t);
        if (v > 0xffffffffL) {
            throw new IllegalArgumentException("AS number " + v + " out of range");
        }
        return v;
    }
}
