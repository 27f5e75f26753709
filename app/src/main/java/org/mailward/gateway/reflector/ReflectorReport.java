package org.mailward.gateway.reflector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.spf.SpfResult;
import org.mailward.auth.verify.MessageAuthentication;
import org.mailward.gateway.inbound.InboundAuthentication;
import org.mailward.smtp.SessionInfo;

/**
 * Everything one reflector reply tells, as a value: the text part and the JSON attachment are both rendered from it
 * ({@link ReplyBuilder}), so they cannot disagree. Every string in it is printable ASCII, one line, and bounded
 * ({@link #sanitise}): values taken from the received message (Subject, From, Message-ID, HELO, DKIM d=/s=...) are
 * attacker-chosen and are only ever quoted in this form. Field meanings: docs/reflector.md.
 */
public record ReflectorReport(String reporter, String reflectorAddress, Instant received, Original message,
                              Connection connection, Spf spf, List<Dkim> dkim, int dkimNotShown, Dmarc dmarc, Arc arc,
                              String action, String actionReason, String authenticationResults, ReplyDelivery replyDelivery) {

    /** Header values quoted from the received message are cut at this many characters. */
    public static final int MAX_QUOTED = 200;
    /** At most this many DKIM signatures are listed (the rest are counted in {@code dkimNotShown}). */
    public static final int MAX_SIGNATURES = 10;
    /** The Authentication-Results text is cut at this many characters. */
    public static final int MAX_AUTHENTICATION_RESULTS = 3000;

    public ReflectorReport {
        Objects.requireNonNull(reporter);
        Objects.requireNonNull(reflectorAddress);
        Objects.requireNonNull(received);
        Objects.requireNonNull(message);
        Objects.requireNonNull(connection);
        Objects.requireNonNull(spf);
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(dmarc);
        Objects.requireNonNull(arc);
        Objects.requireNonNull(action);
        Objects.requireNonNull(actionReason);
        Objects.requireNonNull(authenticationResults);
        Objects.requireNonNull(replyDelivery);
    }

    /** The received message, as quoted: envelope sender and three header fields (sanitised, truncated). */
    public record Original(String envelopeFrom, String from, String subject, String messageId) {
    }

    /** @param tlsVersion the inbound TLS protocol ("" when the message came in clear), {@code tlsCipher} its suite */
    public record Connection(String clientIp, String helo, String iprev, String iprevName, String tlsVersion, String tlsCipher) {
        public boolean tls() {
            return !tlsVersion.isEmpty();
        }
    }

    /** @param result pass, fail, ... or "none" when not evaluated ({@code detail} says why) */
    public record Spf(String result, String domain, String scope, String detail) {
    }

    public record Dkim(String domain, String selector, String algorithm, String result, String reason, boolean aligned,
                       int keyBits, boolean testing) {
    }

    /** @param policyDomain where the DMARC record was found ("" when none); p/sp/pct from it */
    public record Dmarc(String result, String headerFrom, String policyDomain, String p, String sp, int pct,
                        String appliedPolicy, String disposition, boolean dkimAligned, boolean spfAligned, String detail) {
    }

    public record Arc(String cv, int instances, String reason) {
    }

    /**
     * How the reply itself will be delivered (it cannot know in advance; the delivery log records what happened).
     *
     * @param domain         the envelope sender's domain, where the reply goes
     * @param policy         the requirement known now: opportunistic, enforced-relaxed, enforced-strict, or local-route
     * @param configuredRule the Secure Delivery rule that matched ("" when none)
     * @param mtaSts         what MTA-STS does for the reply ("checked at delivery" or "disabled")
     * @param dane           what DANE does for the reply ("checked at delivery" or "disabled")
     * @param summary        one sentence
     */
    public record ReplyDelivery(String domain, String policy, String configuredRule, String mtaSts, String dane, String summary) {
    }

    /** Builds the report of one received message from what the authentication hook concluded. */
    public static ReflectorReport of(String reporter, String reflectorAddress, Instant received, SessionInfo session,
                                     String envelopeFrom, MessageHeaders headers, InboundAuthentication auth, ReplyDelivery delivery) {
        MessageAuthentication a = auth.authentication();
        Original original = new Original(sanitise(envelopeFrom, MAX_QUOTED), quoted(headers, "From"), quoted(headers, "Subject"),
                quoted(headers, "Message-ID"));
        Connection connection = new Connection(session.remote().getAddress().getHostAddress(), sanitise(session.helo().orElse(""), MAX_QUOTED),
                auth.fcrdns().result(), sanitise(auth.fcrdns().name(), MAX_QUOTED),
                session.tls().map(t -> sanitise(t.protocol(), 40)).orElse(""), session.tls().map(t -> sanitise(t.cipherSuite(), 100)).orElse(""));
        Spf spf = a.spf().map(ReflectorReport::spf)
                .orElse(new Spf("none", "", "", sanitise("not evaluated: " + a.spfNotEvaluated(), MAX_QUOTED)));
        DmarcResult d = a.dmarc();
        List<Dkim> dkim = new ArrayList<>();
        for (DkimResult r : a.dkim()) {
            if (dkim.size() == MAX_SIGNATURES) {
                break;
            }
            boolean aligned = d.dkim().stream().anyMatch(e -> e.aligned() && e.domain().equalsIgnoreCase(r.domain())
                    && e.selector().equalsIgnoreCase(r.selector()));
            dkim.add(new Dkim(sanitise(r.domain(), MAX_QUOTED), sanitise(r.selector(), MAX_QUOTED), sanitise(r.algorithm(), 40),
                    r.status().token(), sanitise(r.reason(), MAX_QUOTED), aligned, r.keyBits(), r.testing()));
        }
        Optional<DmarcResult.PolicyPublished> pp = d.policyPublished();
        Dmarc dmarc = new Dmarc(d.verdict().keyword(), sanitise(d.headerFrom(), MAX_QUOTED), pp.map(p -> sanitise(p.domain(), MAX_QUOTED)).orElse(""),
                pp.map(p -> p.record().policy().keyword()).orElse(""),
                pp.map(p -> p.record().effectiveSubdomainPolicy().keyword()).orElse(""),
                pp.map(p -> p.record().percent()).orElse(0),
                d.appliedPolicy().map(DmarcResult.AppliedPolicy::keyword).orElse(""), d.disposition().keyword(),
                d.dkimAligned(), d.spfAligned(), sanitise(d.detail(), MAX_QUOTED));
        Arc arc = new Arc(a.arc().cv().token(), a.arc().instances(), sanitise(a.arc().reason(), MAX_QUOTED));
        return new ReflectorReport(sanitise(reporter, MAX_QUOTED), sanitise(reflectorAddress, MAX_QUOTED), received, original, connection,
                spf, dkim, a.dkim().size() - dkim.size(), dmarc, arc, sanitise(auth.action(), 40), sanitise(auth.actionReason(), MAX_QUOTED),
                sanitise(unfold(auth.authenticationResultsField()), MAX_AUTHENTICATION_RESULTS), delivery);
    }

    private static Spf spf(SpfResult r) {
        return new Spf(r.result().keyword(), sanitise(r.domain(), MAX_QUOTED), r.identity().keyword(), sanitise(r.comment(), MAX_QUOTED));
    }

    private static String quoted(MessageHeaders headers, String name) {
        return headers.first(name).map(HeaderField::valueUtf8).map(v -> sanitise(v, MAX_QUOTED)).orElse("");
    }

    private static String unfold(String field) {
        return field.replaceAll("\r\n[ \t]+", " ");
    }

    /**
     * One line of printable US-ASCII, at most {@code max} characters plus "...": CR, LF and TAB become a space, every
     * other control or non-ASCII character a "?" (a UTF-8 character counts once). Runs of spaces are kept.
     */
    public static String sanitise(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max + 3));
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (n == max) {
                b.append("...");
                break;
            }
            if (cp == '\r' || cp == '\n' || cp == '\t') {
                b.append(' ');
            } else if (cp >= 0x20 && cp < 0x7f) {
                b.append((char) cp);
            } else {
                b.append('?');
            }
            n++;
        }
        return b.toString().strip();
    }

    /** A one-line summary for the reply's Subject: "SPF pass, DKIM pass, DMARC pass, TLSv1.3". */
    public String verdictSummary() {
        String dk = dkim.isEmpty() ? "none" : dkim.stream().anyMatch(x -> x.result().equals("pass")) ? "pass" : dkim.get(0).result();
        return "SPF " + spf.result() + ", DKIM " + dk + ", DMARC " + dmarc.result() + ", " + (connection.tls() ? connection.tlsVersion() : "no TLS");
    }
}
