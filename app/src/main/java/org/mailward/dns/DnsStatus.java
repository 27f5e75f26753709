package org.mailward.dns;

/**
 * The outcome of one question, kept apart the way SPF (RFC 7208 4.4, 5), DMARC and DANE need it.
 */
public enum DnsStatus {
    /** NOERROR with at least one record of the type asked. */
    RECORDS,
    /** RCODE 3: the name does not exist. */
    NXDOMAIN,
    /** NOERROR, the name exists but has no record of the type asked. */
    NODATA,
    /** SERVFAIL, REFUSED, FORMERR or any other error RCODE, or an answer that could not be understood. */
    SERVFAIL,
    /** No answer within the configured timeout and retries. */
    TIMEOUT;

    /** True for the outcomes RFC 7208 calls a DNS error (temperror): SERVFAIL and timeout. */
    public boolean isError() {
        return this == SERVFAIL || this == TIMEOUT;
    }

    /** True for NXDOMAIN and NODATA: a definite "no record". */
    public boolean isEmpty() {
        return this == NXDOMAIN || this == NODATA;
    }
}
