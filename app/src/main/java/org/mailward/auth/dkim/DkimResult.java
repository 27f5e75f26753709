package org.mailward.auth.dkim;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The verdict on one DKIM-Signature: an RFC 8601 result with the evidence an administrator needs.
 *
 * @param status            pass, fail, policy, neutral, temperror, permerror (none is used only for "no signature")
 * @param domain            d= (empty when the signature could not be parsed that far)
 * @param selector          s= (or empty)
 * @param algorithm         a= as written (or empty)
 * @param identity          i= (defaults to "@" + d=), for header.i
 * @param reason            why, precise: "body hash mismatch", "key not found", "syntax error at tag h", ...;
 *                          "" on pass
 * @param testing           the key record has t=y (RFC 6376 3.6.1: the domain is testing DKIM)
 * @param bodyLength        l= when the signature had one
 * @param unsignedBodyBytes canonical body bytes not covered by l= (0 without l=); content the signature does not vouch
 *                          for
 * @param keyBits           public key size in bits (RSA modulus, 256 for Ed25519); 0 when no key was read
 * @param headerB           the first 8 characters of b= (RFC 6008 header.b), or empty
 */
public record DkimResult(DkimStatus status, String domain, String selector, String algorithm, String identity,
                         String reason, boolean testing, OptionalLong bodyLength, long unsignedBodyBytes,
                         int keyBits, String headerB) {

    public DkimResult {
        Objects.requireNonNull(status);
        Objects.requireNonNull(domain);
        Objects.requireNonNull(selector);
        Objects.requireNonNull(algorithm);
        Objects.requireNonNull(identity);
        Objects.requireNonNull(reason);
        Objects.requireNonNull(bodyLength);
        Objects.requireNonNull(headerB);
    }

    /** The result for a message without any DKIM-Signature (RFC 8601 2.7.1 "none"). */
    public static DkimResult none() {
        return new DkimResult(DkimStatus.NONE, "", "", "", "", "message not signed", false, OptionalLong.empty(), 0, 0, "");
    }

    public boolean passed() {
        return status == DkimStatus.PASS;
    }

    /** A copy with another status and reason. */
    public DkimResult with(DkimStatus s, String why) {
        return new DkimResult(s, domain, selector, algorithm, identity, why, testing, bodyLength, unsignedBodyBytes, keyBits, headerB);
    }

    @Override
    public String toString() {
        return "dkim=" + status.token() + (domain.isEmpty() ? "" : " header.d=" + domain)
                + (selector.isEmpty() ? "" : " header.s=" + selector)
                + (algorithm.isEmpty() ? "" : " header.a=" + algorithm)
                + (reason.isEmpty() ? "" : " (" + reason + ")")
                + (testing ? " [testing]" : "")
                + (bodyLength.isPresent() ? " [l=" + bodyLength.getAsLong() + ", " + unsignedBodyBytes + " unsigned bytes]" : "");
    }
}
