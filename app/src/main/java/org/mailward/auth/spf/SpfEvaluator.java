package org.mailward.auth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mailward.auth.ParseCache;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.DnsStatus;
import org.mailward.dns.RecordType;
import org.mailward.dns.Resolver;

/**
 * RFC 7208 4: {@code check_host()}. Takes its {@link Resolver}, {@link Clock} (for {@code %{t}}) and the receiver's
 * host name (for {@code %{r}} and Received-SPF) in the constructor; {@link #evaluate} never throws for anything a
 * record, a sender or DNS can do, and returns an {@link SpfResult}.
 *
 * <p>Limits (all per evaluation, shared across include/redirect): 10 DNS-querying terms (include, a, mx, ptr,
 * exists, redirect; 4.6.4), 2 void lookups (4.6.4, counted per query that returns no records, as the reference
 * implementation pyspf does), at most 10 MX names (more is a permerror) and 10 PTR names (the rest ignored), and two
 * hard caps that no legitimate record reaches: {@link Limits#maxQueries} DNS questions and {@link Limits#timeBudget}
 * of wall time (a temperror). Each distinct question is asked at most once per evaluation.
 */
public final class SpfEvaluator {

    /** The explanation given for {@code fail} when the domain has no usable exp= (RFC 7208 6.2: receiver's choice). */
    public static final String DEFAULT_EXPLANATION = "%{d} does not designate %{c} as a permitted sender for %{s}";

    /**
     * The evaluation limits. The RFC values are the defaults; the caps exist so hostile records can never hang or
     * exhaust memory.
     */
    public record Limits(int maxDnsTerms, int maxVoidLookups, int maxMxOrPtrNames, int maxQueries, Duration timeBudget) {
        public static final Limits RFC7208 = new Limits(10, 2, 10, 250, Duration.ofSeconds(20));

        public Limits {
            Objects.requireNonNull(timeBudget);
        }

        public Limits withTimeBudget(Duration budget) {
            return new Limits(maxDnsTerms, maxVoidLookups, maxMxOrPtrNames, maxQueries, budget);
        }
    }

    private static final MacroString DEFAULT_EXPLANATION_MACRO = MacroString.parse(DEFAULT_EXPLANATION, true).value();

    /** Parsed records by text: records are immutable, so one parse serves every evaluation (bounded). */
    private static final int PARSE_CACHE_MAX = 4096;
    private static final int PARSE_CACHE_MAX_TEXT = 4096;

    /** A record parsed once, with the views check_host needs on every evaluation. */
    private record Compiled(ParseResult<SpfRecord> parsed, List<SpfTerm.Directive> directives,
                            Optional<SpfTerm.Redirect> redirect, boolean hasAll) {
        static Compiled of(String text) {
            ParseResult<SpfRecord> p = SpfParser.parse(text);
            if (!p.isOk()) {
                return new Compiled(p, List.of(), Optional.empty(), false);
            }
            SpfRecord r = p.value();
            return new Compiled(p, r.directives(), r.redirect(), r.hasAll());
        }
    }

    private final Resolver resolver;
    private final Clock clock;
    private final String receiver;
    private final Limits limits;
    private final long budgetNanos;
    private final ParseCache<Compiled> parsed = new ParseCache<>(Compiled::of, PARSE_CACHE_MAX, PARSE_CACHE_MAX_TEXT);

    public SpfEvaluator(Resolver resolver, Clock clock, String receiver) {
        this(resolver, clock, receiver, Limits.RFC7208);
    }

    public SpfEvaluator(Resolver resolver, Clock clock, String receiver, Limits limits) {
        this.resolver = Objects.requireNonNull(resolver);
        this.clock = Objects.requireNonNull(clock);
        this.receiver = receiver == null || receiver.isBlank() ? "unknown" : receiver.trim();
        this.limits = Objects.requireNonNull(limits);
        this.budgetNanos = limits.timeBudget().toNanos();
    }

    private Compiled compile(String text) {
        return parsed.parse(text);
    }

