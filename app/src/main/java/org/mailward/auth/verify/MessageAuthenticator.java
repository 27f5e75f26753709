package org.mailward.auth.verify;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.mailward.auth.arc.ArcResult;
import org.mailward.auth.arc.ArcVerifier;
import org.mailward.auth.dkim.DkimResult;
import org.mailward.auth.dkim.DkimVerifier;
import org.mailward.auth.dmarc.DmarcAuthResults;
import org.mailward.auth.dmarc.DmarcEvaluator;
import org.mailward.auth.dmarc.DmarcInput;
import org.mailward.auth.dmarc.DmarcOptions;
import org.mailward.auth.dmarc.DmarcResult;
import org.mailward.auth.dmarc.psl.PublicSuffixList;
import org.mailward.auth.message.BodyConsumer;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageHeaders;
import org.mailward.auth.message.MessageReader;
import org.mailward.auth.results.AuthenticationResults;
import org.mailward.auth.results.ResultInfo;
import org.mailward.auth.spf.IpLiterals;
import org.mailward.auth.spf.SpfEvaluator;
import org.mailward.auth.spf.SpfRequest;
import org.mailward.auth.spf.SpfResult;
import org.mailward.dns.Resolver;

/**
 * Authenticates one message, read once: SPF for the envelope, every DKIM-Signature, the ARC chain, then DMARC fed
 * with those results (SPF and DKIM alignment; the ARC verdict for trusted-sealer overrides, {@link DmarcOptions}),
 * and renders the Authentication-Results field (RFC 8601) of our authserv-id.
 *
 * <p>The header section is collected once and the body streams once through the DKIM and ARC body hashers
 * together. SPF and the DNS lookups of DKIM/ARC/DMARC go to the given {@link Resolver}; put a
 * {@code CachingResolver} in front for a gateway. Bad input never throws: every method turns it into a result.
 *
 * <p>Thread safety: safe when the {@link RandomGenerator} is (DMARC pct/t= sampling draws from it).
 */
public final class MessageAuthenticator {

    private final String authservId;
    private final SpfEvaluator spf;
    private final DkimVerifier dkim;
    private final ArcVerifier arc;
    private final DmarcEvaluator dmarc;
    private final MessageReader reader = new MessageReader();

    /**
     * @param authservId our authserv-id (RFC 8601 2.5), also the SPF receiver name (RFC 7208 9.1 receiver=, %{r})
     */
    public MessageAuthenticator(Resolver resolver, Clock clock, PublicSuffixList psl, DmarcOptions options,
                                RandomGenerator random, String authservId) {
        Objects.requireNonNull(resolver);
        Objects.requireNonNull(clock);
        this.authservId = Objects.requireNonNull(authservId).strip();
        if (this.authservId.isEmpty()) {
            throw new IllegalArgumentException("empty authserv-id");
        }
        this.spf = new SpfEvaluator(resolver, clock, this.authservId);
        this.dkim = new DkimVerifier(resolver, clock);
        this.arc = new ArcVerifier(resolver, clock);
        this.dmarc = new DmarcEvaluator(resolver, psl, options, random);
    }

    public String authservId() {
        return authservId;
    }

    /** Authenticates a message held in memory (read in place). */
    public MessageAuthentication authenticate(Envelope envelope, byte[] message) {
        Pass p = new Pass();
        MessageReader.Read read = reader.read(message, p::begin);
        return p.finish(envelope, read);
    }

    /**
     * Authenticates a message held in memory with an SPF result the SMTP session already evaluated at MAIL FROM
     * (RFC 7208 2.4: the check belongs to the transaction; a gateway evaluates it early and defers the verdict to
     * DATA so DMARC can use it). {@code spfResult} must be for this envelope's client, MAIL FROM and HELO.
     */
    public MessageAuthentication authenticate(Envelope envelope, SpfResult spfResult, byte[] message) {
        Objects.requireNonNull(spfResult);
        Pass p = new Pass();
        p.precomputedSpf = Optional.of(spfResult);
        MessageReader.Read read = reader.read(message, p::begin);
        return p.finish(envelope, read);
    }

