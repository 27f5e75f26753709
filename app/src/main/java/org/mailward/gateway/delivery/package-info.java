/**
 * Delivery: the queue manager takes messages from the spool, routes local domains to their internal servers and
 * other domains by MX (RFC 5321 5.1: priorities, randomised among equals, implicit MX; RFC 7505 null MX bounces at
 * once), applies the Secure Delivery TLS policy per MX host (DeliveryTlsPolicy: DANE, RFC 7672, when the DNS answers
 * are authenticated; then MTA-STS, RFC 8461, in enforce mode; then the configured rules; then MTA-STS testing; then
 * opportunistic), reports each attempt's TLS outcome (DeliveryTlsOutcome, in RFC 8460 terms) to a DeliveryListener,
 * retries with back-off and returns RFC 3464 bounces and delay warnings to the envelope sender (never to the null
 * sender).
 */
package org.mailward.gateway.delivery;
