package org.mailward.auth.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header section of a message, fields in order (top first).
 *
 * @param fields      the header fields, top first
 * @param truncated   true when the header section was longer than the reader's limit; the fields after the limit
 *                    are missing and nothing relying on them can be trusted
 * @param sectionSize bytes of the header section as read (before line-end normalisation)
 * @param lfOnly      true when the first line of the message ended with a bare LF (Unix storage form)
 */
public record MessageHeaders(List<HeaderField> fields, boolean truncated, long sectionSize, boolean lfOnly) {

    public MessageHeaders {
        fields = List.copyOf(fields);
    }

    public static MessageHeaders of(List<HeaderField> fields) {
        return new MessageHeaders(fields, false, 0, false);
    }

    /** Every field with this name (ASCII case-insensitive), top first. */
    public List<HeaderField> all(String name) {
        List<HeaderField> out = new ArrayList<>();
        for (HeaderField f : fields) {
            if (f.is(name)) {
                out.add(f);
            }
        }
        return out;
    }

    /** The first (topmost) field with this name. */
    public Optional<HeaderField> first(String name) {
        for (HeaderField f : fields) {
            if (f.is(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The header section's bytes as fields, each with CRLF (no blank separator line). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (HeaderField f : fields) {
            sb.append(f.raw());
        }
        return sb.toString();
    }
}
