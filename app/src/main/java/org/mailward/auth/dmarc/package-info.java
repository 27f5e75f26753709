/**
 * DMARC (RFC 7489; DMARCbis, RFC 9989): policy records, policy discovery, identifier alignment and the
 * disposition of a message, as a value that Authentication-Results and aggregate reports are rendered from.
 *
 * <pre>
 *  From header fields ──► AuthorDomain ─────────────┐ (RFC 7489 6.6.1: one From, one domain)
 *                                                   ▼
 *  Resolver ──► PolicyDiscovery ── _dmarc TXT ──► DmarcRecordParser ──► DmarcRecord
 *      │          │  DMARCBIS: DNS Tree Walk (RFC 9989 4.10: ≤ 8 queries, 8+ labels jump to 7)
 *      │          │  RFC7489:  Author Domain, then PSL Organizational Domain (RFC 7489 3.2, 6.6.3)
 *      │          └─ Organizational Domains for relaxed alignment (psd=y/n, fewest labels; or the PSL)
 *      ▼
 *  DmarcInput (SPF / DKIM / ARC verdicts, own small types) ──► DmarcEvaluator
 *      alignment (RFC 7489 3.1) → p / sp / np (A, AAAA, MX existence) → pct sampling (6.6.4) or t=y
 *      → trusted ARC override → local override ──► DmarcResult (verdict, disposition, report row fields)
 * </pre>
 *
 * <p>Discovery mode is configuration ({@link org.mailward.auth.dmarc.DmarcOptions#discovery()}); the default is
 * DMARCbis. The Public Suffix List ({@link org.mailward.auth.dmarc.psl.PublicSuffixList}) is used in RFC 7489 mode,
 * and in DMARCbis mode as the documented fallback when an Organizational Domain Tree Walk meets a DNS error
 * ({@link org.mailward.auth.dmarc.DmarcOptions#pslFallbackOnDnsError()}). See docs/dmarc.md.
 *
 * <p>RFCs: 7489 (DMARC), 9989 (DMARCbis; the tags np, psd, t), 9091 (PSD DMARC, np), 5322 3.4/3.6 (From),
 * 6376 3.2 (tag-list syntax), 8617 7.2 (ARC as local-policy input).
 */
package org.mailward.auth.dmarc;
