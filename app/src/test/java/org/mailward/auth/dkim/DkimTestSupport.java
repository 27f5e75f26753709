package org.mailward.auth.dkim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/** Test resolvers and clocks for the DKIM tests. */
final class DkimTestSupport {

    private DkimTestSupport() {
    }

    /** A resolver answering TXT questions from a map name → record text; other names NXDOMAIN. */
    static Resolver txt(Map<String, String> records) {
        return (name, type) -> {
            String n = Resolver.normalise(name);
            String v = records.get(n);
            if (v == null) {
                return DnsAnswer.nxdomain(n, type);
            }
            if (type != RecordType.TXT) {
                return DnsAnswer.nodata(n, type);
            }
            return DnsAnswer.of(n, type, List.of(new DnsRecord.Txt(split(v), 300)));
        };
    }

    /** Splits a long value into 255-byte strings, as DNS carries it. */
    static List<String> split(String v) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < v.length(); i += 255) {
            out.add(v.substring(i, Math.min(v.length(), i + 255)));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    static Clock at(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    /** 2026-01-01T00:00:00Z */
    static final Clock CLOCK_2026 = at(1767225600L);
}
