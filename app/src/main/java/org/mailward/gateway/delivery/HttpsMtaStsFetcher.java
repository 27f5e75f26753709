package org.mailward.gateway.delivery;

import java.net.InetAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;
import org.mailward.check.probe.PolicyFetcher;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * The production {@link MtaStsFetcher}: resolves {@code mta-sts.<domain>} through the injected {@link Resolver},
 * GETs the policy with the checker's bounded {@link PolicyFetcher} (connect/read timeouts, a hard deadline, a body
 * cap, no redirects) and then validates the captured chain with the given trust manager and the host name
 * (RFC 8461 3.3: the certificate must be valid for {@code mta-sts.<domain>}).
 */
public final class HttpsMtaStsFetcher implements MtaStsFetcher {

    private final Resolver resolver;
    private final X509TrustManager trust;
    private final int port;
    private final PolicyFetcher fetcher;

    public HttpsMtaStsFetcher(Resolver resolver, X509TrustManager trust, int port, Duration timeout) {
        this.resolver = resolver;
        this.trust = trust;
        this.port = port;
        this.fetcher = new PolicyFetcher(timeout, timeout, timeout.multipliedBy(2), MAX_BODY);
    }

    @Override
    public Result fetch(String policyDomain) {
        String host = "mta-sts." + policyDomain;
        List<InetAddress> addrs = new ArrayList<>();
        for (RecordType t : List.of(RecordType.A, RecordType.AAAA)) {
            DnsAnswer a = resolver.query(host, t);
            for (DnsRecord r : a.records()) {
                if (r instanceof DnsRecord.A x) {
                    addrs.add(x.address());
                } else if (r instanceof DnsRecord.Aaaa x) {
                    addrs.add(x.address());
                }
            }
        }
        if (addrs.isEmpty()) {
            return new Failed("no address for " + host, false);
        }
        String last = "";
        for (InetAddress a : addrs) {
            PolicyFetcher.Result r = fetcher.fetch(host, a, port);
            if (r instanceof PolicyFetcher.Failed f) {
                last = f.url() + ": " + f.reason();
                continue;
            }
            PolicyFetcher.Response resp = (PolicyFetcher.Response) r;
            try {
                if (resp.chain().isEmpty()) {
                    throw new CertificateException("no certificate presented");
                }
                trust.checkServerTrusted(resp.chain().toArray(new X509Certificate[0]), "UNKNOWN");
                if (!HostNames.certificateMatches(resp.chain().get(0), host)) {
                    throw new CertificateException("certificate not valid for " + host);
                }
            } catch (CertificateException e) {
                return new Failed(resp.url() + ": " + e.getMessage(), true);
            }
            if (resp.status() != 200) {
                // RFC 8461 3.3: only 200 counts; redirects are not followed
                return new Failed(resp.url() + ": HTTP status " + resp.status(), false);
            }
            String type = resp.header("content-type").orElse("").toLowerCase(Locale.ROOT);
            if (!type.startsWith("text/plain")) {
                return new Failed(resp.url() + ": media type '" + type + "' is not text/plain", false);
            }
            if (resp.oversized()) {
                return new Failed(resp.url() + ": policy larger than " + MAX_BODY + " bytes", false);
            }
            return new Body(resp.text());
        }
        return new Failed(last, false);
    }
}
