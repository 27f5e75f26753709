/**
 * Parse and generate the DNS/HTTPS records of the mail-security standards that are not message authentication:
 * MTA-STS (RFC 8461: TXT record and policy file) and TLS-RPT (RFC 8460: TXT record). Used by the checker and, for
 * outbound MTA-STS, by the gateway. Parsers never throw on bad input: problems are values.
 */
package org.mailward.records;
