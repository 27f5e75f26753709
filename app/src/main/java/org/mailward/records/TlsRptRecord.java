package org.mailward.records;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The TLS-RPT TXT record at {@code _smtp._tls.<domain>} (RFC 8460 3):
 * {@code v=TLSRPTv1; rua=mailto:...,https://...}. Parsing never throws; problems go to {@link #errors()}
 * (record syntax) and {@link #uriErrors()} (a {@code rua} URI that is neither a valid {@code mailto:} nor
 * {@code https:}).
 *
 * @param rua       the rua URIs as written
 * @param errors    record syntax errors
 * @param uriErrors invalid rua URIs, one message each
 */
public record TlsRptRecord(List<String> rua, Map<String, String> fields, List<String> errors, List<String> uriErrors) {

    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");
    private static final Pattern MAILBOX = Pattern.compile("[^@\\s,;]+@[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+");

    public TlsRptRecord {
        rua = List.copyOf(rua);
        fields = Map.copyOf(fields);
        errors = List.copyOf(errors);
        uriErrors = List.copyOf(uriErrors);
    }

    public static boolean isCandidate(String text) {
        return text.startsWith("v=TLSRPTv1");
    }

    public static TlsRptRecord parse(String text) {
        List<String> errors = new ArrayList<>();
        List<String> uriErrors = new ArrayList<>();
        List<String> rua = new ArrayList<>();
        Map<String, String> fields = VersionedFields.parse(text, "v=TLSRPTv1", errors, (name, value, field) -> {
            if (name.equals("rua")) {
                for (String u : value.split(",", -1)) {
                    String uri = u.strip();
                    rua.add(uri);
                    uriProblem(uri).ifPresent(uriErrors::add);
                }
            } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                errors.add("malformed field '" + MtaStsRecord.clip(field) + "'");
            }
        });
        if (!fields.containsKey("rua")) {
            errors.add("rua field missing");
        }
        return new TlsRptRecord(rua, fields, errors, uriErrors);
    }

    /** Why a rua URI is unusable (RFC 8460 3: mailto: or https:), empty when fine. */
    static java.util.Optional<String> uriProblem(String uri) {
        if (uri.isEmpty()) {
            return java.util.Optional.of("empty URI");
        }
        String lower = uri.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("mailto:")) {
            String addr = uri.substring(7);
            int q = addr.indexOf('?');
            if (q >= 0) {
                addr = addr.substring(0, q);
            }
            if (!MAILBOX.matcher(addr).matches()) {
                return java.util.Optional.of("'" + MtaStsRecord.clip(uri) + "' is not a valid mailto: address");
            }
            return java.util.Optional.empty();
        }
        if (lower.startsWith("https:")) {
            try {
                URI u = new URI(uri);
                if (u.getHost() == null || u.getHost().isEmpty()) {
                    return java.util.Optional.of("'" + MtaStsRecord.clip(uri) + "' has no host");
                }
                return java.util.Optional.empty();
            } catch (URISyntaxException e) {
                return java.util.Optional.of("'" + MtaStsRecord.clip(uri) + "' is not a valid https: URI");
            }
        }
        return java.util.Optional.of("'" + MtaStsRecord.clip(uri) + "' is neither mailto: nor https:");
    }

    /** The domain of a mailto: URI or the host of an https: URI, lower case; empty when not parseable. */
    public static java.util.Optional<String> destinationHost(String uri) {
        String lower = uri.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("mailto:")) {
            String addr = lower.substring(7);
            int q = addr.indexOf('?');
            if (q >= 0) {
                addr = addr.substring(0, q);
            }
            int at = addr.lastIndexOf('@');
            return at > 0 && at < addr.length() - 1 ? java.util.Optional.of(addr.substring(at + 1)) : java.util.Optional.empty();
        }
        if (lower.startsWith("https:")) {
            try {
                return java.util.Optional.ofNullable(new URI(uri).getHost()).map(h -> h.toLowerCase(java.util.Locale.ROOT));
            } catch (URISyntaxException e) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.empty();
    }
}
