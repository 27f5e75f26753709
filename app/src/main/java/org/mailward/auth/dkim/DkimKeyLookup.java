package org.mailward.auth.dkim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailward.auth.ParseCache;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * Fetches key records (RFC 6376 3.6.2.2: TXT at {@code selector._domainkey.domain}), remembering answers for the
 * lifetime of this object (one message). NXDOMAIN/NODATA is a permanent "key not found" (6.1.2 PERMFAIL), SERVFAIL
 * and timeouts are temporary.
 */
public final class DkimKeyLookup {

    /** A fetched key, or why there is none. */
    public sealed interface Outcome permits Found, Failed {
    }

    public record Found(DkimKeyRecord record) implements Outcome {
    }

    public record Failed(DkimStatus status, String reason) implements Outcome {
    }

    private final Resolver resolver;
    private final Map<String, Outcome> cache = new HashMap<>();

    /**
     * Parsed key records by their text, shared by all lookups: parsing (base64, ASN.1, key factory) is pure, so the
     * same published text always gives the same record. Bounded; DNS answers themselves are never cached here.
     */
    private static final ParseCache<DkimKeyRecord.Parsed> PARSED = new ParseCache<>(DkimKeyRecord::parse, 1024, 4096);

    static DkimKeyRecord.Parsed parseCached(String text) {
        return PARSED.parse(text);
    }

    public DkimKeyLookup(Resolver resolver) {
        this.resolver = resolver;
    }

    public static String recordName(String selector, String domain) {
        return selector + "._domainkey." + domain;
    }

    public Outcome fetch(String selector, String domain) {
        return cache.computeIfAbsent(recordName(selector, domain), this::query);
    }

    private Outcome query(String name) {
        DnsAnswer a = resolver.query(name, RecordType.TXT);
        switch (a.status()) {
            case NXDOMAIN, NODATA:
                return new Failed(DkimStatus.PERMERROR, "key not found (" + a.status().name().toLowerCase(java.util.Locale.ROOT) + " at " + name + ")");
            case SERVFAIL, TIMEOUT:
                return new Failed(DkimStatus.TEMPERROR, "key lookup failed (" + a.status().name().toLowerCase(java.util.Locale.ROOT)
                        + (a.detail().isEmpty() ? "" : ": " + a.detail()) + ")");
            default:
                break;
        }
        List<String> texts = a.texts();
        if (texts.isEmpty()) {
            return new Failed(DkimStatus.PERMERROR, "key not found (no TXT record at " + name + ")");
        }
        Failed first = null;
        for (String text : texts) {
            DkimKeyRecord.Parsed p = parseCached(text);
            if (p instanceof DkimKeyRecord.Valid v) {
                return new Found(v.record());
            }
            if (first == null) {
                first = new Failed(DkimStatus.PERMERROR, ((DkimKeyRecord.Invalid) p).reason());
            }
        }
        return first;
    }
}
