package org.mailward.auth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.mailward.auth.message.BodyConsumer;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;
import org.mailward.dns.Resolver;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376 6.1), reading the message once and never holding its body.
 * Each signature gets its own {@link DkimResult}, in header order (topmost first). An empty list means the message
 * carries no signature (RFC 8601 dkim=none; see {@link DkimResult#none()}).
 *
 * <p>Policy beyond RFC 6376: RFC 8301 (rsa-sha1 never passes: a valid rsa-sha1 signature is {@code policy}; RSA keys
 * under 1024 bits {@code fail}); signatures dated more than the clock skew in the future or expired more than the
 * skew ago are {@code permerror}; at most {@code maxSignatures} signatures are evaluated (later ones are
 * {@code permerror "too many signatures"}) to bound DNS and CPU spent on one message.
 */
public final class DkimVerifier {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_SIGNATURES = 16;
    /** RFC 8301 3.2: verifiers MUST NOT consider signatures using RSA keys under 1024 bits valid. */
    public static final int MIN_RSA_BITS = 1024;

    private final Resolver resolver;
    private final Clock clock;
    private final Duration skew;
    private final int maxSignatures;

    public DkimVerifier(Resolver resolver, Clock clock) {
        this(resolver, clock, DEFAULT_CLOCK_SKEW, DEFAULT_MAX_SIGNATURES);
    }

    public DkimVerifier(Resolver resolver, Clock clock, Duration skew, int maxSignatures) {
        this.resolver = Objects.requireNonNull(resolver);
        this.clock = Objects.requireNonNull(clock);
        this.skew = Objects.requireNonNull(skew);
        this.maxSignatures = maxSignatures;
    }

    public List<DkimResult> verify(byte[] message) {
        Verification[] v = new Verification[1];
        new MessageReader().read(message, headers -> {
            v[0] = begin(headers);
            return v[0].bodyConsumers();
        });
        return v[0].finish();
    }

    /** Reads the message from {@code in} once and verifies every signature. I/O errors of the stream propagate. */
    public List<DkimResult> verify(InputStream in) throws IOException {
        Verification[] v = new Verification[1];
        new MessageReader().read(in, headers -> {
            v[0] = begin(headers);
            return v[0].bodyConsumers();
        });
        return v[0].finish();
    }

    /**
     * Starts a verification from the header section, for callers that stream the body themselves (the gateway, ARC
     * together with DKIM): feed the body to {@link Verification#bodyConsumers()} (ending each), then call
     * {@link Verification#finish()}.
     */
    public Verification begin(MessageHeaders headers) {
        return new Verification(headers);
    }

    /** One message being verified. */
    public final class Verification {
        private final MessageHeaders headers;
        private final List<Object> entries = new ArrayList<>(); // DkimResult (decided early) or Pending
        private final Map<String, BodyHasher> hashers = new HashMap<>();

        private record Pending(DkimSignature sig, BodyHasher hasher) {
        }

        Verification(MessageHeaders headers) {
            this.headers = headers;
            long now = clock.instant().getEpochSecond();
            int count = 0;
            for (HeaderField f : headers.fields()) {
                if (!f.is(DkimSignature.HEADER)) {
                    continue;
                }
                count++;
                if (count > maxSignatures) {
                    entries.add(new DkimResult(DkimStatus.PERMERROR, "", "", "", "", "too many signatures (limit " + maxSignatures + ")",
                            false, OptionalLong.empty(), 0, 0, ""));
                    continue;
                }
                DkimSignature.Parsed p = DkimSignature.parse(f);
                if (p instanceof DkimSignature.Invalid inv) {
                    entries.add(new DkimResult(DkimStatus.PERMERROR, inv.domain(), inv.selector(), inv.algorithm(), "",
                            inv.reason(), false, OptionalLong.empty(), 0, 0, ""));
                    continue;
                }
                DkimSignature sig = ((DkimSignature.Valid) p).signature();
                DkimResult base = base(sig);
                if (headers.truncated()) {
                    entries.add(base.with(DkimStatus.PERMERROR, "header section too large"));
                    continue;
                }
                if (sig.timestamp().isPresent() && sig.timestamp().getAsLong() > now + skew.toSeconds()) {
                    entries.add(base.with(DkimStatus.PERMERROR, "signature timestamp t= in the future"));
                    continue;
                }
                if (sig.expiration().isPresent() && sig.expiration().getAsLong() + skew.toSeconds() < now) {
                    entries.add(base.with(DkimStatus.PERMERROR, "signature expired (x=)"));
                    continue;
                }
                long limit = sig.length().orElse(Long.MAX_VALUE);
                String key = sig.bodyCanon() + "/" + sig.algorithm().digestName() + "/" + limit;
                BodyHasher h = hashers.computeIfAbsent(key, k -> new BodyHasher(sig.bodyCanon(), sig.algorithm().digestName(), limit));
                entries.add(new Pending(sig, h));
            }
        }

        /** The body consumers to feed (possibly none). */
        public List<BodyConsumer> bodyConsumers() {
            return List.copyOf(hashers.values());
        }

        /** Looks up keys and checks every signature; call after the body consumers have ended. */
        public List<DkimResult> finish() {
            DkimKeyLookup keys = new DkimKeyLookup(resolver);
            List<DkimResult> out = new ArrayList<>();
            for (Object e : entries) {
                if (e instanceof DkimResult r) {
                    out.add(r);
                } else {
                    Pending p = (Pending) e;
                    out.add(check(p.sig(), p.hasher(), keys));
                }
            }
            return List.copyOf(out);
        }

        private DkimResult check(DkimSignature sig, BodyHasher hasher, DkimKeyLookup keys) {
            return checkSignature(sig, hasher, headers.fields(), keys);
        }
    }

    /**
     * RFC 6376 6.1.2-6.1.3 for one parsed signature whose body has been hashed: key lookup and checks, l=, body hash,
     * RFC 8301 key size, header hash and signature, rsa-sha1 policy. Time checks (t=, x=) are the caller's. ARC uses
     * this for ARC-Message-Signatures.
     *
     * @param fields the message's header fields, top first (the signature's own field is excluded from h= selection)
     */
    public static DkimResult checkSignature(DkimSignature sig, BodyHasher hasher, List<HeaderField> fields, DkimKeyLookup keys) {
        DkimResult r = base(sig);
        OptionalLong l = sig.length();
        long unsigned = l.isPresent() ? Math.max(0, hasher.canonicalLength() - l.getAsLong()) : 0;
        r = new DkimResult(r.status(), r.domain(), r.selector(), r.algorithm(), r.identity(), "", false, l, unsigned, 0, r.headerB());
        DkimKeyLookup.Outcome o = keys.fetch(sig.selector(), sig.domain());
        if (o instanceof DkimKeyLookup.Failed f) {
            return r.with(f.status(), f.reason());
        }
        DkimKeyRecord key = ((DkimKeyLookup.Found) o).record();
        r = new DkimResult(DkimStatus.NEUTRAL, r.domain(), r.selector(), r.algorithm(), r.identity(), "", key.testing(), l, unsigned,
                key.keyBits(), r.headerB());
        String keyProblem = keyProblem(sig, key);
        if (keyProblem != null) {
            return r.with(DkimStatus.PERMERROR, keyProblem);
        }
        if (l.isPresent() && l.getAsLong() > hasher.canonicalLength()) {
            return r.with(DkimStatus.PERMERROR, "l= " + l.getAsLong() + " exceeds the canonical body length " + hasher.canonicalLength());
        }
        if (!MessageDigest.isEqual(hasher.hash(), sig.bodyHash())) {
            return r.with(DkimStatus.FAIL, "body hash mismatch");
        }
        if (key.keyType().equals("rsa") && key.keyBits() < MIN_RSA_BITS) {
            return r.with(DkimStatus.FAIL, "RSA key too short: " + key.keyBits() + " bits (RFC 8301 requires at least " + MIN_RSA_BITS + ")");
        }
        byte[] data = HeaderHashInput.build(fields, sig.signedHeaders(), sig.headerCanon(), sig.field(), sig.field());
        if (!DkimCrypto.verify(sig.algorithm(), key.publicKey().orElseThrow(), data, sig.signature())) {
            return r.with(DkimStatus.FAIL, "signature mismatch");
        }
        if (sig.algorithm() == DkimAlgorithm.RSA_SHA1) {
            return r.with(DkimStatus.POLICY, "rsa-sha1 is not accepted (RFC 8301 3.1); the signature itself verifies");
        }
        return r.with(DkimStatus.PASS, "");
    }

    private static DkimResult base(DkimSignature sig) {
        return new DkimResult(DkimStatus.NEUTRAL, sig.domain(), sig.selector(), sig.algorithm().token(), sig.identity(), "", false,
                sig.length(), 0, 0, sig.headerB());
    }

    /** RFC 6376 6.1.2 step 6 onwards: the key's own tags against the signature; null when acceptable. */
    static String keyProblem(DkimSignature sig, DkimKeyRecord key) {
        var p = key.problemFor(sig.algorithm());
        if (p.isPresent()) {
            return p.get();
        }
        if (key.strict()) {
            String id = sig.identity();
            String idDomain = id.substring(id.lastIndexOf('@') + 1);
            if (!idDomain.equalsIgnoreCase(sig.domain())) {
                return "key t=s requires the i= domain to equal d=";
            }
        }
        return null;
    }
}
