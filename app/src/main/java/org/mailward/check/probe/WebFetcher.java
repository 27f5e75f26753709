package org.mailward.check.probe;

import java.net.URI;

/**
 * Fetches one {@code http:} or {@code https:} URL for the checker (BIMI logo and mark certificate, CRL distribution
 * points, OCSP responders). Injected through {@code CheckConfig} so tests reach local servers; implementations are
 * bounded in time and size and never throw for network outcomes.
 */
@FunctionalInterface
public interface WebFetcher {

    /** GET {@code uri}; the body is cut at {@code maxBytes} (the response then says {@code oversized}). */
    PolicyFetcher.Result get(URI uri, String accept, int maxBytes);
}