    public String receiver() {
        return receiver;
    }

    /**
     * Checks the MAIL FROM identity (RFC 7208 2.4); with a null reverse-path the sender is {@code postmaster@helo}
     * and the domain is the HELO name.
     */
    public SpfResult evaluate(SpfRequest request) {
        String mailFrom = request.mailFrom();
        if (mailFrom.isEmpty()) {
            return run(request, SpfResult.Identity.MAILFROM, "postmaster@" + request.helo());
        }
        return run(request, SpfResult.Identity.MAILFROM, mailFrom);
    }

    /** Checks the HELO identity (RFC 7208 2.3): domain = the HELO name, sender = postmaster@helo. */
    public SpfResult checkHelo(InetAddress clientIp, String helo) {
        String h = helo == null ? "" : helo.trim();
        return run(new SpfRequest(clientIp, "", h), SpfResult.Identity.HELO, "postmaster@" + h);
    }

    private SpfResult run(SpfRequest request, SpfResult.Identity identity, String rawSender) {
        Evaluation ev = new Evaluation(request, rawSender);
        return ev.result(identity);
    }

    /** Stops an evaluation with permerror or temperror; internal, never escapes {@link Evaluation#result}. */
    private static final class Abort extends RuntimeException {
        final SpfVerdict verdict;

        Abort(SpfVerdict verdict, String reason) {
            super(reason, null, false, false);
            this.verdict = verdict;
        }
    }

    /** What one check_host() level decided. */
    private record Outcome(SpfVerdict verdict, Optional<SpfTerm.Directive> directive, String domain,
                           Optional<SpfRecord> record, String problem) {
    }

    /** State of one evaluation: the query, counters, memoised answers and validated PTR names. */
    private final class Evaluation {
        private final InetAddress ip;
        private final byte[] ipBytes;
        private final boolean v6;
        private final String sender;
        private final String local;
        private final String senderDomain;
        private final String helo;
        private final long deadline;
        private final Map<String, DnsAnswer> answers = new HashMap<>();
        private int lookups;
        private int voids;
        private int queries;
        private List<String> validatedNames;
        private int validationVoids;
        private final Map<String, String> pValues = new HashMap<>();
        private String topRecordText;

        Evaluation(SpfRequest request, String rawSender) {
            this.ip = request.clientIp();
            this.ipBytes = ip.getAddress();
            this.v6 = !(ip instanceof Inet4Address);
            this.helo = request.helo();
            // RFC 7208 4.3: no local-part -> "postmaster"; the domain is what follows the last "@".
            String s = rawSender;
            int at = s.lastIndexOf('@');
            String l = at < 0 ? "" : s.substring(0, at);
            String d = at < 0 ? s : s.substring(at + 1);
            if (l.isEmpty()) {
                l = "postmaster";
            }
            if (d.endsWith(".")) {
                d = d.substring(0, d.length() - 1);
            }
            this.local = l;
            this.senderDomain = d;
            this.sender = l + "@" + d;
            this.deadline = System.nanoTime() + budgetNanos;
        }

        SpfResult result(SpfResult.Identity identity) {
            Outcome outcome = top();
            Optional<String> explanation = Optional.empty();
            boolean fromDomain = false;
            if (outcome.verdict() == SpfVerdict.FAIL) {
                Optional<String> exp = explanation(outcome);
                fromDomain = exp.isPresent();
                explanation = exp.or(() -> expandSafely(DEFAULT_EXPLANATION_MACRO, outcome.domain()));
            }
            return new SpfResult(outcome.verdict(), explanation, fromDomain,
                    Optional.ofNullable(topRecordText),
                    outcome.directive().map(SpfTerm.Directive::text),
                    outcome.directive().map(d -> outcome.domain()),
                    lookups, voids, queries, senderDomain, identity, sender, helo, ip, receiver,
                    outcome.problem().isEmpty() ? Optional.empty() : Optional.of(outcome.problem()));
        }

