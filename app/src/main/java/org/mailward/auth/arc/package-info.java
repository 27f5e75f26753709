/**
 * ARC, the Authenticated Received Chain (RFC 8617): chain validation and sealing. Reuses DKIM's tag lists,
 * canonicalisation, body hashing, key records and signature arithmetic from {@code auth.dkim}.
 *
 * <pre>
 *   headers ─► ArcSet.collect (4.1: AAR/AMS/AS by instance i=1..50, structure checks)
 *           ─► ArcVerifier (5.2): latest AS cv, cv=none/pass structure, newest AMS (DKIM-style, body streamed once),
 *              oldest-pass, every AS over ARC sets 1..i (5.1.1, relaxed)  ─► ArcResult(cv, instances, oldestPass, reason)
 *   ArcSealer (5.1): AAR text (kept as text; RFC 8601 parsing is auth.results' job) + AMS + AS for instance N+1
 * </pre>
 */
package org.mailward.auth.arc;
