package org.mailward.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * Answers from one or more RFC 1035 master files held in memory (the {@code --zone} option and tests).
 *
 * <p>The files may hold names of many unrelated domains and need no SOA or NS. A name with records is answered
 * from them; a name that exists only because names below it do (an empty non-terminal) is NODATA; wildcards
 * ({@code *.example.com}) answer for names below their parent that are not otherwise present (RFC 4592, simplified:
 * the closest encloser is the wildcard's parent). Any other name is NXDOMAIN, or is asked of the fallback resolver
 * when one is given ({@code --zone-fallback network}).
 */
public final class ZoneFileResolver implements Resolver {

    private final Map<String, List<DnsRecord>> byName;
    private final Set<String> existing;
    private final Optional<Resolver> fallback;
    private final boolean authenticated;

    private ZoneFileResolver(Map<String, List<DnsRecord>> byName, Optional<Resolver> fallback, boolean authenticated) {
        this.byName = byName;
        this.fallback = fallback;
        this.authenticated = authenticated;
        this.existing = new HashSet<>();
        for (String n : byName.keySet()) {
            String cur = n;
            while (true) {
                existing.add(cur);
                int dot = cur.indexOf('.');
                if (dot < 0) {
                    break;
                }
                cur = cur.substring(dot + 1);
            }
        }
    }

    /** Loads the files; every name not in them is NXDOMAIN. */
    public static ZoneFileResolver load(List<Path> files) throws IOException {
        return load(files, Optional.empty(), false);
    }

    /**
     * @param files         master files, merged in order
     * @param fallback      asked for names that none of the files knows
     * @param authenticated mark every answer from the files as DNSSEC-authenticated (for DANE tests and what-if runs
     *                      on a signed zone)
     */
    public static ZoneFileResolver load(List<Path> files, Optional<Resolver> fallback, boolean authenticated) throws IOException {
        Map<String, List<DnsRecord>> map = new HashMap<>();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                parseInto(in, f.toString(), map);
            }
        }
        return new ZoneFileResolver(map, fallback, authenticated);
    }

    /** A resolver over master-file text (for tests); names are absolute or relative to the root. */
    public static ZoneFileResolver fromText(String zoneText) {
        Map<String, List<DnsRecord>> map = new HashMap<>();
        try {
            parseInto(new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8)), "<text>", map);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new ZoneFileResolver(map, Optional.empty(), false);
    }

    private static void parseInto(InputStream in, String source, Map<String, List<DnsRecord>> map) throws IOException {
        try (Master master = new Master(in, Name.root, 3600)) {
            Record r;
            while ((r = master.nextRecord()) != null) {
                Record rec = r;
                DnsjavaRecords.convert(rec).ifPresent(d -> map.computeIfAbsent(DnsjavaRecords.name(rec.getName()), k -> new ArrayList<>()).add(d));
            }
        } catch (TextParseException e) {
            throw new IOException("zone file " + source + ": " + e.getMessage(), e);
        }
    }

    /** Every name that has records, for tools that list the zone. */
    public Set<String> names() {
        return Set.copyOf(byName.keySet());
    }

    @Override
    public DnsAnswer query(String name, RecordType type) {
        String qname = Resolver.normalise(name);
        List<String> chain = new ArrayList<>();
        String current = qname;
        Set<String> seen = new HashSet<>();
        seen.add(current);
        while (true) {
            Optional<List<DnsRecord>> rrs = lookup(current);
            if (rrs.isEmpty()) {
                if (!existing.contains(current)) {
                    if (chain.isEmpty() && fallback.isPresent()) {
                        return fallback.get().query(qname, type);
                    }
                    return DnsAnswer.nxdomain(qname, type).withCnameChain(chain).withAuthenticated(authenticated);
                }
                return DnsAnswer.nodata(qname, type).withCnameChain(chain).withAuthenticated(authenticated);
            }
            List<DnsRecord> all = rrs.get();
            List<DnsRecord> matching = all.stream().filter(r -> r.type() == type).toList();
            if (!matching.isEmpty()) {
                return DnsAnswer.of(qname, type, matching).withCnameChain(chain).withAuthenticated(authenticated);
            }
            Optional<DnsRecord.Cname> cname = all.stream().filter(DnsRecord.Cname.class::isInstance).map(DnsRecord.Cname.class::cast).findFirst();
            if (cname.isEmpty()) {
                return DnsAnswer.nodata(qname, type).withCnameChain(chain).withAuthenticated(authenticated);
            }
            current = cname.get().target();
            chain.add(current);
            if (!seen.add(current) || chain.size() > MAX_CNAME_CHAIN) {
                return DnsAnswer.servfail(qname, type, "CNAME loop or chain longer than " + MAX_CNAME_CHAIN + ": " + chain);
            }
        }
    }

    private Optional<List<DnsRecord>> lookup(String name) {
        List<DnsRecord> exact = byName.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        if (existing.contains(name)) {
            return Optional.empty();
        }
        // RFC 4592: find the closest existing ancestor, then its wildcard child.
        String cur = name;
        int dot;
        while ((dot = cur.indexOf('.')) >= 0) {
            cur = cur.substring(dot + 1);
            if (existing.contains(cur)) {
                return Optional.ofNullable(byName.get("*." + cur));
            }
        }
        return Optional.empty();
    }
}
