package org.mailward.reports.generate;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How much of a failed message a failure report may show (RFC 6590, redaction in ARF reports; RFC 9991 4 privacy).
 *
 * <ul>
 *   <li>{@code headersOnly}: the original is attached as {@code text/rfc822-headers} (RFC 6591 3.3 allows either
 *       form); its body never leaves us. Otherwise the whole message goes as {@code message/rfc822}.</li>
 *   <li>{@code localParts}: every local part of an e-mail address in what we show (the original's header fields
 *       except Message-ID/In-Reply-To/References, Original-Mail-From, Original-Rcpt-To, our Authentication-Results,
 *       and the body as transmitted when it is included) is replaced by {@code redacted-} and 12 hex digits of an
 *       HMAC-SHA256 under a key of ours (RFC 6590 3: the same address gives the same token, so reports can still be
 *       correlated, but it cannot be reversed by trying addresses without the key). Addresses inside base64 or
 *       quoted-printable body parts are not decoded and so not redacted: use headers-only with it.</li>
 * </ul>
 */
public record Redaction(boolean headersOnly, boolean localParts, byte[] key) {

    // an addr-spec as it appears in header fields: a dot-atom or quoted-string local part (8-bit allowed,
    // RFC 6532), then @ and a domain or address literal
    private static final Pattern ADDRESS = Pattern.compile(
            "(\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"|[^\\s<>()\\[\\]\\\\,;:@\"]+)@([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[^\\]\\s]+\\])");

    private static final Pattern TAG = Pattern.compile("^[A-Za-z][A-Za-z0-9._-]*=");

    public Redaction {
        key = key.clone();
        if (localParts && key.length < 16) {
            throw new IllegalArgumentException("the redaction key needs at least 16 bytes");
        }
    }

    /** The default: headers only, addresses as they are. */
    public static Redaction headersOnlyDefault() {
        return new Redaction(true, false, new byte[0]);
    }

    /** {@code text} with every address's local part replaced (unchanged unless {@link #localParts}). */
    public String addresses(String text) {
        if (!localParts) {
            return text;
        }
        Matcher m = ADDRESS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            // a tag or property in front of the address (DKIM i=, A-R smtp.mailfrom=, SRS0=) stays; everything
            // from the first '=' on is the local part as far as we can tell, and is replaced
            String local = m.group(1);
            Matcher tag = TAG.matcher(local);
            String keep = "";
            if (!local.startsWith("\"") && tag.find() && tag.end() < local.length()) {
                keep = local.substring(0, tag.end());
                local = local.substring(tag.end());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(keep + token(local) + "@" + m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A header section (CRLF line ends) with {@link #addresses} applied to every field except Message-ID,
     * In-Reply-To and References: message identifiers are how the Domain Owner finds the message, and they name
     * no person.
     */
    public String headerSection(String headers) {
        if (!localParts) {
            return headers;
        }
        StringBuilder out = new StringBuilder(headers.length());
        int start = 0;
        while (start < headers.length()) {
            // one field: up to a CRLF that is not followed by WSP (RFC 5322 2.2.3 folding)
            int end = start;
            while (true) {
                int nl = headers.indexOf("\r\n", end);
                if (nl < 0) {
                    end = headers.length();
                    break;
                }
                end = nl + 2;
                if (end >= headers.length() || (headers.charAt(end) != ' ' && headers.charAt(end) != '\t')) {
                    break;
                }
            }
            String field = headers.substring(start, end);
            String name = field.contains(":") ? field.substring(0, field.indexOf(':')).strip().toLowerCase(Locale.ROOT) : "";
            out.append(IDENTIFIERS.contains(name) ? field : addresses(field));
            start = end;
        }
        return out.toString();
    }

    private static final java.util.Set<String> IDENTIFIERS = java.util.Set.of("message-id", "in-reply-to", "references");

    /** The token that replaces one local part (case-insensitive for the hash, as most mail systems are). */
    public String token(String localPart) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal(localPart.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "redacted-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Redaction r && r.headersOnly == headersOnly && r.localParts == localParts
                && java.util.Arrays.equals(r.key, key);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(headersOnly, localParts, java.util.Arrays.hashCode(key));
    }

    @Override
    public String toString() {
        return "Redaction[headersOnly=" + headersOnly + ", localParts=" + localParts + "]";
    }
}