        private Outcome top() {
            try {
                return checkHost(senderDomain, true);
            } catch (Abort a) {
                return new Outcome(a.verdict, Optional.empty(), senderDomain, Optional.empty(), a.getMessage());
            }
        }

        /** RFC 7208 4: check_host(ip, domain, sender). */
        private Outcome checkHost(String domain, boolean top) {
            // 4.3: a malformed or single-label domain gives "none" without any lookup.
            String invalid = domainProblem(domain);
            if (invalid != null) {
                return new Outcome(SpfVerdict.NONE, Optional.empty(), domain, Optional.empty(), invalid);
            }
            // 4.4, 4.5: record lookup and selection.
            DnsAnswer txt = query(domain, RecordType.TXT);
            if (txt.status().isError()) {
                throw new Abort(SpfVerdict.TEMPERROR, "DNS " + txt.status().name().toLowerCase(Locale.ROOT)
                        + " looking up TXT " + domain + (txt.detail().isEmpty() ? "" : " (" + txt.detail() + ")"));
            }
            List<String> spf = new ArrayList<>(1);
            for (DnsRecord rr : txt.records()) {
                if (rr instanceof DnsRecord.Txt t) {
                    String text = t.strings().size() == 1 ? t.strings().get(0) : t.text();
                    if (SpfParser.isSpfRecord(text)) {
                        spf.add(text);
                    }
                }
            }
            if (spf.isEmpty()) {
                return new Outcome(SpfVerdict.NONE, Optional.empty(), domain, Optional.empty(),
                        "no SPF record at " + domain);
            }
            if (spf.size() > 1) {
                if (top) {
                    topRecordText = String.join(" | ", spf);
                }
                throw new Abort(SpfVerdict.PERMERROR, spf.size() + " SPF records at " + domain + " (RFC 7208 4.5: at most one)");
            }
            if (top) {
                topRecordText = spf.get(0);
            }
            Compiled compiled = compile(spf.get(0));
            if (compiled.parsed() instanceof ParseResult.Invalid<SpfRecord> inv) {
                throw new Abort(SpfVerdict.PERMERROR, "SPF record of " + domain + ": " + inv.reason());
            }
            SpfRecord record = compiled.parsed().value();
            // 4.6.2: directives left to right; the first match decides.
            for (SpfTerm.Directive directive : compiled.directives()) {
                if (matches(directive.mechanism(), domain)) {
                    return new Outcome(directive.qualifier().verdict(), Optional.of(directive), domain, Optional.of(record), "");
                }
            }
            // 6.1: redirect when nothing matched (a record with "all" always matched above).
            Optional<SpfTerm.Redirect> redirect = compiled.redirect();
            if (redirect.isPresent() && !compiled.hasAll()) {
                countLookup("redirect=");
                String target = expandDomain(redirect.get().domain(), domain);
                Outcome r = checkHost(target, false);
                if (r.verdict() == SpfVerdict.NONE) {
                    throw new Abort(SpfVerdict.PERMERROR, "redirect=" + target + ": " + r.problem() + " (RFC 7208 6.1: permerror)");
                }
                return r;
            }
            // 4.7: default result.
            return new Outcome(SpfVerdict.NEUTRAL, Optional.empty(), domain, Optional.of(record), "");
        }

