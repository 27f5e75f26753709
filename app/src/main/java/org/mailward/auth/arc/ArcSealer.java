package org.mailward.auth.arc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.mailward.auth.dkim.BodyHasher;
import org.mailward.auth.dkim.Canonicalization;
import org.mailward.auth.dkim.DkimAlgorithm;
import org.mailward.auth.dkim.DkimCrypto;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.auth.dkim.DomainNames;
import org.mailward.auth.dkim.HeaderHashInput;
import org.mailward.auth.dkim.TagList;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;

/**
 * Adds an ARC set (RFC 8617 5.1) to a message: ARC-Authentication-Results (the caller's authserv-id and results,
 * kept as text), ARC-Message-Signature (DKIM-style over the chosen header fields and the body) and ARC-Seal (over
 * every ARC set, 5.1.1). Tags are written in alphabetical order, folded at 78 columns. Immutable; build with
 * {@link #builder}.
 *
 * <p>The chain status to seal with is the caller's (usually {@link ArcVerifier} on the incoming message). A message
 * whose newest seal already says cv=fail gets no new set, nor does one with 50 sets already (RFC 8617 4.2.1).
 */
public final class ArcSealer {

    /** Fields signed by the AMS by default: DKIM's list (each as often as present) plus DKIM-Signature. */
    public static final List<String> DEFAULT_HEADERS;

    static {
        List<String> h = new ArrayList<>(DkimSigner.DEFAULT_HEADERS);
        h.add("DKIM-Signature");
        DEFAULT_HEADERS = List.copyOf(h);
    }

    private final String domain;
    private final String selector;
    private final PrivateKey key;
    private final Clock clock;
    private final DkimAlgorithm algorithm;
    private final Optional<List<String>> signedHeaders;
    private final Canonicalization headerCanon;
    private final Canonicalization bodyCanon;
    private final boolean folded;

    private ArcSealer(Builder b) {
        this.domain = b.domain;
        this.selector = b.selector;
        this.key = b.key;
        this.clock = b.clock;
        this.algorithm = DkimKeys.algorithmFor(b.key);
        this.signedHeaders = b.headers;
        this.headerCanon = b.headerCanon;
        this.bodyCanon = b.bodyCanon;
        this.folded = b.folded;
        if (!DomainNames.isValid(domain) || !DomainNames.isValidSelector(selector)) {
            throw new IllegalArgumentException("invalid domain or selector: " + domain + " / " + selector);
        }
    }

    public static Builder builder(String domain, String selector, PrivateKey key, Clock clock) {
        return new Builder(domain, selector, key, clock);
    }

    /** Builder; defaults: relaxed/relaxed, {@link #DEFAULT_HEADERS} each as often as present. */
    public static final class Builder {
        private final String domain;
        private final String selector;
        private final PrivateKey key;
        private final Clock clock;
        private Optional<List<String>> headers = Optional.empty();
        private Canonicalization headerCanon = Canonicalization.RELAXED;
        private Canonicalization bodyCanon = Canonicalization.RELAXED;
        private boolean folded = true;

        private Builder(String domain, String selector, PrivateKey key, Clock clock) {
            this.domain = Objects.requireNonNull(domain).toLowerCase(Locale.ROOT);
            this.selector = Objects.requireNonNull(selector).toLowerCase(Locale.ROOT);
            this.key = Objects.requireNonNull(key);
            this.clock = Objects.requireNonNull(clock);
        }

        /** The exact AMS h= list (names written as given, each once, in this order). ARC-Seal is refused. */
        public Builder headers(List<String> names) {
            if (names.stream().anyMatch(n -> n.equalsIgnoreCase(ArcSeal.HEADER))) {
                throw new IllegalArgumentException("the AMS must not sign ARC-Seal (RFC 8617 4.1.2)");
            }
            this.headers = Optional.of(List.copyOf(names));
            return this;
        }

        public Builder canonicalization(Canonicalization header, Canonicalization body) {
            this.headerCanon = Objects.requireNonNull(header);
            this.bodyCanon = Objects.requireNonNull(body);
            return this;
        }

        /**
         * Whether to fold the AMS and AS over several lines (default) or write each on one line with exactly one space
         * after each ";" (the ARC test suite's "standardised format"). Both are valid; they give different ARC-Seal
         * signatures because the seal covers the AMS with its b= value, and relaxed canonicalisation keeps the folding
         * white space inside b= as a space.
         */
        public Builder folded(boolean on) {
            this.folded = on;
            return this;
        }

