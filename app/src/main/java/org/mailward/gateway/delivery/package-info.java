/**
 * Delivery: the queue manager takes messages from the spool, routes local domains to their internal servers and
 * other domains by MX (RFC 5321 5.1: priorities, randomised among equals, implicit MX; RFC 7505 null MX bounces at
 * once), applies the Secure Delivery TLS policy (a chain of lookups: configured patterns now, MTA-STS and DANE
 * later), retries with back-off and returns RFC 3464 bounces to the envelope sender (never to the null sender).
 */
package org.mailward.gateway.delivery;
