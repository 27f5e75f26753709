package org.mailward.dns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.SPFRecord;
import org.xbill.DNS.TXTRecord;

/** Turns dnsjava records into Mailward's typed {@link DnsRecord} values. Package-private glue. */
final class DnsjavaRecords {

    private DnsjavaRecords() {
    }

    static String name(Name name) {
        return Resolver.normalise(name.toString(true));
    }

    static Optional<DnsRecord> convert(Record r) {
        long ttl = r.getTTL();
        DnsRecord out = switch (r) {
            case ARecord a -> new DnsRecord.A(a.getAddress(), ttl);
            case AAAARecord a -> new DnsRecord.Aaaa(a.getAddress(), ttl);
            case MXRecord mx -> new DnsRecord.Mx(mx.getPriority(), name(mx.getTarget()).equals(".") ? "" : name(mx.getTarget()), ttl);
            case TXTRecord t -> new DnsRecord.Txt(RecordType.TXT, strings(t.getStringsAsByteArrays()), ttl);
            case SPFRecord t -> new DnsRecord.Txt(RecordType.SPF, strings(t.getStringsAsByteArrays()), ttl);
            case PTRRecord p -> new DnsRecord.Ptr(name(p.getTarget()), ttl);
            case CNAMERecord c -> new DnsRecord.Cname(name(c.getTarget()), ttl);
            case NSRecord ns -> new DnsRecord.Ns(name(ns.getTarget()), ttl);
            case SOARecord soa -> new DnsRecord.Soa(name(soa.getHost()), name(soa.getAdmin()), soa.getSerial(), soa.getMinimum(), ttl);
            case TLSARecord t -> new DnsRecord.Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                    t.getCertificateAssociationData(), ttl);
            default -> RecordType.fromCode(r.getType()).map(type -> (DnsRecord) new DnsRecord.Other(type, r.rdataToString(), ttl)).orElse(null);
        };
        return Optional.ofNullable(out);
    }

    /** The character-strings, byte for byte (ISO-8859-1), never the escaped presentation form. */
    private static List<String> strings(List<byte[]> raw) {
        List<String> out = new ArrayList<>();
        for (byte[] b : raw) {
            out.add(new String(b, StandardCharsets.ISO_8859_1));
        }
        return out;
    }
}
