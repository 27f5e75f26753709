package org.mailward.auth.verify;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.mailward.auth.arc.ArcResult;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.results.AuthenticationResults;
import org.mailward.auth.spf.SpfResult;

/**
 * Everything Mailward concluded about one message: the verdicts of each method with their evidence, and the
 * Authentication-Results header field rendered from them. Immutable.
 *
 * @param envelope              the transaction information the checks used
 * @param spf                   the SPF result, when SPF was evaluated (see {@link Envelope#spfNotEvaluatedBecause()})
 * @param spfNotEvaluated       why SPF was not evaluated ("" when it was)
 * @param dkim                  one result per DKIM-Signature, in header order (top first); empty when unsigned
 * @param arc                   the ARC chain validation (cv none when the message has no ARC sets)
 * @param dmarc                 the DMARC evaluation, fed with the SPF, DKIM and ARC results above
 * @param authenticationResults the Authentication-Results field our authserv-id adds
 * @param headersTruncated      the header section exceeded the reader's limit (DKIM and ARC then fail closed)
 * @param bodyBytes             body size as read
 */
public record MessageAuthentication(Envelope envelope, Optional<SpfResult> spf, String spfNotEvaluated,
                                    List<DkimResult> dkim, ArcResult arc, DmarcResult dmarc,
                                    AuthenticationResults authenticationResults, boolean headersTruncated,
                                    long bodyBytes) {

    public MessageAuthentication {
        Objects.requireNonNull(envelope);
        Objects.requireNonNull(spf);
        Objects.requireNonNull(spfNotEvaluated);
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(arc);
        Objects.requireNonNull(dmarc);
        Objects.requireNonNull(authenticationResults);
    }

    /** The header field, folded with CRLF + TAB, without the final CRLF (ready to prepend to the message). */
    public String authenticationResultsField() {
        return authenticationResults.headerField();
    }

    /** DKIM signatures that passed. */
    public List<DkimResult> passingDkim() {
        return dkim.stream().filter(DkimResult::passed).toList();
    }
}
