/**
 * DNS layer: the {@link org.mailward.dns.Resolver} interface that every other layer uses, typed answers that keep
 * apart what SPF, DMARC and DANE need (records, NXDOMAIN, NODATA, SERVFAIL, timeout), and implementations on
 * dnsjava.
 *
 * <pre>
 *   callers (spf, dkim, dmarc, check...)
 *        |
 *   CachingResolver   (TTL-honouring, bounded, negative caching per RFC 2308)
 *        |
 *   CountingResolver  (counts real lookups: SPF limits, benchmarks)
 *        |
 *   NetworkResolver   (dnsjava, servers, timeouts, retries, TCP on truncation, AD bit)
 *   or ZoneFileResolver (RFC 1035 master files: --zone and tests)
 * </pre>
 *
 * RFCs: 1035 (messages, master files), 2308 (negative caching), 4035 (AD bit), 7208 3.3 (TXT concatenation).
 */
package org.mailward.dns;
