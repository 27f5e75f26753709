package org.mailward.auth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.mailward.auth.message.BodyConsumer;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;

/**
 * Signs messages (RFC 6376 5): rsa-sha256 or ed25519-sha256 (RFC 8463), relaxed/relaxed by default, t= always,
 * x= optional, and the header list {@link #DEFAULT_HEADERS} "oversigned": each name is listed once more than it
 * occurs, so a field of that name added later breaks the signature (RFC 6376 8.15). Immutable; build with
 * {@link #builder}.
 *
 * <p>Several signers sign in one pass over the message with {@link #signatureFields(InputStream, List)}; the
 * returned fields are to be prepended to the message in the order given.
 */
public final class DkimSigner {

    /** The fields signed by default (RFC 6376 5.4.1's recommendations, plus MIME and threading fields). */
    public static final List<String> DEFAULT_HEADERS = List.of("From", "Reply-To", "Subject", "Date", "To", "Cc",
            "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
            "Content-Disposition", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post");

    private final String domain;
    private final String selector;
    private final PrivateKey key;
    private final Clock clock;
    private final DkimAlgorithm algorithm;
    private final Canonicalization headerCanon;
    private final Canonicalization bodyCanon;
    private final List<String> headers;
    private final boolean oversign;
    private final Optional<Duration> expiry;
    private final Optional<String> identity;

    private DkimSigner(Builder b) {
        this.domain = b.domain;
        this.selector = b.selector;
        this.key = b.key;
        this.clock = b.clock;
        this.algorithm = b.algorithm.orElse(DkimKeys.algorithmFor(b.key));
        this.headerCanon = b.headerCanon;
        this.bodyCanon = b.bodyCanon;
        this.headers = List.copyOf(b.headers);
        this.oversign = b.oversign;
        this.expiry = b.expiry;
        this.identity = b.identity;
        if (algorithm == DkimAlgorithm.ED25519_SHA256 != DkimKeys.isEd25519(key)) {
            throw new IllegalArgumentException("key " + key.getAlgorithm() + " cannot sign " + algorithm.token());
        }
        if (algorithm == DkimAlgorithm.RSA_SHA1) {
            throw new IllegalArgumentException("rsa-sha1 must not be used for signing (RFC 8301 3.1)");
        }
        if (!DomainNames.isValid(domain) || !DomainNames.isValidSelector(selector)) {
            throw new IllegalArgumentException("invalid domain or selector: " + domain + " / " + selector);
        }
    }

    public static Builder builder(String domain, String selector, PrivateKey key, Clock clock) {
        return new Builder(domain, selector, key, clock);
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    /** Builder; defaults: algorithm from the key, relaxed/relaxed, {@link #DEFAULT_HEADERS} oversigned, no x=. */
    public static final class Builder {
        private final String domain;
        private final String selector;
        private final PrivateKey key;
        private final Clock clock;
        private Optional<DkimAlgorithm> algorithm = Optional.empty();
        private Canonicalization headerCanon = Canonicalization.RELAXED;
        private Canonicalization bodyCanon = Canonicalization.RELAXED;
        private List<String> headers = DEFAULT_HEADERS;
        private boolean oversign = true;
        private Optional<Duration> expiry = Optional.empty();
        private Optional<String> identity = Optional.empty();

        private Builder(String domain, String selector, PrivateKey key, Clock clock) {
            this.domain = Objects.requireNonNull(domain).toLowerCase(Locale.ROOT);
            this.selector = Objects.requireNonNull(selector).toLowerCase(Locale.ROOT);
            this.key = Objects.requireNonNull(key);
            this.clock = Objects.requireNonNull(clock);
        }

        public Builder algorithm(DkimAlgorithm a) {
            this.algorithm = Optional.of(a);
            return this;
        }

        public Builder canonicalization(Canonicalization header, Canonicalization body) {
            this.headerCanon = Objects.requireNonNull(header);
            this.bodyCanon = Objects.requireNonNull(body);
            return this;
        }

        /** The names to sign; "From" is added first when missing (RFC 6376 5.4: From MUST be signed). */
        public Builder headers(List<String> names) {
            List<String> h = new ArrayList<>(names);
            if (h.stream().noneMatch(n -> n.equalsIgnoreCase("From"))) {
                h.add(0, "From");
            }
            this.headers = h;
            return this;
        }

        public Builder oversign(boolean on) {
            this.oversign = on;
            return this;
        }

        public Builder expiry(Duration validity) {
            this.expiry = Optional.of(validity);
            return this;
        }

        public Builder identity(String auid) {
            this.identity = Optional.of(auid);
            return this;
        }

        public DkimSigner build() {
            return new DkimSigner(this);
        }
    }

    /** Signs an in-memory message and returns it with the signature prepended (LF line ends kept if the input used them). */
    public byte[] sign(byte[] message) {
        return signAll(message, List.of(this));
    }

    /** Signs with every signer in one pass and prepends their fields in order. */
    public static byte[] signAll(byte[] message, List<DkimSigner> signers) {
        boolean[] lf = new boolean[1];
        List<String> fields = signatureFields(message, signers, lf);
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            sb.append(lf[0] ? f.replace("\r\n", "\n") : f);
        }
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + message.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(message, 0, out, head.length, message.length);
        return out;
    }

    /**
     * Reads the message once and returns one DKIM-Signature field per signer (CRLF line ends, final CRLF included),
     * to be prepended to the message in this order.
     */
    public static List<String> signatureFields(InputStream message, List<DkimSigner> signers) throws IOException {
        return signatureFields(message, signers, new boolean[1]);
    }

    private static List<String> signatureFields(InputStream message, List<DkimSigner> signers, boolean[] lfOnly) throws IOException {
        List<BodyHasher> hashers = hashers(signers);
        return fields(new MessageReader().read(message, h -> hashers), signers, hashers, lfOnly);
    }

    private static List<String> signatureFields(byte[] message, List<DkimSigner> signers, boolean[] lfOnly) {
        List<BodyHasher> hashers = hashers(signers);
        return fields(new MessageReader().read(message, h -> hashers), signers, hashers, lfOnly);
    }

    private static List<BodyHasher> hashers(List<DkimSigner> signers) {
        List<BodyHasher> hashers = new ArrayList<>();
        for (DkimSigner s : signers) {
            hashers.add(new BodyHasher(s.bodyCanon, s.algorithm.digestName(), Long.MAX_VALUE));
        }
        return hashers;
    }

    private static List<String> fields(MessageReader.Read read, List<DkimSigner> signers, List<BodyHasher> hashers, boolean[] lfOnly) {
        MessageHeaders headers = read.headers();
        if (headers.truncated()) {
            throw new IllegalArgumentException("header section too large to sign");
        }
        lfOnly[0] = headers.lfOnly();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < signers.size(); i++) {
            out.add(signers.get(i).field(headers, hashers.get(i).hash()));
        }
        return out;
    }