        public ArcSealer build() {
            return new ArcSealer(this);
        }
    }

    /** The outcome of sealing. */
    public sealed interface Outcome permits Sealed, NotSealed {
    }

    /**
     * A new ARC set, header field texts with CRLF; {@link #fields()} lists them in the order to prepend (seal on top).
     */
    public record Sealed(int instance, ArcStatus cv, String seal, String messageSignature, String authenticationResults) implements Outcome {
        public List<String> fields() {
            return List.of(seal, messageSignature, authenticationResults);
        }

        /** The message with the set prepended (LF line ends when the message used LF only). */
        public byte[] applyTo(byte[] message, boolean lfOnly) {
            String head = String.join("", fields());
            if (lfOnly) {
                head = head.replace("\r\n", "\n");
            }
            byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = new byte[h.length + message.length];
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(message, 0, out, h.length, message.length);
            return out;
        }
    }

    public record NotSealed(String reason) implements Outcome {
    }

    /**
     * Seals a message.
     *
     * @param message     the message as received (with any existing ARC sets)
     * @param authservId  this ADMD's authserv-id (RFC 8601 2.5)
     * @param results     the results text for the AAR after the authserv-id ("spf=pass smtp.mfrom=...; dkim=pass ..."),
     *                    possibly empty
     * @param chainStatus the validation status of the incoming chain (none when it has no ARC sets)
     */
    public Outcome seal(byte[] message, String authservId, String results, ArcStatus chainStatus) {
        BodyHasher body = new BodyHasher(bodyCanon, algorithm.digestName(), Long.MAX_VALUE);
        MessageHeaders headers;
        try {
            headers = new MessageReader().read(new ByteArrayInputStream(message), h -> List.of(body)).headers();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (headers.truncated()) {
            return new NotSealed("header section too large");
        }
        ArcChain.Parsed chain = ArcChain.collect(headers);
        List<HeaderField[]> existing = new ArrayList<>();
        int n;
        if (chain instanceof ArcChain.Chain c) {
            n = c.sets().size();
            if (c.sets().get(n - 1).seal().cv() == ArcStatus.FAIL) {
                return new NotSealed("the newest ARC-Seal (i=" + n + ") already has cv=fail: no further ARC sets are added");
            }
            for (ArcChain.ArcSet s : c.sets()) {
                existing.add(new HeaderField[] {s.aar(), s.ams().field(), s.seal().field()});
            }
        } else if (chain instanceof ArcChain.Invalid) {
            n = highestInstance(headers);
            chainStatus = ArcStatus.FAIL;
        } else {
            n = 0;
        }
        int i = n + 1;
        if (i > ArcChain.MAX_INSTANCES) {
            return new NotSealed("the chain already has " + n + " ARC sets (RFC 8617 4.2.1: at most 50)");
        }
        ArcStatus cv = n == 0 ? ArcStatus.NONE : chainStatus == ArcStatus.NONE ? ArcStatus.FAIL : chainStatus;
        long now = clock.instant().getEpochSecond();

        String aarLine = "ARC-Authentication-Results: i=" + i + "; " + authservId + (results.isBlank() ? "" : "; " + results.strip());
        String aarText = (folded ? foldAtSemicolons(aarLine) : aarLine) + "\r\n";
        HeaderField aar = HeaderField.of(aarText);

        List<HeaderField> fields = new ArrayList<>();
        fields.add(aar);
        fields.addAll(headers.fields());
        List<String> h = signedHeaders.orElseGet(() -> defaultHeaders(headers));

        // ARC-Message-Signature (RFC 8617 4.1.2): tags in alphabetical order, b= second
        String nl = folded ? "\r\n\t" : " ";
        String amsHead = ArcChain.AMS + ": a=" + algorithm.token() + ";" + nl + "b=";
        String hList;
        if (folded) {
            StringBuilder hl = new StringBuilder();
            new DkimSigner.Folder(1).addList(hl, "h=", h.isEmpty() ? List.of("") : h, ":");
            hList = hl.toString().stripLeading();
        } else {
            hList = "h=" + String.join(":", h) + ";";
        }
        String amsTail = ";" + nl + "bh=" + Base64.getEncoder().encodeToString(body.hash()) + ";" + nl + "c=" + headerCanon.token() + "/"
                + bodyCanon.token() + "; d=" + domain + ";" + nl + hList + nl + "i=" + i + "; s=" + selector + "; t=" + now;
        HeaderField amsUnsigned = HeaderField.of(amsHead + amsTail + "\r\n");
        byte[] amsData = HeaderHashInput.build(fields, h, headerCanon, amsUnsigned, amsUnsigned);
        String amsSigned = amsHead + fold(sign(amsData)) + amsTail + "\r\n";

        // ARC-Seal (4.1.3), over every ARC set including this one (5.1.1), relaxed; a cv=fail seal covers only its
        // own set (5.1.1: the chain before it is broken and not vouched for)
        if (cv == ArcStatus.FAIL) {
            existing.clear();
        }
        String asHead = ArcSeal.HEADER + ": a=" + algorithm.token() + ";" + nl + "b=";
        String asTail = ";" + nl + "cv=" + cv.token() + "; d=" + domain + "; i=" + i + "; s=" + selector + "; t=" + now;
        List<HeaderField[]> sets = new ArrayList<>(existing);
        sets.add(new HeaderField[] {aar, HeaderField.of(amsSigned), HeaderField.of(asHead + asTail + "\r\n")});
        byte[] sealData = ArcVerifier.sealInput(sets);
        String asSigned = asHead + fold(sign(sealData)) + asTail + "\r\n";
        return new Sealed(i, cv, asSigned, amsSigned, aarText);
    }

    private byte[] signRaw(byte[] data) {
        try {
            return DkimCrypto.sign(algorithm, key, data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }

    private String sign(byte[] data) {
        return Base64.getEncoder().encodeToString(signRaw(data));
    }

    /** Base64 folded with FWS so lines stay within 78 columns (the value starts at column 3, after TAB "b="). */
    private String fold(String b64) {
        if (!folded) {
            return b64;
        }
        StringBuilder sb = new StringBuilder();
        new DkimSigner.Folder(3).addBase64(sb, b64);
        return sb.toString();
    }

    /**
     * Folds "name: a; b; c" after "; " separators that are outside quoted strings and comments (RFC 8601 allows CFWS
     * there), keeping lines within 78 columns where the pieces allow.
     */
    static String foldAtSemicolons(String line) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        int lastBreak = -1;
        boolean quoted = false;
        int depth = 0;
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (c == '\\' && (quoted || depth > 0)) {
                k++;
                continue;
            }
            if (c == '"' && depth == 0) {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (!quoted && depth == 0 && c == ';' && k + 1 < line.length() && line.charAt(k + 1) == ' ') {
                int width = out.length() == 0 ? k + 1 - lineStart : k + 1 - lineStart + 1;
                if (width > 78 && lastBreak > lineStart) {
                    out.append(out.length() == 0 ? "" : "\r\n\t").append(line, lineStart, lastBreak + 1);
                    lineStart = lastBreak + 2;
                }
                lastBreak = k;
            }
        }
        int width = line.length() - lineStart + (out.length() == 0 ? 0 : 1);
        if (width > 78 && lastBreak >= lineStart) {
            out.append(out.length() == 0 ? "" : "\r\n\t").append(line, lineStart, lastBreak + 1);
            lineStart = lastBreak + 2;
        }
        out.append(out.length() == 0 ? "" : "\r\n\t").append(line.substring(lineStart));
        return out.toString();
    }

    private static List<String> defaultHeaders(MessageHeaders headers) {
        List<String> h = new ArrayList<>();
        for (String name : DEFAULT_HEADERS) {
            int count = headers.all(name).size();
            for (int k = 0; k < count; k++) {
                h.add(name);
            }
        }
        if (h.stream().noneMatch(x -> x.equalsIgnoreCase("From"))) {
            h.add(0, "From");
        }
        return h;
    }

    /** The highest i= among ARC header fields whose instance can be read (for sealing a structurally broken chain). */
    static int highestInstance(MessageHeaders headers) {
        int max = 0;
        for (HeaderField f : headers.fields()) {
            if (f.is(ArcSeal.HEADER) || f.is(ArcChain.AMS)) {
                if (TagList.parse(f.rawValue()) instanceof TagList.Ok ok) {
                    max = Math.max(max, ok.list().get("i").map(ArcChain::instance).orElse(0));
                }
            } else if (f.is(ArcChain.AAR)) {
                var m = java.util.regex.Pattern.compile("^\\s*i\\s*=\\s*([0-9]{1,3})").matcher(f.rawValue());
                if (m.find()) {
                    max = Math.max(max, ArcChain.instance(m.group(1)));
                }
            }
        }
        return Math.min(max, ArcChain.MAX_INSTANCES);
    }
}
