package org.mailward.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The field syntax MTA-STS (RFC 8461 3.1) and TLS-RPT (RFC 8460 3) TXT records share:
 * {@code v=VERSION; name=value; ...}, white space around separators, a trailing separator allowed. Collects the
 * syntax errors both records have in common; what a field means is left to the record's own parser.
 */
final class VersionedFields {

    /** Judges one field after the version field (never {@code v}); adds to {@code errors} what is wrong with it. */
    @FunctionalInterface
    interface FieldCheck {
        void check(String name, String value, String field);
    }

    private VersionedFields() {
    }

    /**
     * @param text    the record text
     * @param version the exact first field, e.g. {@code v=STSv1}
     * @param errors  receives every syntax error
     * @param check   called for each well-formed field after the first, except a repeated {@code v}
     * @return the fields by name, first occurrence kept, in record order (the version field included)
     */
    static Map<String, String> parse(String text, String version, List<String> errors, FieldCheck check) {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] parts = text.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].replaceAll("^[ \\t]+|[ \\t]+$", "");
            if (p.isEmpty()) {
                if (i == parts.length - 1 && i > 0) {
                    continue;
                }
                errors.add("empty field at position " + (i + 1));
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                errors.add("malformed field '" + clip(p) + "' (expected name=value)");
                continue;
            }
            String name = p.substring(0, eq);
            String value = p.substring(eq + 1);
            if (i == 0) {
                if (!p.equals(version)) {
                    errors.add("the record must begin with " + version);
                }
            } else if (name.equals("v")) {
                errors.add("v= may only be the first field");
            } else {
                check.check(name, value, p);
            }
            if (fields.containsKey(name)) {
                errors.add("duplicate field " + name);
            } else {
                fields.put(name, value);
            }
        }
        return fields;
    }

    static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