    /** Evaluates SPF alone for an envelope (empty when it cannot be evaluated, {@link Envelope#spfNotEvaluatedBecause()}). */
    public Optional<SpfResult> evaluateSpf(Envelope envelope) {
        if (envelope.spfNotEvaluatedBecause().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(spf.evaluate(new SpfRequest(envelope.clientIp().orElseThrow(), envelope.mailFrom(), envelope.helo())));
    }

    /** Reads the message from {@code in} once (never holding its body) and authenticates it. */
    public MessageAuthentication authenticate(Envelope envelope, InputStream in) throws IOException {
        Pass p = new Pass();
        MessageReader.Read read = reader.read(in, p::begin);
        return p.finish(envelope, read);
    }

    /** One read of one message: the DKIM and ARC verifications sharing the body stream. */
    private final class Pass {
        private DkimVerifier.Verification dkimV;
        private ArcVerifier.Verification arcV;
        private Optional<SpfResult> precomputedSpf = Optional.empty();

        List<BodyConsumer> begin(MessageHeaders headers) {
            dkimV = dkim.begin(headers);
            arcV = arc.begin(headers);
            List<BodyConsumer> all = new ArrayList<>(dkimV.bodyConsumers());
            all.addAll(arcV.bodyConsumers());
            return all;
        }

        MessageAuthentication finish(Envelope envelope, MessageReader.Read read) {
            MessageHeaders headers = read.headers();
            Optional<String> notEvaluated = envelope.spfNotEvaluatedBecause();
            Optional<SpfResult> spfResult = notEvaluated.isPresent() ? Optional.empty()
                    : precomputedSpf.isPresent() ? precomputedSpf
                    : Optional.of(spf.evaluate(new SpfRequest(envelope.clientIp().orElseThrow(), envelope.mailFrom(), envelope.helo())));
            List<DkimResult> dkimResults = dkimV.finish();
            ArcResult arcResult = arcV.finish();
            DmarcResult dmarcResult = dmarc.evaluate(dmarcInput(envelope, headers, spfResult, dkimResults, arcResult));
            AuthenticationResults ar = render(envelope, spfResult, dkimResults, arcResult, dmarcResult);
            return new MessageAuthentication(envelope, spfResult, notEvaluated.orElse(""), dkimResults, arcResult, dmarcResult, ar,
                    headers.truncated(), read.bodyBytes());
        }
    }

    /** Maps the method results into DMARC's own value types (RFC 7489 4.2, 6.6). */
    static DmarcInput dmarcInput(Envelope envelope, MessageHeaders headers, Optional<SpfResult> spf, List<DkimResult> dkim,
                                 ArcResult arc) {
        List<String> from = headers.all("From").stream().map(HeaderField::valueUtf8).toList();
        // RFC 7489 3.1.2: SPF aligns on the MAIL FROM domain, or on the HELO name for the null reverse-path. The
        // SpfEvaluator checks postmaster@HELO for a null reverse-path, so its scope there is HELO.
        Optional<DmarcInput.Spf> s = spf.map(r -> new DmarcInput.Spf(r.domain(),
                envelope.mailFrom().isEmpty() ? DmarcInput.SpfScope.HELO : DmarcInput.SpfScope.MFROM, spfVerdict(r)));
        List<DmarcInput.Dkim> d = dkim.stream()
                .map(r -> new DmarcInput.Dkim(r.domain(), r.selector(), dkimVerdict(r.status()), r.reason()))
                .toList();
        List<String> sealers = arc.sets().stream().map(ArcResult.SetSummary::sealDomain).toList();
        Optional<DmarcInput.Arc> a = Optional.of(new DmarcInput.Arc(arcChain(arc.cv()), sealers));
        return new DmarcInput(from, envelope.mailFrom(), envelope.helo(), s, d, a, Optional.empty());
    }

    /** RFC 8601 2.7.1 results, one to one. */
    static DmarcInput.DkimVerdict dkimVerdict(org.mailward.auth.dkim.DkimStatus s) {
        return switch (s) {
            case NONE -> DmarcInput.DkimVerdict.NONE;
            case PASS -> DmarcInput.DkimVerdict.PASS;
            case FAIL -> DmarcInput.DkimVerdict.FAIL;
            case POLICY -> DmarcInput.DkimVerdict.POLICY;
            case NEUTRAL -> DmarcInput.DkimVerdict.NEUTRAL;
            case TEMPERROR -> DmarcInput.DkimVerdict.TEMPERROR;
            case PERMERROR -> DmarcInput.DkimVerdict.PERMERROR;
        };
    }

    /** RFC 8617 4.4 cv= values, one to one. */
    static DmarcInput.ArcChain arcChain(org.mailward.auth.arc.ArcStatus s) {
        return switch (s) {
            case NONE -> DmarcInput.ArcChain.NONE;
            case PASS -> DmarcInput.ArcChain.PASS;
            case FAIL -> DmarcInput.ArcChain.FAIL;
        };
    }

    /** RFC 7208 2.6 results, one to one. */
    static DmarcInput.SpfVerdict spfVerdict(SpfResult s) {
        return spfVerdict(s.result());
    }

    static DmarcInput.SpfVerdict spfVerdict(org.mailward.auth.spf.SpfVerdict v) {
        return switch (v) {
            case PASS -> DmarcInput.SpfVerdict.PASS;
            case FAIL -> DmarcInput.SpfVerdict.FAIL;
            case SOFTFAIL -> DmarcInput.SpfVerdict.SOFTFAIL;
            case NEUTRAL -> DmarcInput.SpfVerdict.NEUTRAL;
            case NONE -> DmarcInput.SpfVerdict.NONE;
            case TEMPERROR -> DmarcInput.SpfVerdict.TEMPERROR;
            case PERMERROR -> DmarcInput.SpfVerdict.PERMERROR;
        };
    }

    /**
     * RFC 8601: one resinfo per check, in the order spf, dkim (one per signature; {@code dkim=none} when unsigned),
     * arc, dmarc. SPF is left out when it was not evaluated (we report only what we checked).
     */
    AuthenticationResults render(Envelope envelope, Optional<SpfResult> spf, List<DkimResult> dkim, ArcResult arc, DmarcResult dmarc) {
        List<ResultInfo> out = new ArrayList<>();
        spf.ifPresent(s -> out.add(spfInfo(envelope, s)));
        if (dkim.isEmpty()) {
            out.add(ResultInfo.of("dkim", "none"));
        }
        for (DkimResult d : dkim) {
            out.add(dkimInfo(d));
        }
        out.add(arcInfo(envelope, arc));
        out.add(DmarcAuthResults.resultInfo(dmarc));
        return new AuthenticationResults(authservId, out);
    }

    /** RFC 8601 2.7.2: smtp.mailfrom (or smtp.helo for the null reverse-path); the problem as reason on errors. */
    static ResultInfo spfInfo(Envelope envelope, SpfResult s) {
        ResultInfo i = ResultInfo.of("spf", s.result().keyword());
        if (s.problem().isPresent() && (s.result() == org.mailward.auth.spf.SpfVerdict.PERMERROR
                || s.result() == org.mailward.auth.spf.SpfVerdict.TEMPERROR)) {
            i = i.withReason(s.problem().get());
        }
        if (!envelope.mailFrom().isEmpty()) {
            i = i.withProperty("smtp", "mailfrom", s.sender());
        } else {
            i = i.withProperty("smtp", "helo", envelope.helo());
        }
        return i;
    }

    /** RFC 8601 2.7.1 with RFC 6008 header.b and RFC 8601 header.a/header.s. */
    static ResultInfo dkimInfo(DkimResult d) {
        ResultInfo i = ResultInfo.of("dkim", d.status().token());
        List<String> notes = new ArrayList<>();
        if (d.keyBits() > 0) {
            notes.add(d.keyBits() + "-bit key");
        }
        if (d.testing()) {
            notes.add("key in test mode t=y");
        }
        if (d.bodyLength().isPresent()) {
            notes.add("l=" + d.bodyLength().getAsLong() + ", " + d.unsignedBodyBytes() + " unsigned body bytes");
        }
        if (!notes.isEmpty()) {
            i = i.withComment(String.join("; ", notes));
        }
        if (!d.reason().isEmpty()) {
            i = i.withReason(d.reason());
        }
        if (!d.domain().isEmpty()) {
            i = i.withProperty("header", "d", d.domain());
        }
        if (!d.identity().isEmpty()) {
            i = i.withProperty("header", "i", d.identity());
        }
        if (!d.selector().isEmpty()) {
            i = i.withProperty("header", "s", d.selector());
        }
        if (!d.algorithm().isEmpty()) {
            i = i.withProperty("header", "a", d.algorithm());
        }
        if (!d.headerB().isEmpty()) {
            i = i.withHeaderB(d.headerB());
        }
        return i;
    }

    /** RFC 8617 10.1 (the registered "arc" method): arc=none|pass|fail with header.oldest-pass and smtp.remote-ip. */
    static ResultInfo arcInfo(Envelope envelope, ArcResult a) {
        ResultInfo i = ResultInfo.of("arc", a.cv().token());
        if (a.instances() > 0) {
            i = i.withComment("i=" + a.instances());
        }
        if (!a.reason().isEmpty()) {
            i = i.withReason(a.reason());
        }
        if (a.cv() == org.mailward.auth.arc.ArcStatus.PASS) {
            i = i.withProperty("header", "oldest-pass", Integer.toString(a.oldestPass()));
        }
        if (a.cv() != org.mailward.auth.arc.ArcStatus.NONE) {
            Optional<String> ip = envelope.clientIp().map(IpLiterals::format);
            if (ip.isPresent()) {
                i = i.withProperty("smtp", "remote-ip", ip.get());
            }
        }
        return i;
    }
}
