/**
 * The outbound path (mail from relay networks and authenticated submitters): disclaimers/footers first
 * ({@link org.mailward.gateway.outbound.Footers}, MIME-aware), then DKIM signing (RFC 6376 5) as the very last change
 * ({@link org.mailward.gateway.outbound.OutboundProcessor}), with signing definitions that are enabled only once
 * their published key record matches the private key ({@link org.mailward.gateway.outbound.DkimDefinitions}).
 */
package org.mailward.gateway.outbound;
