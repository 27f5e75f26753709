package org.mailward.auth.spf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict parsing of IP address literals, without ever touching DNS ({@link InetAddress#getByName} would resolve a
 * name that is not a literal). IPv4 follows RFC 7208's {@code ip4-network} ABNF (dotted quad, no leading zeros);
 * IPv6 follows RFC 4291 2.2 (hex groups, one {@code ::}, optional dotted-quad tail).
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** Four bytes, or empty when the text is not a dotted quad of 0..255 without leading zeros. */
    public static Optional<byte[]> parseIp4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 3 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
                return Optional.empty();
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return Optional.empty();
                }
                i++;
            }
        }
        return i == n ? Optional.of(out) : Optional.empty();
    }

    /** Sixteen bytes, or empty when the text is not an RFC 4291 2.2 address (no zone index, no brackets). */
    public static Optional<byte[]> parseIp6(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return Optional.empty();
        }
        int[] groups = new int[8];
        int count = 0;
        int doubleColonAt = -1;
        int i = 0;
        int n = s.length();
        if (s.startsWith("::")) {
            doubleColonAt = 0;
            i = 2;
            if (i == n) {
                return Optional.of(new byte[16]);
            }
        } else if (s.charAt(0) == ':') {
            return Optional.empty();
        }
        while (i < n) {
            // An embedded IPv4 tail: only as the last element and only where two groups fit.
            int nextColon = s.indexOf(':', i);
            String token = nextColon < 0 ? s.substring(i) : s.substring(i, nextColon);
            if (nextColon < 0 && token.indexOf('.') >= 0) {
                Optional<byte[]> v4 = parseIp4(token);
                if (v4.isEmpty() || count > 6) {
                    return Optional.empty();
                }
                byte[] b = v4.get();
                groups[count++] = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
                groups[count++] = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                i = n;
                break;
            }
            if (token.isEmpty() || token.length() > 4 || count >= 8) {
                return Optional.empty();
            }
            int v = 0;
            for (int k = 0; k < token.length(); k++) {
                int d = Character.digit(token.charAt(k), 16);
                if (d < 0) {
                    return Optional.empty();
                }
                v = v * 16 + d;
            }
            groups[count++] = v;
            if (nextColon < 0) {
                i = n;
                break;
            }
            i = nextColon + 1;
            if (i < n && s.charAt(i) == ':') {
                if (doubleColonAt >= 0) {
                    return Optional.empty();
                }
                doubleColonAt = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return Optional.empty(); // trailing single colon
            }
        }
        if (doubleColonAt < 0 ? count != 8 : count > 7) {
            return Optional.empty();
        }
        int[] full = new int[8];
        if (doubleColonAt < 0) {
            full = groups;
        } else {
            int tail = count - doubleColonAt;
            System.arraycopy(groups, 0, full, 0, doubleColonAt);
            System.arraycopy(groups, doubleColonAt, full, 8 - tail, tail);
        }
        byte[] out = new byte[16];
        for (int k = 0; k < 8; k++) {
            out[2 * k] = (byte) (full[k] >> 8);
            out[2 * k + 1] = (byte) full[k];
        }
        return Optional.of(out);
    }

    /**
     * A client address from text: a dotted quad (leading zeros tolerated) or an IPv6 literal. IPv4-mapped IPv6
     * addresses ({@code ::ffff:192.0.2.1}) become IPv4, as SPF evaluates them (RFC 7208 5.6, RFC 4291 2.5.5.2).
     */
    public static Optional<InetAddress> parseClient(String text) {
        String s = text.trim();
        Optional<byte[]> b = s.indexOf(':') >= 0 ? parseIp6(s) : parseIp4Lenient(s);
        if (b.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(b.get())); // maps ::ffff:a.b.c.d to Inet4Address
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<byte[]> parseIp4Lenient(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] out = new byte[4];
        for (int k = 0; k < 4; k++) {
            String p = parts[k];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return Optional.empty();
            }
            out[k] = (byte) v;
        }
        return Optional.of(out);
    }

    /** True when the first {@code prefix} bits of the two addresses (of the same length) are equal. */
    public static boolean sameNetwork(byte[] a, byte[] b, int prefix) {
        if (a.length != b.length) {
            return false;
        }
        int full = prefix / 8;
        for (int k = 0; k < full; k++) {
            if (a[k] != b[k]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    /** Compressed lower-case text form (RFC 5952) for IPv6, dotted quad for IPv4. */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] g = new int[8];
        for (int k = 0; k < 8; k++) {
            g[k] = ((b[2 * k] & 0xff) << 8) | (b[2 * k + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int k = 0; k < 8; ) {
            if (g[k] == 0) {
                int j = k;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - k > bestLen && j - k >= 2) {
                    bestStart = k;
                    bestLen = j - k;
                }
                k = j;
            } else {
                k++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }
}
