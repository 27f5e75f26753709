/**
 * SPF, RFC 7208 (Sender Policy Framework): is this client IP allowed to send mail for this domain?
 *
 * <p>Organised by verb, as STYLE.md asks:
 * <pre>
 *   TXT text ──SpfParser──&gt; SpfRecord (immutable terms: Directive(qualifier, mechanism) / Modifier)
 *                               │      MacroString (RFC 7208 7: parsed once, expanded per query)
 *                               ▼
 *   SpfRequest(ip, sender, helo) ──SpfEvaluator.evaluate──&gt; SpfResult (verdict + evidence + Received-SPF)
 *                     │   check_host() (RFC 7208 4), limits (4.6.4), include/redirect/exp (5.2, 6)
 *                     ├── Resolver (org.mailward.dns: zone file, network, cache)
 *                     └── MacroExpander (RFC 7208 7.3, %{p} validated through the resolver)
 * </pre>
 *
 * <p>Role: the parse step turns a record into terms or a {@code permerror} reason; the evaluate step walks the terms
 * against DNS with hard limits (10 DNS-querying terms, 2 void lookups, 10 MX/PTR names, a query cap and a time
 * budget) and returns an {@link org.mailward.auth.spf.SpfResult}; nothing here throws for bad records or DNS
 * failures.
 */
package org.mailward.auth.spf;
