package org.mailward.check;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.mailward.dns.NetworkResolver;
import org.mailward.dns.Resolver;

/**
 * Makes a {@link Resolver} that asks one given server directly (GEN-NS-INCONSISTENT asks each authoritative
 * nameserver address in turn). Injected through {@link CheckConfig} so tests reach local servers on another port.
 */
@FunctionalInterface
public interface DirectResolvers {

    Resolver forServer(InetAddress address);

    /** Port 53 of the address, {@code timeout} per try, one retry. */
    static DirectResolvers network(int port, Duration timeout) {
        return address -> new NetworkResolver(List.of(new InetSocketAddress(address, port)), timeout, 1);
    }
}