    /** The DKIM-Signature field for these headers and body hash. */
    String field(MessageHeaders headers, byte[] bodyHash) {
        List<String> h = new ArrayList<>();
        for (String name : headers()) {
            int count = headers.all(name).size();
            int times = oversign ? count + 1 : count;
            for (int i = 0; i < times; i++) {
                h.add(name);
            }
        }
        long now = clock.instant().getEpochSecond();
        StringBuilder tags = new StringBuilder();
        Folder f = new Folder("DKIM-Signature:".length());
        f.add(tags, "v=1;");
        f.add(tags, "a=" + algorithm.token() + ";");
        f.add(tags, "c=" + headerCanon.token() + "/" + bodyCanon.token() + ";");
        f.add(tags, "d=" + domain + ";");
        f.add(tags, "s=" + selector + ";");
        identity.ifPresent(i -> f.add(tags, "i=" + i + ";"));
        f.add(tags, "t=" + now + ";");
        expiry.ifPresent(x -> f.add(tags, "x=" + (now + Math.max(1, x.toSeconds())) + ";"));
        f.addList(tags, "h=", h, ":");
        f.add(tags, "bh=" + Base64.getEncoder().encodeToString(bodyHash) + ";");
        f.add(tags, "b=");
        String unsigned = "DKIM-Signature:" + tags + "\r\n";
        HeaderField sigField = HeaderField.of(unsigned);
        byte[] data = HeaderHashInput.build(headers.fields(), h, headerCanon, sigField, sigField);
        byte[] sig;
        try {
            sig = DkimCrypto.sign(algorithm, key, data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
        f.addBase64(tags, Base64.getEncoder().encodeToString(sig));
        return "DKIM-Signature:" + tags + "\r\n";
    }

    private List<String> headers() {
        return headers;
    }

    /** Folds tag=value items at 78 columns (RFC 5322 2.1.1), continuation lines starting with a tab. ARC uses it too. */
    public static final class Folder {
        private static final int WIDTH = 78;
        private int column;

        public Folder(int column) {
            this.column = column;
        }

        public void add(StringBuilder sb, String item) {
            if (column + 1 + item.length() > WIDTH && column > 1) {
                sb.append("\r\n\t");
                column = 1;
            } else {
                sb.append(' ');
                column++;
            }
            sb.append(item);
            column += item.length();
        }

        public void addList(StringBuilder sb, String prefix, List<String> items, String sep) {
            add(sb, prefix + (items.isEmpty() ? "" : items.get(0)) + (items.size() == 1 ? ";" : sep));
            for (int i = 1; i < items.size(); i++) {
                String item = items.get(i) + (i == items.size() - 1 ? ";" : sep);
                if (column + item.length() > WIDTH) {
                    sb.append("\r\n\t ");
                    column = 2;
                }
                sb.append(item);
                column += item.length();
            }
        }

        /** Appends base64 right after "b=", folding with FWS (allowed inside b=, RFC 6376 3.5). */
        public void addBase64(StringBuilder sb, String b64) {
            int p = 0;
            while (p < b64.length()) {
                int room = WIDTH - column;
                if (room < 8) {
                    sb.append("\r\n\t ");
                    column = 2;
                    room = WIDTH - column;
                }
                int n = Math.min(room, b64.length() - p);
                sb.append(b64, p, p + n);
                column += n;
                p += n;
            }
        }
    }
}
