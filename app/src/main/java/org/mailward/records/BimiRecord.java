package org.mailward.records;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The BIMI assertion record at {@code <selector>._bimi.<domain>} (draft-brand-indicators-for-message-identification,
 * "Assertion Record Definition"): {@code v=BIMI1; l=<https URI of the SVG logo>; a=<https URI of the mark
 * certificate>}. Tags are {@code name=value} pairs separated by {@code ;}; {@code v} must come first with the value
 * {@code BIMI1}; {@code l} and {@code a} may be empty (an empty {@code l} and {@code a} is a declination to publish).
 * {@code avp} (avatar preference, {@code brand}/{@code personal}) is accepted as known: later draft revisions add it
 * ({@code [?]} which revision receivers follow). Parsing never throws; problems go to {@link #errors()}.
 *
 * @param tags   the tags as written (names lower-cased), first occurrence of each
 * @param errors syntax errors, one message each (empty when the record is usable)
 */
public record BimiRecord(Map<String, String> tags, List<String> errors) {

    /** Longest record text parsed (a TXT RRset of this size is already hostile). */
    public static final int MAX_LENGTH = 4096;
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final List<String> KNOWN = List.of("v", "l", "a", "avp");

    public BimiRecord {
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        errors = List.copyOf(errors);
    }

    /**
     * A TXT string that claims to be a BIMI record: it starts with {@code v=BIMI} in any case, with optional white
     * space (so {@code v=bimi1} is a candidate with an error, while another record met at the name, e.g. through a
     * wildcard, is not).
     */
    public static boolean isCandidate(String text) {
        String t = text.strip().replaceFirst("^([vV])\\s*=\\s*", "v=");
        return t.regionMatches(true, 0, "v=bimi", 0, 6);
    }

    public static BimiRecord parse(String text) {
        List<String> errors = new ArrayList<>();
        Map<String, String> tags = new LinkedHashMap<>();
        if (text.length() > MAX_LENGTH) {
            return new BimiRecord(tags, List.of("record longer than " + MAX_LENGTH + " characters"));
        }
        String[] parts = text.split(";", -1);
        int index = 0;
        for (String raw : parts) {
            String part = raw.strip();
            if (part.isEmpty()) {
                if (index == 0) {
                    errors.add("the record must start with v=BIMI1 (found nothing before the first ';')");
                }
                index++; // an empty part between or after tags is tolerated (trailing ';')
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                errors.add("'" + MtaStsRecord.clip(part) + "' is not a tag=value pair");
                index++;
                continue;
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (!TAG_NAME.matcher(name).matches()) {
                errors.add("bad tag name '" + MtaStsRecord.clip(name) + "'");
                index++;
                continue;
            }
            String key = name.toLowerCase(Locale.ROOT);
            if (index == 0 && !(key.equals("v") && name.equals("v") && value.equals("BIMI1"))) {
                errors.add("the record must start with v=BIMI1 (found '" + MtaStsRecord.clip(part) + "')");
            } else if (index > 0 && key.equals("v")) {
                errors.add("v= is only allowed as the first tag");
            }
            if (tags.containsKey(key)) {
                errors.add("duplicate tag " + key + "=");
            } else {
                tags.put(key, value);
            }
            if (!KNOWN.contains(key)) {
                errors.add("unknown tag " + key + "=");
            } else if ((key.equals("l") || key.equals("a")) && !value.isEmpty()) {
                uriProblem(value).ifPresent(p -> errors.add(key + "=: " + p));
            } else if (key.equals("avp") && !value.equalsIgnoreCase("brand") && !value.equalsIgnoreCase("personal")) {
                errors.add("avp= must be brand or personal");
            }
            index++;
        }
        if (!tags.containsKey("v")) {
            errors.add("v=BIMI1 missing");
        }
        return new BimiRecord(tags, errors);
    }

    /** The logo location ({@code l=}), when present and non-empty. */
    public Optional<URI> location() {
        return uri("l");
    }

    /** The mark certificate (evidence document) location ({@code a=}), when present and non-empty. */
    public Optional<URI> authority() {
        return uri("a");
    }

    /** Empty {@code l=} (and no {@code a=}): the domain declines to publish a logo. */
    public boolean declined() {
        return location().isEmpty() && authority().isEmpty();
    }

    private Optional<URI> uri(String tag) {
        String v = tags.getOrDefault(tag, "");
        if (v.isEmpty() || uriProblem(v).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(URI.create(v));
    }

    /** Why an {@code l=}/{@code a=} value is unusable: it must be one absolute {@code https:} URI with a host. */
    static Optional<String> uriProblem(String value) {
        if (value.contains(",")) {
            return Optional.of("a single URI is expected, found a list");
        }
        try {
            URI u = new URI(value);
            if (u.getScheme() == null || !u.getScheme().equalsIgnoreCase("https")) {
                return Optional.of("'" + MtaStsRecord.clip(value) + "' is not an https: URI");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                return Optional.of("'" + MtaStsRecord.clip(value) + "' has no host");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("'" + MtaStsRecord.clip(value) + "' is not a URI: " + e.getReason());
        }
    }
}
