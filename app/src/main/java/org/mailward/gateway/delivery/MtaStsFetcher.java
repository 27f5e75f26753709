package org.mailward.gateway.delivery;

/**
 * Fetches an MTA-STS policy body from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 3.3).
 * Implementations validate the HTTPS certificate (WebPKI, name {@code mta-sts.<domain>}), refuse redirects, accept
 * only status 200 and bound size and time. Injectable, so tests serve policies without a network.
 */
@FunctionalInterface
public interface MtaStsFetcher {

    /** RFC 8461 3.3: senders may limit the policy body; 64 KiB is plenty for any sane list of MX patterns. */
    int MAX_BODY = 64 * 1024;

    Result fetch(String policyDomain);

    /** What a fetch produced. */
    sealed interface Result {
    }

    /** The policy body (not yet parsed). */
    record Body(String text) implements Result {
    }

    /**
     * No usable answer. {@code webPki} is true when the failure was the HTTPS certificate (RFC 8460
     * sts-webpki-invalid), false for network, HTTP status, type or size problems (sts-policy-fetch-error).
     */
    record Failed(String reason, boolean webPki) implements Result {
    }
}
