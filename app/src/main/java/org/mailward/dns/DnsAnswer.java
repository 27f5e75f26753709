package org.mailward.dns;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one question (name, type): a status, the records of the asked type (empty unless
 * {@link DnsStatus#RECORDS}), the CNAME chain followed to reach them, whether a validating resolver marked the
 * answer authenticated (AD bit, RFC 4035 3.2.3) and a detail text for errors.
 *
 * @param name          the name asked, absolute, lower case, no trailing dot
 * @param type          the type asked
 * @param status        what happened
 * @param records       records of {@code type} (for TXT questions also SPF-type records are never mixed in)
 * @param cnameChain    names followed through CNAMEs, in order, excluding {@code name}; empty when none
 * @param authenticated true when the answer came with the AD bit from a validating resolver (or from a zone the
 *                      caller declared trusted)
 * @param negativeTtl   for NXDOMAIN/NODATA: seconds the negative answer may be cached (RFC 2308, SOA minimum);
 *                      0 when unknown
 * @param detail        human-readable reason for SERVFAIL/TIMEOUT (server, rcode, exception); empty otherwise
 */
public record DnsAnswer(String name, RecordType type, DnsStatus status, List<DnsRecord> records,
                        List<String> cnameChain, boolean authenticated, long negativeTtl, String detail) {

    public DnsAnswer {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(status);
        records = List.copyOf(records);
        cnameChain = List.copyOf(cnameChain);
        detail = detail == null ? "" : detail;
        if (status == DnsStatus.RECORDS && records.isEmpty()) {
            throw new IllegalArgumentException("RECORDS answer without records for " + name + "/" + type);
        }
        if (status != DnsStatus.RECORDS && !records.isEmpty()) {
            throw new IllegalArgumentException(status + " answer with records for " + name + "/" + type);
        }
    }

    public static DnsAnswer of(String name, RecordType type, List<? extends DnsRecord> records) {
        return new DnsAnswer(name, type, DnsStatus.RECORDS, List.copyOf(records), List.of(), false, 0, "");
    }

    public static DnsAnswer nxdomain(String name, RecordType type) {
        return new DnsAnswer(name, type, DnsStatus.NXDOMAIN, List.of(), List.of(), false, 0, "");
    }

    public static DnsAnswer nodata(String name, RecordType type) {
        return new DnsAnswer(name, type, DnsStatus.NODATA, List.of(), List.of(), false, 0, "");
    }

    public static DnsAnswer servfail(String name, RecordType type, String detail) {
        return new DnsAnswer(name, type, DnsStatus.SERVFAIL, List.of(), List.of(), false, 0, detail);
    }

    public static DnsAnswer timeout(String name, RecordType type, String detail) {
        return new DnsAnswer(name, type, DnsStatus.TIMEOUT, List.of(), List.of(), false, 0, detail);
    }

    public DnsAnswer withAuthenticated(boolean ad) {
        return new DnsAnswer(name, type, status, records, cnameChain, ad, negativeTtl, detail);
    }

    public DnsAnswer withCnameChain(List<String> chain) {
        return new DnsAnswer(name, type, status, records, chain, authenticated, negativeTtl, detail);
    }

    public DnsAnswer withNegativeTtl(long ttl) {
        return new DnsAnswer(name, type, status, records, cnameChain, authenticated, ttl, detail);
    }

    public boolean hasRecords() {
        return status == DnsStatus.RECORDS;
    }

    /** Records of the given Java type, in answer order. */
    public <T extends DnsRecord> List<T> recordsOf(Class<T> kind) {
        return records.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** Each TXT record's strings joined with no separator (RFC 7208 3.3); one entry per record. */
    public List<String> texts() {
        return recordsOf(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text).toList();
    }

    /** The smallest TTL among the records (or the negative TTL), for caching. */
    public long minTtl() {
        if (records.isEmpty()) {
            return negativeTtl;
        }
        return records.stream().mapToLong(DnsRecord::ttl).min().orElse(0);
    }

    /** The name at the end of the CNAME chain, or {@code name} itself. */
    public Optional<String> canonicalName() {
        return cnameChain.isEmpty() ? Optional.of(name) : Optional.of(cnameChain.get(cnameChain.size() - 1));
    }

    @Override
    public String toString() {
        return name + "/" + type + " " + status + (records.isEmpty() ? "" : " " + records.stream().map(DnsRecord::data).toList())
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
