package org.mailward.check.probe;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * The network {@link WebFetcher}: resolves the URL's host through Mailward's {@link Resolver} (never the system
 * resolver, STYLE.md "Injected world"), then GETs over plain HTTP or TLS with {@link PolicyFetcher}'s bounds
 * (connect and read timeouts, a hard deadline, header and body caps). TLS chains are captured, not trusted. Redirects
 * are not followed.
 */
public final class HttpWebFetcher implements WebFetcher {

    private final Resolver resolver;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration deadline;

    public HttpWebFetcher(Resolver resolver, Duration connectTimeout, Duration readTimeout, Duration deadline) {
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.deadline = deadline;
    }

    @Override
    public PolicyFetcher.Result get(URI uri, String accept, int maxBytes) {
        String url = uri.toString();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return new PolicyFetcher.Failed(url, "unsupported URL scheme '" + scheme + "'", false);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return new PolicyFetcher.Failed(url, "URL has no host", false);
        }
        InetAddress address;
        try {
            address = address(host);
        } catch (UnknownHostException e) {
            return new PolicyFetcher.Failed(url, e.getMessage(), false);
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new PolicyFetcher(connectTimeout, readTimeout, deadline, maxBytes).get(tls, host, address, port, path, accept);
    }

    private InetAddress address(String host) throws UnknownHostException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || h.contains(":")) {
            return InetAddress.getByName(h); // an IP literal: no lookup happens
        }
        for (RecordType t : new RecordType[] {RecordType.A, RecordType.AAAA}) {
            DnsAnswer a = resolver.query(h, t);
            if (a.status().isError()) {
                throw new UnknownHostException("lookup " + h + "/" + t + " failed: " + a.status());
            }
            for (DnsRecord r : a.records()) {
                if (r instanceof DnsRecord.A x) {
                    return x.address();
                }
                if (r instanceof DnsRecord.Aaaa x) {
                    return x.address();
                }
            }
        }
        throw new UnknownHostException(h + " has no A or AAAA record");
    }
}
