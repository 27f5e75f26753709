/**
 * Authentication-Results header fields (RFC 8601): a generic model ({@link
 * org.mailward.auth.results.AuthenticationResults} = authserv-id, version, {@link
 * org.mailward.auth.results.ResultInfo}s of method, result, reason, properties), a renderer that quotes and folds,
 * a parser for upstream headers and ARC's AAR (CFWS, nested comments, quoted strings, "none", unknown methods kept),
 * and the RFC 8601 5 check whether a received field claims our authserv-id.
 *
 * <pre>
 *  SpfResult / DkimResult / DmarcResult / ArcResult ──► ResultInfo.of(method, result).withProperty(...)
 *        ──► new AuthenticationResults(authservId, infos).headerField() ──► prepended to the message
 *  received "Authentication-Results:" ──► claims(value, ourId)? delete (RFC 8601 5) : parse(value) for ARC/trust
 * </pre>
 *
 * RFCs: 8601 (the field; methods spf, dkim, dmarc, arc via 8617, ptypes smtp, header, policy), 6008 (header.b),
 * 2045 5.1 (token, quoted-string), 5322 3.2 (CFWS, folding).
 */
package org.mailward.auth.results;
