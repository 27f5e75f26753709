/**
 * Whole-message authentication: SPF (RFC 7208), every DKIM signature (RFC 6376, 8301, 8463), the ARC chain
 * (RFC 8617) and DMARC (RFC 7489 / DMARCbis) for one message read once, summed up in the Authentication-Results
 * header field (RFC 8601) of our authserv-id. The gateway and the reflector use this; {@code mailward verify} too.
 *
 * <pre>
 *   Envelope (client IP, HELO, MAIL FROM) ──► SpfEvaluator ───────────────┐
 *   message bytes ──► MessageReader ──┬──► DkimVerifier.Verification ──────┤
 *     (headers once, body streamed)   └──► ArcVerifier.Verification ───────┤
 *                                                                          ▼
 *                                        DmarcInput ──► DmarcEvaluator ──► MessageAuthentication
 *                                                                          (+ AuthenticationResults)
 * </pre>
 */
package org.mailward.auth.verify;