        private boolean matches(Mechanism mechanism, String domain) {
            if (mechanism.countsAsLookup()) {
                countLookup(mechanism.name());
            }
            return switch (mechanism) {
                case Mechanism.All a -> true;
                case Mechanism.Ip4 m -> !v6 && IpLiterals.sameNetwork(ipBytes, m.network().getAddress(), m.prefix());
                case Mechanism.Ip6 m -> v6 && IpLiterals.sameNetwork(ipBytes, m.network().getAddress(), m.prefix());
                case Mechanism.A m -> {
                    String target = m.domain().map(d -> expandDomain(d, domain)).orElse(domain);
                    yield anyInNetwork(addresses(target), v6 ? m.cidr6() : m.cidr4());
                }
                case Mechanism.Mx m -> {
                    String target = m.domain().map(d -> expandDomain(d, domain)).orElse(domain);
                    yield anyInNetwork(mxAddresses(target), v6 ? m.cidr6() : m.cidr4());
                }
                case Mechanism.Ptr m -> {
                    String target = m.domain().map(d -> expandDomain(d, domain)).orElse(domain).toLowerCase(Locale.ROOT);
                    yield validatedNames().stream().anyMatch(n -> n.equals(target) || n.endsWith("." + target));
                }
                case Mechanism.Exists m -> {
                    String target = expandDomain(m.domain(), domain);
                    // 5.7: always an A query, whatever the client's address family.
                    DnsAnswer a = queryForTerm(target, RecordType.A);
                    yield a.hasRecords();
                }
                case Mechanism.Include m -> {
                    String target = expandDomain(m.domain(), domain);
                    Outcome inner = checkHost(target, false);
                    // 5.2: pass matches; fail, softfail, neutral do not; none is a permerror.
                    yield switch (inner.verdict()) {
                        case PASS -> true;
                        case FAIL, SOFTFAIL, NEUTRAL -> false;
                        case NONE -> throw new Abort(SpfVerdict.PERMERROR,
                                "include:" + target + ": " + inner.problem() + " (RFC 7208 5.2: permerror)");
                        case TEMPERROR, PERMERROR -> throw new Abort(inner.verdict(), inner.problem());
                    };
                }
            };
        }

        /** A or AAAA addresses of a name (the client's family); a DNS error is a temperror (RFC 7208 5.3). */
        private List<byte[]> addresses(String name) {
            return addressesOf(queryForTerm(name, v6 ? RecordType.AAAA : RecordType.A));
        }

        private List<byte[]> addressesOf(DnsAnswer answer) {
            List<byte[]> out = new ArrayList<>();
            for (DnsRecord r : answer.records()) {
                if (r instanceof DnsRecord.A a && !v6) {
                    out.add(a.address().getAddress());
                } else if (r instanceof DnsRecord.Aaaa a && v6) {
                    out.add(a.address().getAddress());
                }
            }
            return out;
        }

        /** 5.4: the addresses of at most 10 MX hosts, by preference; more than 10 MX records is a permerror. */
        private List<byte[]> mxAddresses(String name) {
            DnsAnswer mx = queryForTerm(name, RecordType.MX);
            List<DnsRecord.Mx> records = new ArrayList<>(mx.records().size());
            for (DnsRecord rr : mx.records()) {
                if (rr instanceof DnsRecord.Mx m) {
                    records.add(m);
                }
            }
            if (records.size() > limits.maxMxOrPtrNames()) {
                throw new Abort(SpfVerdict.PERMERROR, name + " has " + records.size() + " MX records; more than "
                        + limits.maxMxOrPtrNames() + " (RFC 7208 4.6.4)");
            }
            List<DnsRecord.Mx> sorted = new ArrayList<>(records);
            sorted.sort(Comparator.comparingInt(DnsRecord.Mx::preference).thenComparing(DnsRecord.Mx::exchange));
            List<byte[]> out = new ArrayList<>();
            for (DnsRecord.Mx r : sorted) {
                if (r.exchange().isEmpty()) {
                    continue; // RFC 7505 null MX: no host to look up
                }
                out.addAll(addresses(r.exchange()));
            }
            return out;
        }

