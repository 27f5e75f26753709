package org.mailward.auth.dmarc;

import java.util.StringJoiner;
import org.mailward.auth.results.ResultInfo;

/**
 * {@link DmarcResult} → the {@code dmarc} resinfo of an Authentication-Results field (RFC 7489 11.2 registers
 * ptype {@code header.from}; DMARCbis registers {@code polrec.p} and {@code polrec.domain}).
 *
 * <p>Example: {@code dmarc=fail (p=reject sp=none dis=quarantine) reason="sampled_out: pct=50"
 * header.from=example.com polrec.p=reject}.
 */
public final class DmarcAuthResults {

    private DmarcAuthResults() {
    }

    public static ResultInfo resultInfo(DmarcResult r) {
        ResultInfo info = ResultInfo.of("dmarc", r.verdict().keyword());
        StringJoiner comment = new StringJoiner(" ");
        r.policyPublished().ifPresent(pp -> {
            comment.add("p=" + pp.record().policy().keyword());
            pp.record().subdomainPolicy().ifPresent(sp -> comment.add("sp=" + sp.keyword()));
            pp.record().nonexistentPolicy().ifPresent(np -> comment.add("np=" + np.keyword()));
        });
        if (r.policyPublished().isPresent()) {
            comment.add("dis=" + r.disposition().keyword());
            info = info.withComment(comment.toString());
        }
        if (!r.reasons().isEmpty()) {
            StringJoiner reasons = new StringJoiner("; ");
            for (DmarcResult.Reason reason : r.reasons()) {
                reasons.add(reason.comment().isEmpty() ? reason.type().keyword() : reason.type().keyword() + ": " + reason.comment());
            }
            info = info.withReason(reasons.toString());
        } else if (r.verdict() == DmarcVerdict.PERMERROR || r.verdict() == DmarcVerdict.TEMPERROR) {
            info = info.withReason(r.detail());
        }
        if (!r.headerFrom().isEmpty()) {
            info = info.withProperty("header", "from", r.headerFrom());
        }
        if (r.policyPublished().isPresent()) {
            DmarcResult.PolicyPublished pp = r.policyPublished().get();
            info = info.withProperty("polrec", "p", pp.record().policy().keyword());
            if (!pp.domain().equals(r.headerFrom())) {
                info = info.withProperty("polrec", "domain", pp.domain());
            }
        }
        return info;
    }
}
