package org.mailward.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailward.dns.CachingResolver;
import org.mailward.dns.NetworkResolver;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;
import picocli.CommandLine.Option;

/**
 * The DNS options every command that touches DNS takes (shared CLI.md): {@code --resolver HOST:PORT} (repeatable),
 * {@code --zone FILE} (repeatable; names in none of them are NXDOMAIN unless {@code --zone-fallback network}),
 * {@code --dns-timeout}, {@code --dns-retries}, {@code --zone-authenticated}.
 */
public final class DnsOptions {

    public enum Fallback { nxdomain, network }

    @Option(names = "--resolver", paramLabel = "HOST:PORT", description = "DNS server to ask (repeatable). Default: the system's resolvers.")
    List<String> resolvers = new ArrayList<>();

    @Option(names = "--zone", paramLabel = "FILE", description = "Answer from this RFC 1035 master file instead of the network (repeatable; files are merged).")
    List<Path> zones = new ArrayList<>();

    @Option(names = "--zone-fallback", paramLabel = "nxdomain|network", description = "With --zone: what a name in none of the files gets (default: ${DEFAULT-VALUE}).")
    Fallback zoneFallback = Fallback.nxdomain;

    @Option(names = "--zone-authenticated", description = "With --zone: treat the zone answers as DNSSEC-authenticated (AD bit).")
    boolean zoneAuthenticated;

    @Option(names = "--dns-timeout", paramLabel = "SECONDS", description = "Time per DNS try (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 5;

    @Option(names = "--dns-retries", paramLabel = "N", description = "Extra tries after the first (default: ${DEFAULT-VALUE}).")
    int retries = 2;

    /** The network resolver these options describe (ignoring --zone). */
    public Resolver network() {
        if (resolvers.isEmpty()) {
            return NetworkResolver.system();
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String r : resolvers) {
            try {
                servers.add(NetworkResolver.parseServer(r));
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }
        return new NetworkResolver(servers, Duration.ofMillis((long) (timeoutSeconds * 1000)), retries);
    }

    /** The resolver without a cache: zone files (with fallback) or the network. */
    public Resolver uncached() {
        if (zones.isEmpty()) {
            return network();
        }
        try {
            Optional<Resolver> fb = zoneFallback == Fallback.network ? Optional.of(network()) : Optional.empty();
            return ZoneFileResolver.load(zones, fb, zoneAuthenticated);
        } catch (IOException e) {
            throw new UsageError("cannot load zone: " + e.getMessage(), e);
        }
    }

    /** The resolver a command should use: {@link #uncached()} behind a TTL-honouring cache. */
    public Resolver resolver(Clock clock) {
        return new CachingResolver(uncached(), clock);
    }
}
