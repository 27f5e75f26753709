package org.mailward.auth.dkim;

import java.util.List;
import org.mailward.auth.message.HeaderField;

/**
 * Builds the data a DKIM (or ARC) signature covers: the h= fields, each picked from the bottom up (RFC 6376 5.4.2:
 * several instances of a name are signed from the last upwards; a name listed more often than it occurs contributes
 * nothing for the extra entries, which is what "oversigning" relies on), canonicalised, followed by the signature
 * field itself with b= emptied and without its final CRLF (3.7).
 */
public final class HeaderHashInput {

    private HeaderHashInput() {
    }

    /**
     * @param fields       the message's header fields, top first
     * @param signedNames  h=
     * @param canon        header canonicalisation
     * @param signature    the signature field (b= is emptied here)
     * @param exclude      a field never to select (the signature field itself, so it cannot sign itself)
     */
    public static byte[] build(List<HeaderField> fields, List<String> signedNames, Canonicalization canon,
                               HeaderField signature, HeaderField exclude) {
        CanonicalBuffer out = new CanonicalBuffer(2048);
        int n = fields.size();
        // the k-th h= entry for a name takes the k-th instance from the bottom: the lowest one not taken yet
        boolean[] taken = new boolean[n];
        for (String name : signedNames) {
            for (int i = n - 1; i >= 0; i--) {
                HeaderField f = fields.get(i);
                if (!taken[i] && f != exclude && f.is(name)) {
                    taken[i] = true;
                    canon.header(f, out);
                    break;
                }
            }
        }
        int sigStart = out.size();
        canon.header(DkimSignature.withoutB(signature), out);
        out.dropFinalCrlf(sigStart);
        return out.toByteArray();
    }
}
