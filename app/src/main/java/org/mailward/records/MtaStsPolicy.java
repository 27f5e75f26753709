package org.mailward.records;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy file (RFC 8461 3.2): {@code key: value} lines, {@code version: STSv1}, {@code mode},
 * {@code max_age}, any number of {@code mx}. Parsing never throws; problems go to {@link #errors()} (the policy is
 * invalid) or {@link #warnings()} (unknown keys, LF-only line ends, trailing white space, BOM).
 */
public record MtaStsPolicy(Optional<String> mode, OptionalLong maxAge, List<String> mx, List<String> errors, List<String> warnings) {

    /** RFC 8461 3.2: max_age is at most 31557600 seconds. */
    public static final long MAX_AGE_LIMIT = 31_557_600L;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

    public MtaStsPolicy {
        mx = List.copyOf(mx);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    public static MtaStsPolicy parse(String body) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String text = body;
        if (text.startsWith("\uFEFF")) {
            warnings.add("byte order mark at the start of the file");
            text = text.substring(1);
        }
        boolean crlf = text.contains("\r\n");
        boolean lfOnly = text.replace("\r\n", "").contains("\n");
        if (lfOnly && !crlf) {
            warnings.add("lines end with LF only (RFC 8461 allows it; some senders expect CRLF)");
        }
        String[] lines = text.split("\r?\n", -1);
        Optional<String> version = Optional.empty();
        Optional<String> mode = Optional.empty();
        OptionalLong maxAge = OptionalLong.empty();
        List<String> mx = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int blank = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                if (i != lines.length - 1) {
                    blank++;
                }
                continue;
            }
            if (!line.equals(line.stripTrailing())) {
                warnings.add("line " + (i + 1) + " has trailing white space");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                errors.add("line " + (i + 1) + " is not 'key: value': " + MtaStsRecord.clip(line));
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            if (!KEY.matcher(key).matches()) {
                errors.add("line " + (i + 1) + ": malformed key '" + MtaStsRecord.clip(key) + "'");
                continue;
            }
            if (!key.equals("mx") && !seen.add(key)) {
                errors.add("key '" + key + "' repeated");
                continue;
            }
            switch (key) {
                case "version" -> {
                    version = Optional.of(value);
                    if (!value.equals("STSv1")) {
                        errors.add("version must be STSv1, found '" + MtaStsRecord.clip(value) + "'");
                    }
                }
                case "mode" -> {
                    if (value.equals("enforce") || value.equals("testing") || value.equals("none")) {
                        mode = Optional.of(value);
                    } else {
                        errors.add("mode must be enforce, testing or none, found '" + MtaStsRecord.clip(value) + "'");
                    }
                }
                case "max_age" -> {
                    if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > MAX_AGE_LIMIT) {
                        errors.add("max_age must be an integer from 0 to " + MAX_AGE_LIMIT + ", found '" + MtaStsRecord.clip(value) + "'");
                    } else {
                        maxAge = OptionalLong.of(Long.parseLong(value));
                    }
                }
                case "mx" -> mx.add(value.toLowerCase(Locale.ROOT));
                default -> warnings.add("unknown key '" + key + "' (ignored by senders)");
            }
        }
        if (blank > 0) {
            warnings.add(blank + " blank line(s) inside the policy");
        }
        if (version.isEmpty()) {
            errors.add("version missing");
        }
        if (mode.isEmpty() && errors.stream().noneMatch(e -> e.startsWith("mode"))) {
            errors.add("mode missing");
        }
        if (maxAge.isEmpty() && errors.stream().noneMatch(e -> e.startsWith("max_age"))) {
            errors.add("max_age missing");
        }
        return new MtaStsPolicy(mode, maxAge, mx, errors, warnings);
    }

    /**
     * Why an {@code mx} pattern is invalid (RFC 8461 3.2, 4.1): not a host name, an IP address, or a {@code *} other
     * than the whole leftmost label. Empty when valid.
     */
    public static Optional<String> patternProblem(String pattern) {
        String p = pattern.endsWith(".") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (p.matches("[0-9.]+") || p.contains(":") || p.startsWith("[")) {
            return Optional.of("an IP address, not a host name");
        }
        String rest = p.startsWith("*.") ? p.substring(2) : p;
        if (rest.contains("*")) {
            return Optional.of("'*' is only allowed as the whole leftmost label");
        }
        if (!rest.matches("(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)+") || rest.length() > 253) {
            return Optional.of("not a valid host name");
        }
        return Optional.empty();
    }

    /** RFC 8461 4.1: {@code *.example.com} matches exactly one extra leftmost label; comparison ignores case. */
    public static boolean matches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return p.equals(h);
    }
}
