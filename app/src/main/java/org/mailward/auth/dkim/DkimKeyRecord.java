package org.mailward.auth.dkim;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DKIM key record (RFC 6376 3.6.1), parsed and with its public key decoded.
 *
 * @param tags       every tag as written
 * @param keyType    k= ("rsa" by default, "ed25519" per RFC 8463)
 * @param hashes     h= acceptable hash algorithms (empty: any)
 * @param services   s= service types ("*" by default)
 * @param flags      t= flags ("y" testing, "s" strict identity)
 * @param publicKey  the decoded key; empty when p= is empty (revoked)
 * @param keyBits    the key size in bits (0 when revoked)
 */
public record DkimKeyRecord(TagList tags, String keyType, List<String> hashes, List<String> services, List<String> flags,
                            Optional<PublicKey> publicKey, int keyBits) {

    public DkimKeyRecord {
        Objects.requireNonNull(tags);
        hashes = List.copyOf(hashes);
        services = List.copyOf(services);
        flags = List.copyOf(flags);
    }

    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(DkimKeyRecord record) implements Parsed {
    }

    /** @param reason "key syntax error at tag X", "key revoked"... */
    public record Invalid(String reason) implements Parsed {
    }

    /**
     * RFC 6376 6.1.2 steps 5-6: why this key cannot verify a signature made with {@code alg} (revoked, k= or h=
     * mismatch, s= not for email), or empty when it can.
     */
    public Optional<String> problemFor(DkimAlgorithm alg) {
        if (revoked()) {
            return Optional.of("key revoked (empty p=)");
        }
        if (!keyType.equals(alg.keyType())) {
            return Optional.of("key type k=" + keyType + " does not match a=" + alg.token());
        }
        if (!hashes.isEmpty() && !hashes.contains(alg.hashToken())) {
            return Optional.of("key h= does not allow " + alg.hashToken());
        }
        if (!services.contains("*") && !services.contains("email")) {
            return Optional.of("key s= is not for email");
        }
        return Optional.empty();
    }

    public boolean revoked() {
        return publicKey.isEmpty();
    }

    public boolean testing() {
        return flags.contains("y");
    }

    public boolean strict() {
        return flags.contains("s");
    }

    /** Parses a key record's text (the TXT strings joined). Never throws on bad input. */
    public static Parsed parse(String text) {
        TagList.Parsed p = TagList.parse(text);
        if (p instanceof TagList.Invalid inv) {
            return new Invalid("key syntax error at tag " + (inv.tag().isEmpty() ? "(none)" : inv.tag()) + ": " + inv.message());
        }
        TagList t = ((TagList.Ok) p).list();
        // 3.6.1 v=: if present it MUST be the first tag and MUST be "DKIM1"
        if (t.has("v")) {
            if (!t.tags().keySet().iterator().next().equals("v") || !t.get("v").orElseThrow().equals("DKIM1")) {
                return new Invalid("key syntax error at tag v: not DKIM1 or not first");
            }
        }
        String k = t.get("k").orElse("rsa");
        List<String> hashes = list(t.get("h").orElse(""));
        List<String> services = t.has("s") ? list(t.get("s").orElseThrow()) : List.of("*");
        List<String> flags = list(t.get("t").orElse(""));
        if (!t.has("p")) {
            return new Invalid("key syntax error at tag p: missing");
        }
        String pv = TagList.removeFws(t.get("p").orElseThrow());
        if (pv.isEmpty()) {
            return new Valid(new DkimKeyRecord(t, k, hashes, services, flags, Optional.empty(), 0));
        }
        byte[] der = TagList.decodeBase64(pv);
        if (der == null) {
            return new Invalid("key syntax error at tag p: not base64");
        }
        if (!k.equals("rsa") && !k.equals("ed25519")) {
            return new Invalid("key syntax error at tag k: unknown key type " + (k.length() > 30 ? k.substring(0, 30) : k));
        }
        Optional<PublicKey> key = DkimCrypto.publicKey(k, der);
        if (key.isEmpty()) {
            return new Invalid("key syntax error at tag p: not a valid " + k + " public key");
        }
        return new Valid(new DkimKeyRecord(t, k, hashes, services, flags, key, DkimCrypto.bits(key.get())));
    }

    private static List<String> list(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(":")) {
            String x = TagList.stripFws(s);
            if (!x.isEmpty()) {
                out.add(x);
            }
        }
        return out;
    }
}
