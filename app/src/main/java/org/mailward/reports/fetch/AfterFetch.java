package org.mailward.reports.fetch;

import java.util.Locale;
import org.mailward.reports.ParseOutcome;

/**
 * What happens to a report mail once its raw bytes are stored: flag it {@code \Seen} (the default), move it to
 * another folder, or delete it (flag {@code \Deleted}, then expunge). Never done before the store succeeded.
 */
public sealed interface AfterFetch {

    record Seen() implements AfterFetch {
    }

    record Move(String folder) implements AfterFetch {
    }

    record Delete() implements AfterFetch {
    }

    /** {@code seen}, {@code move:FOLDER} or {@code delete} (keywords case-insensitive; the folder as given). */
    static ParseOutcome<AfterFetch> parse(String text) {
        if (text == null || text.isBlank()) {
            return ParseOutcome.rejected("empty --after (seen, move:FOLDER or delete)");
        }
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("seen")) {
            return ParseOutcome.ok(new Seen());
        }
        if (lower.equals("delete")) {
            return ParseOutcome.ok(new Delete());
        }
        if (lower.startsWith("move:")) {
            String folder = t.substring(5);
            if (folder.isEmpty() || folder.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return ParseOutcome.rejected("move: needs a folder name without control characters (e.g. move:Reports/Done)");
            }
            return ParseOutcome.ok(new Move(folder));
        }
        return ParseOutcome.rejected("unknown --after action '" + text + "' (seen, move:FOLDER or delete)");
    }

    /** The word for outcome lines: seen, moved, deleted. */
    default String done() {
        return switch (this) {
            case Seen s -> "seen";
            case Move m -> "moved";
            case Delete d -> "deleted";
        };
    }
}
