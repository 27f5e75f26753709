package org.mailward.auth.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        StringBuilder sb = new StringBuilder(1024);
        Map<String, List<HeaderField>> bottomUp = new HashMap<>();
        for (int i = fields.size() - 1; i >= 0; i--) {
            HeaderField f = fields.get(i);
            if (f != exclude && !f.name().isEmpty()) {
                bottomUp.computeIfAbsent(f.trimmedName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f);
            }
        }
        Map<String, Integer> used = new HashMap<>();
        for (String name : signedNames) {
            String key = name.toLowerCase(Locale.ROOT);
            int skip = used.getOrDefault(key, 0);
            used.put(key, skip + 1);
            List<HeaderField> candidates = bottomUp.get(key);
            if (candidates != null && skip < candidates.size()) {
                sb.append(canon.header(candidates.get(skip)));
            }
        }
        String sig = canon.header(DkimSignature.withoutB(signature));
        if (sig.endsWith("\r\n")) {
            sig = sig.substring(0, sig.length() - 2);
        }
        sb.append(sig);
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
