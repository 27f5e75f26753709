package org.mailward.auth.arc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mailward.auth.dkim.BodyHasher;
import org.mailward.auth.dkim.Canonicalization;
import org.mailward.auth.dkim.DkimCrypto;
import org.mailward.auth.dkim.DkimKeyLookup;
import org.mailward.auth.dkim.DkimKeyRecord;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimSignature;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.auth.message.BodyConsumer;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;
import org.mailward.dns.Resolver;

/**
 * Validates the ARC chain of a message (RFC 8617 5.2), reading the message once. Steps, as the RFC numbers them:
 * (1) collect the ARC sets and check their structure ({@link ArcChain}); (2) the newest ARC-Seal must not say
 * cv=fail; (3) ARC-Seal i=1 must say cv=none and every later one cv=pass; (4) the newest ARC-Message-Signature must
 * validate (DKIM rules, RFC 6376 6.1, RFC 8301); (5) oldest-pass: older AMS are validated to find the lowest instance
 * from which all validate; (6) every ARC-Seal must validate over ARC sets 1..i (5.1.1); then the chain passes.
 */
public final class ArcVerifier {

    private final Resolver resolver;
    private final Clock clock;

    public ArcVerifier(Resolver resolver, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver);
        this.clock = Objects.requireNonNull(clock);
    }

    public ArcResult verify(byte[] message) {
        Verification[] v = new Verification[1];
        new MessageReader().read(message, h -> {
            v[0] = begin(h);
            return v[0].bodyConsumers();
        });
        return v[0].finish();
    }

    public ArcResult verify(InputStream in) throws IOException {
        Verification[] v = new Verification[1];
        new MessageReader().read(in, h -> {
            v[0] = begin(h);
            return v[0].bodyConsumers();
        });
        return v[0].finish();
    }

    /** Starts validation from the header section, for callers that stream the body themselves. */
    public Verification begin(MessageHeaders headers) {
        return new Verification(headers);
    }

    /** One message being validated. */
    public final class Verification {
        private final MessageHeaders headers;
        private final ArcChain.Parsed chain;
        private final Map<Integer, BodyHasher> amsHashers = new HashMap<>();
        private final Map<String, BodyHasher> shared = new HashMap<>();

        Verification(MessageHeaders headers) {
            this.headers = headers;
            this.chain = headers.truncated() ? new ArcChain.Invalid("header section too large", 0) : ArcChain.collect(headers);
            if (chain instanceof ArcChain.Chain c) {
                for (ArcChain.ArcSet s : c.sets()) {
                    DkimSignature ams = s.ams();
                    long limit = ams.length().orElse(Long.MAX_VALUE);
                    String key = ams.bodyCanon() + "/" + ams.algorithm().digestName() + "/" + limit;
                    amsHashers.put(s.instance(), shared.computeIfAbsent(key,
                            k -> new BodyHasher(ams.bodyCanon(), ams.algorithm().digestName(), limit)));
                }
            }
        }

        public List<BodyConsumer> bodyConsumers() {
            return List.copyOf(shared.values());
        }

        public ArcResult finish() {
            if (chain instanceof ArcChain.None) {
                return ArcResult.none();
            }
            if (chain instanceof ArcChain.Invalid inv) {
                return ArcResult.fail(inv.instances(), inv.reason(), List.of());
            }
            List<ArcChain.ArcSet> sets = ((ArcChain.Chain) chain).sets();
            int n = sets.size();
            List<ArcResult.SetSummary> summary = new ArrayList<>();
            for (ArcChain.ArcSet s : sets) {
                summary.add(new ArcResult.SetSummary(s.instance(), s.seal().domain(), s.seal().selector(), s.ams().domain(), s.aarText()));
            }
            // 5.2 step 2
            if (sets.get(n - 1).seal().cv() == ArcStatus.FAIL) {
                return ArcResult.fail(n, "the newest ARC-Seal (i=" + n + ") has cv=fail", summary);
            }
            // 5.2 step 3
            for (ArcChain.ArcSet s : sets) {
                ArcStatus want = s.instance() == 1 ? ArcStatus.NONE : ArcStatus.PASS;
                if (s.seal().cv() != want) {
                    return ArcResult.fail(n, "ARC-Seal i=" + s.instance() + " has cv=" + s.seal().cv().token() + " but must have cv=" + want.token(), summary);
                }
            }
            DkimKeyLookup keys = new DkimKeyLookup(resolver);
            // 5.2 step 4
            DkimResult newest = checkAms(sets.get(n - 1), keys);
            if (!newest.passed()) {
                return ArcResult.fail(n, "ARC-Message-Signature i=" + n + ": " + newest.reason() + " (" + newest.status().token() + ")", summary);
            }
            // 5.2 step 5: oldest-pass
            int oldestPass = 0;
            for (int i = n - 1; i >= 1; i--) {
                if (!checkAms(sets.get(i - 1), keys).passed()) {
                    oldestPass = i + 1;
                    break;
                }
            }
            // 5.2 step 6
            for (int i = n; i >= 1; i--) {
                String problem = checkSeal(sets, i, keys);
                if (problem != null) {
                    return ArcResult.fail(n, "ARC-Seal i=" + i + ": " + problem, summary);
                }
            }
            return new ArcResult(ArcStatus.PASS, n, oldestPass, "", summary);
        }

        private DkimResult checkAms(ArcChain.ArcSet set, DkimKeyLookup keys) {
            return DkimVerifier.checkSignature(set.ams(), amsHashers.get(set.instance()), headers.fields(), keys);
        }
    }

    /** Verifies ARC-Seal i over ARC sets 1..i; null when it validates, else why not. */
    static String checkSeal(List<ArcChain.ArcSet> sets, int i, DkimKeyLookup keys) {
        ArcSeal seal = sets.get(i - 1).seal();
        DkimKeyLookup.Outcome o = keys.fetch(seal.selector(), seal.domain());
        if (o instanceof DkimKeyLookup.Failed f) {
            return f.reason();
        }
        DkimKeyRecord key = ((DkimKeyLookup.Found) o).record();
        var problem = key.problemFor(seal.algorithm());
        if (problem.isPresent()) {
            return problem.get();
        }
        if (key.keyType().equals("rsa") && key.keyBits() < DkimVerifier.MIN_RSA_BITS) {
            return "RSA key too short: " + key.keyBits() + " bits (RFC 8301)";
        }
        byte[] data = sealInput(sets.subList(0, i).stream().map(s -> new HeaderField[] {s.aar(), s.ams().field(), s.seal().field()}).toList());
        if (!DkimCrypto.verify(seal.algorithm(), key.publicKey().orElseThrow(), data, seal.signature())) {
            return "signature mismatch";
        }
        return null;
    }

    /**
     * RFC 8617 5.1.1: the ARC-Seal hash input, the ARC sets in instance order, each AAR, AMS, AS relaxed-canonicalised,
     * the last ARC-Seal with b= emptied and without its final CRLF.
     *
     * @param sets per instance, oldest first: {AAR, AMS, AS}
     */
    static byte[] sealInput(List<HeaderField[]> sets) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < sets.size(); j++) {
            HeaderField[] s = sets.get(j);
            sb.append(Canonicalization.RELAXED.header(s[0]));
            sb.append(Canonicalization.RELAXED.header(s[1]));
            if (j < sets.size() - 1) {
                sb.append(Canonicalization.RELAXED.header(s[2]));
            } else {
                String last = Canonicalization.RELAXED.header(DkimSignature.withoutB(s[2]));
                sb.append(last, 0, last.length() - 2);
            }
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
