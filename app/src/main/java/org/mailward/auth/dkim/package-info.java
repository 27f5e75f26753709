/**
 * DKIM, RFC 6376 (signatures), RFC 8301 (algorithm and key-size updates: rsa-sha1 never passes, RSA keys under
 * 1024 bits fail) and RFC 8463 (ed25519-sha256). Split as the RFC reads:
 *
 * <pre>
 *   parse:  TagList (3.2) ─► DkimSignature.parse (3.5)        DkimKeyRecord.parse (3.6.1)
 *   canon:  Canonicalization (3.4) ─► BodyHasher (3.7, streaming, l= aware) ; header hash input (3.7)
 *   verify: DkimVerifier (6.1): headers ─► per-signature body hashers ─► body streamed once ─► key lookup (3.6.2)
 *           ─► DkimResult per signature (RFC 8601 2.7.1 result names)
 *   sign:   DkimSigner (5): one pass over the message computes the body hashes of every signer; DkimKeys makes and
 *           loads keys and renders the DNS record.
 * </pre>
 *
 * ARC (RFC 8617) reuses {@link org.mailward.auth.dkim.Canonicalization}, {@link org.mailward.auth.dkim.BodyHasher},
 * {@link org.mailward.auth.dkim.TagList} and {@link org.mailward.auth.dkim.DkimCrypto}.
 */
package org.mailward.auth.dkim;
