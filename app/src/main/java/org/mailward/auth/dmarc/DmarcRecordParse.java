package org.mailward.auth.dmarc;

import java.util.List;
import java.util.Objects;

/** The outcome of parsing one TXT string as a DMARC record. */
public sealed interface DmarcRecordParse {

    /**
     * A usable record. {@code warnings} name every tag that was ignored or defaulted and why (unknown tags are
     * ignored silently, as RFC 7489 6.3 says, but are still listed so a checker can show them).
     */
    record Valid(DmarcRecord record, List<String> warnings) implements DmarcRecordParse {
        public Valid {
            Objects.requireNonNull(record);
            warnings = List.copyOf(warnings);
        }
    }

    /** The text does not start with {@code v=DMARC1}: not a DMARC record at all, discarded (RFC 7489 6.6.3). */
    record NotDmarc(String reason) implements DmarcRecordParse {
        public NotDmarc {
            Objects.requireNonNull(reason);
        }
    }

    /**
     * A DMARC record that cannot be used: e.g. no valid {@code p} and no valid {@code rua} (RFC 7489 6.6.3), or a
     * duplicated tag (RFC 6376 3.2 tag-list rules, which RFC 7489 6.3 adopts).
     *
     * @param error    what is wrong, naming the tag
     * @param position character offset in the record where the problem starts
     */
    record Invalid(String error, int position) implements DmarcRecordParse {
        public Invalid {
            Objects.requireNonNull(error);
        }
    }
}
