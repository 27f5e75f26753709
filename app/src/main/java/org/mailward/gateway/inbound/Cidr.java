package org.mailward.gateway.inbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** An address block such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {

    /** Parses without DNS (only literals are accepted); empty on bad input. */
    public static Optional<Cidr> parse(String s) {
        String t = s.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.isEmpty() || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return Optional.empty();
        }
        if (!addr.contains(":") && !addr.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.empty();
        }
        byte[] b;
        try {
            b = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        if (addr.contains(":") && b.length == 4) {
            return Optional.empty();
        }
        int max = b.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                return Optional.empty();
            }
        }
        return Optional.of(new Cidr(b, prefix));
    }

    public boolean contains(InetAddress a) {
        byte[] x = a.getAddress();
        if (x.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (x[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (x[full] & mask) == (network[full] & mask);
    }
}
