/**
 * The domain checker (CHECKS.md): one class per area turning shared evidence into findings whose ids are the
 * catalogue's rule ids ({@link org.mailward.check.Rule}).
 *
 * <pre>
 *  CheckRunner ──► DomainEvidence (once per domain)
 *                   ├─ DnsLookups: every DNS answer, memoised, with evidence (query, status, answer, resolver, time)
 *                   ├─ MX hosts and their A/AAAA
 *                   ├─ SMTP/TLS probes per address (probe.ProbeCache: per IP, shared by the whole run)
 *                   └─ MTA-STS record, policy fetch (probe.PolicyFetcher) and policy (records.MtaStsPolicy)
 *              ──► GeneralChecks, MxChecks, PtrChecks, TlsChecks, CertChecks, TlsRptChecks, MtaStsChecks,
 *                  DnssecDaneChecks, UkChecks ──► Findings ──► DomainReport (status per area and overall)
 * </pre>
 *
 * A finding that could not be evaluated is INCONCLUSIVE and never counts as a failure.
 */
package org.mailward.check;
