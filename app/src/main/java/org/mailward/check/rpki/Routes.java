package org.mailward.check.rpki;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Route announcements: which origin AS announces which prefix. Text, one announcement per line:
 * {@code PREFIX ASN} (e.g. {@code 192.0.2.0/24 AS64496} or {@code 192.0.2.0/24 64496}), white space separated;
 * blank lines and {@code #} comments ignored. A prefix announced by several origins (MOAS) has several lines.
 * Malformed lines are rejected with their line number.
 */
public record Routes(List<Route> entries) {

    /** One announcement. */
    public record Route(IpPrefix prefix, long origin) {
    }

    public Routes {
        entries = List.copyOf(entries);
    }

    public static Routes parse(String text) {
        List<Route> out = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\r?\n", -1)) {
            lineNo++;
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("[ \t]+");
            if (f.length != 2) {
                throw new IllegalArgumentException("routes line " + lineNo + ": expected 'PREFIX ASN', found '" + IpPrefix.clip(line) + "'");
            }
            try {
                out.add(new Route(IpPrefix.parse(f[0]), IpPrefix.asn(f[1])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("routes line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return new Routes(out);
    }

    /** The most specific announcements that contain the address (several when more than one origin announces it). */
    public List<Route> covering(InetAddress address) {
        int best = -1;
        List<Route> out = new ArrayList<>();
        for (Route r : entries) {
            if (r.prefix().contains(address)) {
                if (r.prefix().length() > best) {
                    best = r.prefix().length();
                    out.clear();
                }
                if (r.prefix().length() == best) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
