package org.mailward.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MTA-STS TXT record at {@code _mta-sts.<domain>} (RFC 8461 3.1):
 * {@code v=STSv1; id=<1-32 alnum>[; ext=value]...}. Parsing never throws: a malformed record yields
 * {@link #errors()}.
 *
 * @param id     the policy id, when valid
 * @param fields every field in order (including v)
 * @param errors why the record is invalid; empty when valid
 */
public record MtaStsRecord(Optional<String> id, Map<String, String> fields, List<String> errors) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

    public MtaStsRecord {
        fields = Map.copyOf(fields);
        errors = List.copyOf(errors);
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    /** RFC 8461 3.1: a TXT record is an MTA-STS record when it begins with {@code v=STSv1}. */
    public static boolean isCandidate(String text) {
        return text.startsWith("v=STSv1");
    }

    public static MtaStsRecord parse(String text) {
        List<String> errors = new ArrayList<>();
        // RFC 8461 3.1: sts-sep = *WSP %x3B *WSP; a trailing separator is allowed.
        Map<String, String> fields = VersionedFields.parse(text, "v=STSv1", errors, (name, value, field) -> {
            if (name.equals("id")) {
                if (!ID.matcher(value).matches()) {
                    errors.add("id must be 1 to 32 letters or digits, found '" + clip(value) + "'");
                }
            } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                errors.add("malformed extension field '" + clip(field) + "'");
            }
        });
        if (!fields.containsKey("id")) {
            errors.add("id field missing");
        }
        Optional<String> id = Optional.ofNullable(fields.get("id")).filter(v -> ID.matcher(v).matches());
        return new MtaStsRecord(id, fields, errors);
    }

    static String clip(String s) {
        return VersionedFields.clip(s);
    }
}
