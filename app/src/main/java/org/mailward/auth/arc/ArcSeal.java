package org.mailward.auth.arc;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DomainNames;
import org.mailward.auth.dkim.TagList;
import org.mailward.auth.message.HeaderField;

/**
 * A parsed ARC-Seal header field (RFC 8617 4.1.3): tags i, a, b, cv, d, s and optional t; h= is not allowed.
 *
 * @param field     the field as it appeared
 * @param instance  i=
 * @param algorithm a=
 * @param signature b=, decoded
 * @param cv        cv=
 * @param domain    d=, lower case
 * @param selector  s=, lower case
 * @param timestamp t=
 */
public record ArcSeal(HeaderField field, int instance, DkimAlgorithm algorithm, byte[] signature, ArcStatus cv, String domain,
                      String selector, OptionalLong timestamp) {

    public static final String HEADER = "ARC-Seal";

    public ArcSeal {
        Objects.requireNonNull(field);
    }

    /** A seal, or why the field is not one. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(ArcSeal seal) implements Parsed {
    }

    public record Invalid(String reason) implements Parsed {
    }

    public static Parsed parse(HeaderField field, TagList t) {
        for (String req : new String[] {"i", "a", "b", "cv", "d", "s"}) {
            if (!t.has(req)) {
                return new Invalid("ARC-Seal: missing tag " + req);
            }
        }
        if (t.has("h")) {
            return new Invalid("ARC-Seal: h= is not allowed (RFC 8617 4.1.3)");
        }
        int i = ArcChain.instance(t.get("i").orElseThrow());
        if (i < 1) {
            return new Invalid("ARC-Seal: syntax error at tag i");
        }
        var alg = DkimAlgorithm.fromToken(t.get("a").orElseThrow());
        if (alg.isEmpty() || alg.get() == DkimAlgorithm.RSA_SHA1) {
            return new Invalid("ARC-Seal i=" + i + ": syntax error at tag a: unsupported algorithm");
        }
        byte[] b = TagList.decodeBase64(t.get("b").orElseThrow());
        if (b == null || b.length == 0) {
            return new Invalid("ARC-Seal i=" + i + ": syntax error at tag b");
        }
        var cv = ArcStatus.fromToken(t.get("cv").orElseThrow());
        if (cv.isEmpty()) {
            return new Invalid("ARC-Seal i=" + i + ": syntax error at tag cv");
        }
        String d = t.get("d").orElseThrow().toLowerCase(Locale.ROOT);
        if (!DomainNames.isValid(d)) {
            return new Invalid("ARC-Seal i=" + i + ": syntax error at tag d");
        }
        String s = t.get("s").orElseThrow().toLowerCase(Locale.ROOT);
        if (!DomainNames.isValidSelector(s)) {
            return new Invalid("ARC-Seal i=" + i + ": syntax error at tag s");
        }
        OptionalLong ts = OptionalLong.empty();
        if (t.has("t")) {
            String tv = t.get("t").orElseThrow();
            if (!org.mailward.auth.dkim.DkimSignature.digits(tv, 12)) {
                return new Invalid("ARC-Seal i=" + i + ": syntax error at tag t");
            }
            ts = OptionalLong.of(Long.parseLong(tv));
        }
        return new Valid(new ArcSeal(field, i, alg.get(), b, cv.get(), d, s, ts));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArcSeal other && other.field.equals(field);
    }

    @Override
    public int hashCode() {
        return field.hashCode();
    }
}
