package org.mailward.auth.dmarc;

import java.util.List;
import java.util.Objects;

/** The outcome of parsing one TXT string as a DMARC record. */
public sealed interface DmarcRecordParse {

    /** What kind of problem an {@link Issue} is (for tools that explain records, e.g. the domain checker). */
    enum IssueKind {
        /** A tag-spec without {@code =} (e.g. {@code rua:mailto:...}): ignored. */
        NOT_TAG_VALUE,
        /** A tag name that is not {@code ALPHA *(ALPHA / DIGIT / "_")} (RFC 6376 3.2): ignored. */
        BAD_TAG_NAME,
        /** A known tag with an invalid value: the default is used (or p=none, see {@link #MISSING_POLICY}). */
        INVALID_VALUE,
        /** A {@code rua}/{@code ruf} entry that is not a dmarc-uri (RFC 7489 6.4): dropped. */
        INVALID_URI,
        /** A tag that RFC 7489 / DMARCbis do not define: ignored. */
        UNKNOWN_TAG,
        /** No {@code p} tag, but a valid {@code rua}: read as p=none (RFC 7489 6.6.3). */
        MISSING_POLICY
    }

    /**
     * One problem of a usable record, structured.
     *
     * @param kind     what is wrong
     * @param tag      the tag concerned, lower case, or the raw text of a malformed tag-spec
     * @param position character offset in the record
     * @param message  the same text as the matching entry of {@link Valid#warnings()}
     */
    record Issue(IssueKind kind, String tag, int position, String message) {
        public Issue {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(tag);
            Objects.requireNonNull(message);
        }
    }

    /**
     * A usable record. {@code warnings} name every tag that was ignored or defaulted and why (unknown tags are
     * ignored silently, as RFC 7489 6.3 says, but are still listed so a checker can show them); {@code issues} are
     * the same problems, structured; {@code tagNames} are the tag names as they appear, in order, lower case
     * (including unknown ones).
     */
    record Valid(DmarcRecord record, List<String> warnings, List<Issue> issues, List<String> tagNames) implements DmarcRecordParse {
        public Valid {
            Objects.requireNonNull(record);
            warnings = List.copyOf(warnings);
            issues = List.copyOf(issues);
            tagNames = List.copyOf(tagNames);
        }

        public Valid(DmarcRecord record, List<String> warnings) {
            this(record, warnings, List.of(), List.of());
        }
    }

    /** The text does not start with {@code v=DMARC1}: not a DMARC record at all, discarded (RFC 7489 6.6.3). */
    record NotDmarc(String reason) implements DmarcRecordParse {
        public NotDmarc {
            Objects.requireNonNull(reason);
        }
    }

    /** Why a DMARC record cannot be used. */
    enum InvalidKind {
        /** A tag occurs more than once (RFC 6376 3.2). */
        DUPLICATE_TAG,
        /** No {@code p} tag and no valid {@code rua} (RFC 7489 6.6.3). */
        MISSING_POLICY,
        /** An invalid {@code p}/{@code sp}/{@code np} value and no valid {@code rua} (RFC 7489 6.6.3). */
        INVALID_POLICY,
        /** The text is longer than {@link DmarcRecordParser#MAX_LENGTH}. */
        TOO_LONG
    }

    /**
     * A DMARC record that cannot be used: e.g. no valid {@code p} and no valid {@code rua} (RFC 7489 6.6.3), or a
     * duplicated tag (RFC 6376 3.2 tag-list rules, which RFC 7489 6.3 adopts).
     *
     * @param error    what is wrong, naming the tag
     * @param position character offset in the record where the problem starts
     * @param kind     the kind of problem
     * @param tag      the tag concerned (lower case), empty when none
     */
    record Invalid(String error, int position, InvalidKind kind, String tag) implements DmarcRecordParse {
        public Invalid {
            Objects.requireNonNull(error);
            Objects.requireNonNull(kind);
            Objects.requireNonNull(tag);
        }
    }
}
