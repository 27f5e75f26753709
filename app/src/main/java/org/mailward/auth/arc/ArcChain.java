package org.mailward.auth.arc;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailward.auth.dkim.DkimSignature;
import org.mailward.auth.dkim.TagList;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;

/**
 * The ARC sets of a message, collected and structurally checked (RFC 8617 4.1, 5.2 step 1): every ARC header field
 * carries an instance i=1..50; each instance has exactly one ARC-Authentication-Results, ARC-Message-Signature and
 * ARC-Seal; instances run from 1 without gaps.
 */
public final class ArcChain {

    /** RFC 8617 4.2.1: at most 50 ARC sets. */
    public static final int MAX_INSTANCES = 50;
    public static final String AAR = "ARC-Authentication-Results";
    public static final String AMS = "ARC-Message-Signature";

    private static final Pattern AAR_PREFIX = Pattern.compile("^[ \\t\\r\\n]*i[ \\t]*=[ \\t]*([0-9]{1,3})[ \\t\\r\\n]*;(.*)$", Pattern.DOTALL);

    private ArcChain() {
    }

    /**
     * One complete ARC set.
     *
     * @param instance i=
     * @param aar      the ARC-Authentication-Results field
     * @param aarText  its value after "i=N;", unfolded and trimmed
     * @param ams      the parsed ARC-Message-Signature
     * @param seal     the parsed ARC-Seal
     */
    public record ArcSet(int instance, HeaderField aar, String aarText, DkimSignature ams, ArcSeal seal) {
    }

    /** The collected chain: none, structurally invalid, or the sets ordered 1..N. */
    public sealed interface Parsed permits None, Invalid, Chain {
    }

    public record None() implements Parsed {
    }

    public record Invalid(String reason, int instances) implements Parsed {
    }

    public record Chain(List<ArcSet> sets) implements Parsed {
        public Chain {
            sets = List.copyOf(sets);
        }
    }

    /** The instance number of an i= value, or -1 when it is not 1..50 written as digits. */
    static int instance(String v) {
        if (!DkimSignature.digits(v, 3)) {
            return -1;
        }
        int i = Integer.parseInt(v);
        return i >= 1 && i <= MAX_INSTANCES ? i : -1;
    }

    public static Parsed collect(MessageHeaders headers) {
        TreeMap<Integer, HeaderField[]> byInstance = new TreeMap<>();
        TreeMap<Integer, String> aarTexts = new TreeMap<>();
        TreeMap<Integer, DkimSignature> amss = new TreeMap<>();
        TreeMap<Integer, ArcSeal> seals = new TreeMap<>();
        boolean any = false;
        for (HeaderField f : headers.fields()) {
            int kind = f.is(AAR) ? 0 : f.is(AMS) ? 1 : f.is(ArcSeal.HEADER) ? 2 : -1;
            if (kind < 0) {
                continue;
            }
            any = true;
            int instance;
            String name = f.trimmedName();
            if (kind == 0) {
                Matcher m = AAR_PREFIX.matcher(f.rawValue());
                if (!m.matches()) {
                    return new Invalid(AAR + " without a leading \"i=N;\"", 0);
                }
                instance = instance(m.group(1));
                if (instance < 1) {
                    return new Invalid(AAR + ": invalid instance i=" + m.group(1), 0);
                }
                aarTexts.put(instance, unfold(m.group(2)).strip());
            } else {
                TagList.Parsed p = TagList.parse(f.rawValue());
                if (p instanceof TagList.Invalid inv) {
                    return new Invalid(name + ": syntax error at tag " + inv.tag() + ": " + inv.message(), 0);
                }
                TagList t = ((TagList.Ok) p).list();
                if (!t.has("i")) {
                    return new Invalid(name + ": missing tag i", 0);
                }
                instance = instance(t.get("i").orElseThrow());
                if (instance < 1) {
                    return new Invalid(name + ": syntax error at tag i", 0);
                }
                if (kind == 1) {
                    DkimSignature.Parsed ps = DkimSignature.parseTags(f, t, DkimSignature.Profile.ARC);
                    if (ps instanceof DkimSignature.Invalid inv) {
                        return new Invalid(AMS + " i=" + instance + ": " + inv.reason(), 0);
                    }
                    DkimSignature ams = ((DkimSignature.Valid) ps).signature();
                    if (ams.signedHeaders().stream().anyMatch(h -> h.equalsIgnoreCase(ArcSeal.HEADER))) {
                        return new Invalid(AMS + " i=" + instance + ": h= includes ARC-Seal (RFC 8617 4.1.2)", 0);
                    }
                    if (amss.put(instance, ams) != null) {
                        return new Invalid("duplicate " + AMS + " i=" + instance, 0);
                    }
                } else {
                    ArcSeal.Parsed ps = ArcSeal.parse(f, t);
                    if (ps instanceof ArcSeal.Invalid inv) {
                        return new Invalid(inv.reason(), 0);
                    }
                    if (seals.put(instance, ((ArcSeal.Valid) ps).seal()) != null) {
                        return new Invalid("duplicate " + ArcSeal.HEADER + " i=" + instance, 0);
                    }
                }
            }
            HeaderField[] slot = byInstance.computeIfAbsent(instance, k -> new HeaderField[3]);
            if (kind == 0) {
                if (slot[0] != null) {
                    return new Invalid("duplicate " + AAR + " i=" + instance, 0);
                }
                slot[0] = f;
            }
        }
        if (!any) {
            return new None();
        }
        int n = byInstance.lastKey();
        List<ArcSet> sets = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            HeaderField[] slot = byInstance.get(i);
            if (slot == null || slot[0] == null || !amss.containsKey(i) || !seals.containsKey(i)) {
                return new Invalid("ARC set i=" + i + " is incomplete (needs " + AAR + ", " + AMS + " and ARC-Seal)", n);
            }
            sets.add(new ArcSet(i, slot[0], aarTexts.get(i), amss.get(i), seals.get(i)));
        }
        return new Chain(sets);
    }

    static String unfold(String s) {
        return s.replace("\r\n", "").replace("\n", "");
    }
}
