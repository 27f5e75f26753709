package org.mailward.gateway.reflector;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.spf.SpfVerdict;
import org.mailward.gateway.inbound.InboundAuthentication;

/**
 * The abuse rules of the reflector: whether a received message may be answered at all (docs/reflector.md). A reply
 * goes to the envelope sender, an address anyone can write into MAIL FROM, so an unchecked reflector would send its
 * replies to forged addresses (backscatter). The rules, in the order they are tried; the first that refuses decides:
 *
 * <ol>
 * <li>{@code null-sender}: never reply to the null reverse-path (RFC 3834 2, RFC 5321 4.5.5: notifications and
 *     their kin must not be answered).</li>
 * <li>{@code loop}: never reply to a reflector address (ours, or the sender is itself an answering address).</li>
 * <li>{@code auto-submitted}: an Auto-Submitted field with any value but "no" (RFC 3834 5.2, 2).</li>
 * <li>{@code precedence}: Precedence bulk, list or junk (RFC 3834 2: a responder should not answer these).</li>
 * <li>{@code list-mail}: List-Id (RFC 2919) or any List-* field of RFC 2369: mail from a list is not answered.</li>
 * <li>{@code not-authenticated}: the sender must be authenticated <em>for the envelope sender's domain</em>: SPF
 *     passes for the MAIL FROM identity (its domain is then the envelope sender's domain, so the client is a host
 *     that domain authorises), or a DKIM signature passes whose d= is the envelope sender's domain or shares its
 *     Organizational Domain (the relaxed alignment of RFC 7489 3.1.1, with the Public Suffix List). A passing
 *     signature of some other domain proves nothing about the address the reply would go to, so it does not
 *     count: otherwise anyone could sign with their own domain and aim replies at a victim's address. A replayed
 *     signed message of the victim's own domain still passes this rule; the per-sender rate limit bounds that.</li>
 * </ol>
 * The rate limit ({@code rate-limited}, {@link ReplyRateLimiter}) comes after these rules, so refused messages do
 * not use up a sender's allowance.
 */
public final class ReplyRules {

    /** Why a message was not answered (the keyword is what the log shows). */
    public enum Rule {
        NULL_SENDER, LOOP, AUTO_SUBMITTED, PRECEDENCE, LIST_MAIL, NOT_AUTHENTICATED, RATE_LIMITED;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The decision: reply (and on what grounds) or skip (and which rule refused). */
    public sealed interface Decision {
        record Reply(String basis) implements Decision {
        }

        record Skip(Rule rule, String detail) implements Decision {
        }
    }

    /** RFC 2369 3 list header fields, and RFC 2919 List-Id. */
    static final List<String> LIST_FIELDS = List.of("List-Id", "List-Unsubscribe", "List-Help", "List-Subscribe", "List-Post",
            "List-Owner", "List-Archive");

    private final PublicSuffixList psl;
    private final Predicate<String> reflectorAddress;

    /** @param reflectorAddress true for an address the gateway answers itself (loop protection) */
    public ReplyRules(PublicSuffixList psl, Predicate<String> reflectorAddress) {
        this.psl = psl;
        this.reflectorAddress = reflectorAddress;
    }

    public Decision decide(String envelopeSender, MessageHeaders headers, Optional<InboundAuthentication> auth) {
        if (envelopeSender.isEmpty()) {
            return new Decision.Skip(Rule.NULL_SENDER, "the null reverse-path is never answered");
        }
        if (reflectorAddress.test(envelopeSender)) {
            return new Decision.Skip(Rule.LOOP, "the sender is a reflector address");
        }
        for (HeaderField f : headers.all("Auto-Submitted")) {
            String v = keyword(f.value());
            if (!v.equals("no")) {
                return new Decision.Skip(Rule.AUTO_SUBMITTED, "Auto-Submitted: " + (v.isEmpty() ? "(empty)" : printable(v)));
            }
        }
        for (HeaderField f : headers.all("Precedence")) {
            String v = keyword(f.value());
            if (v.equals("bulk") || v.equals("list") || v.equals("junk")) {
                return new Decision.Skip(Rule.PRECEDENCE, "Precedence: " + v);
            }
        }
        for (String name : LIST_FIELDS) {
            if (headers.first(name).isPresent()) {
                return new Decision.Skip(Rule.LIST_MAIL, "the message has a " + name + " field");
            }
        }
        if (auth.isEmpty()) {
            return new Decision.Skip(Rule.NOT_AUTHENTICATED,
                    "no inbound authentication results (authentication disabled, or the client is in a relay network or authenticated)");
        }
        String domain = domainOf(envelopeSender);
        Optional<SpfResult> spf = auth.get().authentication().spf();
        if (spf.isPresent() && spf.get().result() == SpfVerdict.PASS && spf.get().identity() == SpfResult.Identity.MAILFROM
                && spf.get().domain().equalsIgnoreCase(domain)) {
            return new Decision.Reply("spf pass for " + domain);
        }
        for (DkimResult d : auth.get().authentication().dkim()) {
            if (d.passed() && related(d.domain(), domain)) {
                return new Decision.Reply("dkim pass d=" + d.domain().toLowerCase(Locale.ROOT) + " for " + domain);
            }
        }
        String spfText = spf.map(s -> "SPF " + s.result().keyword()).orElse("SPF not evaluated");
        long passing = auth.get().authentication().passingDkim().size();
        return new Decision.Skip(Rule.NOT_AUTHENTICATED, spfText + " and no passing DKIM signature of " + domain
                + " or its organizational domain" + (passing > 0 ? " (" + passing + " passing signature(s) of other domains do not count)" : ""));
    }

    /** RFC 7489 3.1.1 relaxed: same name, or the same Organizational Domain. */
    boolean related(String signingDomain, String senderDomain) {
        String a = normalise(signingDomain);
        String b = normalise(senderDomain);
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        if (a.equals(b)) {
            return true;
        }
        Optional<String> oa = psl.registrableDomain(a);
        return oa.isPresent() && oa.equals(psl.registrableDomain(b));
    }

    private static String normalise(String d) {
        String s = d.trim().toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : normalise(address.substring(at + 1));
    }

    /** The first token of a field value, comments and parameters dropped, lower case (RFC 3834 5: "no" or a keyword). */
    static String keyword(String value) {
        String v = value.replaceAll("\\([^()]*\\)", " ");
        int semi = v.indexOf(';');
        if (semi >= 0) {
            v = v.substring(0, semi);
        }
        return v.strip().toLowerCase(Locale.ROOT);
    }

    private static String printable(String s) {
        return ReflectorReport.sanitise(s, 64);
    }
}