        private boolean anyInNetwork(List<byte[]> addresses, int prefix) {
            for (byte[] a : addresses) {
                if (IpLiterals.sameNetwork(ipBytes, a, prefix)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * 5.5: PTR names of the client (at most 10 looked at) whose A/AAAA records include the client. DNS errors
         * make a name (or the whole PTR lookup) count as not validated.
         */
        private List<String> validatedNames() {
            if (validatedNames != null) {
                // Each ptr term repeats the lookups (answered from the memo): their void answers count again,
                // as they do in the reference implementation.
                for (int k = 0; k < validationVoids; k++) {
                    addVoid("PTR validation of " + IpLiterals.format(ip));
                }
                return validatedNames;
            }
            int voidsBefore = voids;
            List<String> out = new ArrayList<>();
            DnsAnswer ptr = queryCounted(Resolver.reverseName(ip), RecordType.PTR, false);
            List<DnsRecord.Ptr> names = new ArrayList<>();
            for (DnsRecord rr : ptr.records()) {
                if (rr instanceof DnsRecord.Ptr pr) {
                    names.add(pr);
                }
            }
            for (int k = 0; k < names.size() && k < limits.maxMxOrPtrNames(); k++) {
                String name = Resolver.normalise(names.get(k).target());
                DnsAnswer a = queryCounted(name, v6 ? RecordType.AAAA : RecordType.A, false);
                if (anyInNetwork(addressesOf(a), v6 ? 128 : 32)) {
                    out.add(name);
                }
            }
            validatedNames = List.copyOf(out);
            validationVoids = voids - voidsBefore;
            return validatedNames;
        }

        /** 7.3 %{p}: a validated name equal to the domain, else one below it, else any, else "unknown". */
        private String pValue(String domain) {
            return pValues.computeIfAbsent(domain.toLowerCase(Locale.ROOT), d -> {
                List<String> names = validatedNames();
                if (names.isEmpty()) {
                    return "unknown";
                }
                if (names.contains(d)) {
                    return d;
                }
                return names.stream().filter(n -> n.endsWith("." + d)).findFirst().orElse(names.get(0));
            });
        }

        private void countLookup(String what) {
            lookups++;
            if (lookups > limits.maxDnsTerms()) {
                throw new Abort(SpfVerdict.PERMERROR, "more than " + limits.maxDnsTerms()
                        + " DNS-querying terms (at " + what + "; RFC 7208 4.6.4)");
            }
        }

        /** A term's lookup: errors are temperror, empty answers count as void lookups. */
        private DnsAnswer queryForTerm(String name, RecordType type) {
            return queryCounted(name, type, true);
        }

        private DnsAnswer queryCounted(String name, RecordType type, boolean errorIsTemperror) {
            DnsAnswer answer = domainProblem(name) == null && !name.isEmpty() ? query(name, type)
                    : DnsAnswer.nxdomain(name.isEmpty() ? "." : name, type);
            if (answer.status().isError()) {
                if (errorIsTemperror) {
                    throw new Abort(SpfVerdict.TEMPERROR, "DNS " + answer.status().name().toLowerCase(Locale.ROOT)
                            + " looking up " + type + " " + name + (answer.detail().isEmpty() ? "" : " (" + answer.detail() + ")"));
                }
                return DnsAnswer.servfail(answer.name(), type, answer.detail());
            }
            if (!answer.hasRecords()) {
                addVoid(type + " " + name);
            }
            return answer;
        }

        private void addVoid(String what) {
            voids++;
            if (voids > limits.maxVoidLookups()) {
                throw new Abort(SpfVerdict.PERMERROR, "more than " + limits.maxVoidLookups()
                        + " void lookups (last: " + what + "; RFC 7208 4.6.4)");
            }
        }

        /** Asks the resolver once per (name, type) per evaluation, within the query and time caps. */
        private DnsAnswer query(String name, RecordType type) {
            String key = name.toLowerCase(Locale.ROOT) + "/" + type.ordinal();
            DnsAnswer cached = answers.get(key);
            if (cached != null) {
                return cached;
            }
            if (queries >= limits.maxQueries()) {
                throw new Abort(SpfVerdict.PERMERROR, "evaluation needed more than " + limits.maxQueries() + " DNS queries");
            }
            if (System.nanoTime() > deadline) {
                throw new Abort(SpfVerdict.TEMPERROR, "evaluation exceeded its time budget of "
                        + limits.timeBudget().toMillis() + " ms");
            }
            queries++;
            DnsAnswer answer;
            try {
                answer = resolver.query(name, type);
            } catch (RuntimeException e) {
                // The Resolver contract says it never throws for DNS outcomes; a broken resolver is still a DNS error.
                answer = DnsAnswer.servfail(Resolver.normalise(name), type, "resolver failed: " + e);
            }
            answers.put(key, answer);
            return answer;
        }

        private String expandDomain(MacroString spec, String domain) {
            ParseResult<String> r = MacroExpander.expandDomain(spec, letter -> macroValue(letter, domain));
            if (r instanceof ParseResult.Invalid<String> inv) {
                throw new Abort(SpfVerdict.PERMERROR, inv.reason());
            }
            return r.value();
        }

        /** 6.2: the exp= text of the record that gave "fail"; any problem means no explanation. */
        private Optional<String> explanation(Outcome outcome) {
            if (outcome.record().isEmpty()) {
                return Optional.empty();
            }
            Optional<SpfTerm.Explanation> exp = outcome.record().get().explanation();
            if (exp.isEmpty()) {
                return Optional.empty();
            }
            try {
                ParseResult<String> name = MacroExpander.expandDomain(exp.get().domain(), l -> macroValue(l, outcome.domain()));
                if (!name.isOk() || domainProblem(name.value()) != null) {
                    return Optional.empty();
                }
                DnsAnswer txt = query(name.value(), RecordType.TXT);
                if (txt.status() != DnsStatus.RECORDS || txt.texts().size() != 1) {
                    return Optional.empty();
                }
                String text = txt.texts().get(0);
                ParseResult<MacroString> ms = MacroString.parse(text, true);
                if (!ms.isOk()) {
                    return Optional.empty();
                }
                return expandSafely(ms.value(), outcome.domain());
            } catch (Abort a) {
                return Optional.empty(); // 6.2: a failing exp never changes the result
            }
        }

        private Optional<String> expandSafely(MacroString ms, String domain) {
            try {
                ParseResult<String> r = MacroExpander.expand(ms, l -> macroValue(l, domain));
                return r.isOk() ? Optional.of(r.value()) : Optional.empty();
            } catch (Abort a) {
                return Optional.empty();
            }
        }

        /** RFC 7208 7.2 macro letters. */
        private String macroValue(char letter, String domain) {
            return switch (letter) {
                case 's' -> sender;
                case 'l' -> local;
                case 'o' -> senderDomain;
                case 'd' -> domain;
                case 'i' -> dottedIp();
                case 'p' -> pValue(domain);
                case 'v' -> v6 ? "ip6" : "in-addr";
                case 'h' -> helo;
                case 'c' -> IpLiterals.format(ip);
                case 'r' -> receiver;
                case 't' -> Long.toString(clock.instant().getEpochSecond());
                default -> throw new IllegalStateException("macro letter " + letter); // parser admits only the above
            };
        }

        /** 7.3: dotted quad, or for IPv6 32 dot-separated nibbles (upper case, as the RFC 7208 test suite expects). */
        private String dottedIp() {
            if (!v6) {
                return IpLiterals.format(ip);
            }
            StringBuilder sb = new StringBuilder();
            for (byte b : ipBytes) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16))).append('.')
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            return sb.toString();
        }
    }

    /**
     * RFC 7208 4.3: null when the name is usable as an SPF domain, else why not (empty or over-long label, over 253
     * characters, no "." and valid top label).
     */
    static String domainProblem(String domain) {
        if (domain.isEmpty()) {
            return "empty domain";
        }
        if (domain.length() > 253) {
            return "domain longer than 253 characters";
        }
        int start = 0;
        for (int k = 0; k <= domain.length(); k++) {
            if (k == domain.length() || domain.charAt(k) == '.') {
                int len = k - start;
                if (len == 0) {
                    return "empty label in \"" + MacroString.Shown.of(domain) + "\"";
                }
                if (len > 63) {
                    return "label longer than 63 characters in \"" + MacroString.Shown.of(domain) + "\"";
                }
                start = k + 1;
            }
        }
        if (!MacroString.endsWithTopLabel(domain)) {
            return "\"" + MacroString.Shown.of(domain) + "\" is not a fully qualified domain name";
        }
        return null;
    }
}
