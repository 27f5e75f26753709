package org.mailward.records;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.mailward.auth.spf.ParseResult;
import org.mailward.auth.spf.SpfEvaluator;
import org.mailward.auth.spf.SpfParser;
import org.mailward.auth.spf.SpfRecord;
import org.mailward.auth.spf.SpfRequest;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.spf.SpfVerdict;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * Checks a generated SPF record against RFC 7208 4.6.4 with the auth.spf parser and evaluator (the ones the gateway
 * uses): the record is parsed, then evaluated as if published (the domain's TXT answered with it, every other name
 * from the real resolver) for a client address that matches no term ({@code 100::1}, RFC 6666 discard prefix), so
 * every term up to {@code all} is evaluated: the worst case of DNS-querying terms.
 *
 * @param lookups     DNS-querying terms counted by the evaluator (limit 10)
 * @param voidLookups lookups that found nothing (limit 2)
 * @param verdict     the evaluator's verdict for the non-matching client (softfail/fail expected; permerror when a
 *                    limit is exceeded or an include has no record; temperror on DNS failure)
 * @param problem     the evaluator's or parser's reason, when any
 */
public record SpfLookupCount(int lookups, int voidLookups, SpfVerdict verdict, Optional<String> problem) {

    public static final InetAddress NON_MATCHING_CLIENT = discardPrefix();

    private static InetAddress discardPrefix() {
        byte[] b = new byte[16];
        b[0] = 0x01; // 100::1
        b[15] = 0x01;
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes are always a valid address
        }
    }

    public boolean withinLimits() {
        return verdict != SpfVerdict.PERMERROR && verdict != SpfVerdict.TEMPERROR && lookups <= 10 && voidLookups <= 2;
    }

    public static SpfLookupCount of(Resolver resolver, Clock clock, String domain, String record) {
        ParseResult<SpfRecord> parsed = SpfParser.parse(record);
        if (parsed instanceof ParseResult.Invalid<SpfRecord> bad) {
            return new SpfLookupCount(0, 0, SpfVerdict.PERMERROR, Optional.of(bad.reason()));
        }
        String d = Resolver.normalise(domain);
        Resolver asIfPublished = (name, type) -> Resolver.normalise(name).equals(d) && type == RecordType.TXT
                ? DnsAnswer.of(d, RecordType.TXT, List.of(new DnsRecord.Txt(RecordType.TXT, ZoneText.split(record), 300)))
                : resolver.query(name, type);
        SpfResult r = new SpfEvaluator(asIfPublished, clock, "mailward-records.invalid")
                .evaluate(new SpfRequest(NON_MATCHING_CLIENT, "postmaster@" + d, d));
        return new SpfLookupCount(r.dnsLookups(), r.voidLookups(), r.result(), r.problem());
    }
}
