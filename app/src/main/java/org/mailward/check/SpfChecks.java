package org.mailward.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.mailward.auth.spf.Mechanism;
import org.mailward.auth.spf.ParseResult;
import org.mailward.auth.spf.Qualifier;
import org.mailward.auth.spf.SpfParser;
import org.mailward.auth.spf.SpfRecord;
import org.mailward.auth.spf.SpfTerm;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;
import org.mailward.records.ZoneText;

/**
 * CHECKS.md section 4 (SPF, RFC 7208). Records are selected and parsed with {@code org.mailward.auth.spf} (the
 * gateway's parser); this class walks the include/redirect tree statically (every term, as if none matched) to count
 * DNS-querying terms and void lookups over the whole tree (4.6.4), find broken includes and redirects, loops and
 * duplicate includes, and the qualifier of the final {@code all}. Terms whose domain-spec holds macros are counted
 * as 1 and make the total a lower bound. Void lookups are counted per client family (A for IPv4 clients, AAAA for
 * IPv6) and the worse family is reported.
 */
public final class SpfChecks implements AreaCheck {

    private static final Pattern NEAR_SPF = Pattern.compile("(?i)^(\\s*v\\s*=\\s*spf|\\s*spf1\\b|\\s+v=spf1|\"v=spf1)");
    private static final int MAX_NODES = 60;

    @Override
    public Area area() {
        return Area.SPF;
    }

    /** The static walk of one record tree. */
    static final class Walk {
        int lookups;
        boolean lowerBound;
        final List<String> void4 = new ArrayList<>();
        final List<String> void6 = new ArrayList<>();
        final List<String> includeNoRecord = new ArrayList<>();
        final List<String> redirectNoRecord = new ArrayList<>();
        final List<String> nestedSyntax = new ArrayList<>();
        final List<String> loops = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        final List<String> mxTooMany = new ArrayList<>();
        final List<String> mxTerms = new ArrayList<>();
        final List<String> ptrTerms = new ArrayList<>();
        final List<String> tree = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        boolean inconclusive;
        int nodes;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        String d = ev.domain();
        DnsAnswer txt = ev.query(d, RecordType.TXT);
        if (txt.status().isError()) {
            return out;
        }
        List<Evidence> tEv = List.of(ev.evidence(d, RecordType.TXT));
        boolean uk = ev.profile() == CheckConfig.Profile.UK;
        List<DnsRecord.Txt> rrs = txt.recordsOf(DnsRecord.Txt.class);
        List<DnsRecord.Txt> spfRrs = rrs.stream().filter(r -> SpfParser.isSpfRecord(String.join("", r.strings()))).toList();
        List<String> near = txt.texts().stream().filter(t -> !SpfParser.isSpfRecord(t) && NEAR_SPF.matcher(t).find()).toList();
        legacy(ev, txt, out);
        if (spfRrs.isEmpty()) {
            if (!near.isEmpty()) {
                String fixed = "v=spf1 " + near.get(0).replaceFirst("(?i)^[\\s\"]*v?\\s*=?\\s*spf1[0-9.]*\"?", "").strip();
                out.add(Finding.of(Rule.SPF_BAD_VERSION, d).summary("A TXT record of " + d + " is meant as SPF but is not selectable")
                        .detail(MtaStsChecks.clip(near.get(0)))
                        .why("RFC 7208 4.5: only records starting with exactly \"v=spf1\" and a space are SPF; receivers see no SPF record.")
                        .record(ZoneText.txt(d, fixed.strip())).evidence(tEv).build());
                return out;
            }
            String suggest = ev.nonSendingReason().isPresent() ? "v=spf1 -all" : "v=spf1 mx ~all";
            out.add(Finding.of(Rule.SPF_NO_RECORD, d).summary("No SPF record for " + d)
                    .why("Receivers cannot tell which hosts may send for " + d + "; SPF cannot help DMARC.")
                    .fix(ev.nonSendingReason().isPresent() ? "Non-sending domain: publish v=spf1 -all."
                            : "Publish an SPF record naming your senders (provider include: and ip4:/ip6: ranges) ending in ~all or -all; the record shown is a start.")
                    .record(ZoneText.txt(d, suggest)).evidence(tEv).build());
            return out;
        }
        if (spfRrs.size() > 1) {
            out.add(Finding.of(Rule.SPF_MULTIPLE_RECORDS, d).summary(spfRrs.size() + " SPF records at " + d)
                    .detail(spfRrs.stream().map(r -> MtaStsChecks.clip(String.join("", r.strings()))).toList().toString())
                    .why("RFC 7208 4.5: more than one SPF record is a permerror for every message.").evidence(tEv).build());
            return out;
        }
        DnsRecord.Txt rr = spfRrs.get(0);
        String text = String.join("", rr.strings());
        int rrsetSize = txt.texts().stream().mapToInt(String::length).sum() + 12 * rrs.size();
        if (text.length() > 450 || rrsetSize > 512) {
            out.add(Finding.of(Rule.SPF_RECORD_SIZE, d).summary("SPF record of " + text.length() + " characters (TXT answer about " + rrsetSize + " bytes)")
                    .why("Answers over 512 bytes need TCP or EDNS; some receivers then fail SPF.").evidence(tEv).build());
        }
        ParseResult<SpfRecord> parsed = SpfParser.parse(text);
        if (parsed instanceof ParseResult.Invalid<SpfRecord> bad) {
            if (rr.strings().size() > 1 && SpfParser.parse(String.join(" ", rr.strings()).replaceAll(" +", " ")) instanceof ParseResult.Ok<SpfRecord>) {
                out.add(Finding.of(Rule.SPF_SPLIT_STRING, d).summary("The SPF record's strings join into a broken term")
                        .detail(rr.strings().stream().map(s -> "\"" + MtaStsChecks.clip(s) + "\"").toList() + ": " + bad.reason())
                        .why("RFC 7208 3.3: strings are joined with no separator, so a space was lost at a string boundary.")
                        .record(ZoneText.txt(d, String.join(" ", rr.strings()).replaceAll(" +", " "))).evidence(tEv).build());
            } else if (bad.reason().contains("appears more than once")) {
                out.add(Finding.of(Rule.SPF_DUPLICATE_MODIFIER, d).summary("SPF modifier repeated").detail(bad.reason())
                        .why("RFC 7208 6: redirect and exp may appear once; otherwise permerror.").evidence(tEv).build());
            } else {
                out.add(Finding.of(Rule.SPF_SYNTAX, d).summary("SPF record does not parse").detail(bad.reason())
                        .why("RFC 7208 4.6: any syntax error is a permerror for every message.").evidence(tEv).build());
            }
            return out;
        }
        SpfRecord rec = ((ParseResult.Ok<SpfRecord>) parsed).value();
        topLevelTerms(d, rec, tEv, out);
        Walk w = new Walk();
        walk(ev, d, rec, "top", new ArrayDeque<>(List.of(d)), w, 0);
        treeFindings(ev, d, w, tEv, out);
        allQualifier(ev, d, rec, uk, tEv, out);
        return out;
    }

    /** The DNS-querying term count of the domain's SPF tree (for other areas and tools); empty without a record. */
    static Optional<Walk> walkOf(DomainEvidence ev) {
        List<String> spf = ev.spfRecords();
        if (spf.size() != 1 || !(SpfParser.parse(spf.get(0)) instanceof ParseResult.Ok<SpfRecord> ok)) {
            return Optional.empty();
        }
        Walk w = new Walk();
        walk(ev, ev.domain(), ok.value(), "top", new ArrayDeque<>(List.of(ev.domain())), w, 0);
        return Optional.of(w);
    }

    private static void topLevelTerms(String d, SpfRecord rec, List<Evidence> tEv, List<Finding> out) {
        List<String> unknown = new ArrayList<>();
        List<String> order = new ArrayList<>();
        boolean seenAll = false;
        boolean seenModifier = false;
        List<SpfTerm> terms = rec.terms();
        for (int i = 0; i < terms.size(); i++) {
            SpfTerm t = terms.get(i);
            if (t instanceof SpfTerm.UnknownModifier u) {
                unknown.add(u.text());
            }
            if (t instanceof SpfTerm.Directive dir) {
                if (seenAll) {
                    order.add("'" + dir.text() + "' after all is never evaluated");
                }
                if (seenModifier) {
                    order.add("mechanism '" + dir.text() + "' after a modifier");
                }
                seenAll |= dir.mechanism() instanceof Mechanism.All;
            } else {
                seenModifier = true;
                if (t instanceof SpfTerm.Redirect && i != terms.size() - 1) {
                    order.add("redirect= is not the last term");
                }
            }
        }
        if (!unknown.isEmpty()) {
            out.add(Finding.of(Rule.SPF_UNKNOWN_MODIFIER, d).summary("SPF modifiers receivers ignore: " + unknown)
                    .why("RFC 7208 6: unknown modifiers are ignored; often a typo for redirect= / exp= / include:.").evidence(tEv).build());
        }
        if (!order.isEmpty()) {
            out.add(Finding.of(Rule.SPF_TERM_ORDER, d).summary("SPF terms out of order").detail(String.join("; ", order))
                    .why("RFC 7208 5.1, 6.1: terms after all are dead configuration; redirect belongs at the end.").evidence(tEv).build());
        }
        if (rec.redirect().isPresent() && rec.hasAll()) {
            out.add(Finding.of(Rule.SPF_REDIRECT_IGNORED, d).summary("redirect= is never used: the record has an all mechanism")
                    .why("RFC 7208 6.1: redirect applies only when no all is present.").evidence(tEv).build());
        }
    }

    private static void walk(DomainEvidence ev, String domain, SpfRecord rec, String via, Deque<String> stack, Walk w, int depth) {
        if (++w.nodes > MAX_NODES || depth > 10) {
            w.lowerBound = true;
            return;
        }
        int before = w.lookups;
        for (SpfTerm t : rec.terms()) {
            if (t instanceof SpfTerm.Directive dir) {
                Mechanism m = dir.mechanism();
                if (m.countsAsLookup()) {
                    w.lookups++;
                }
                switch (m) {
                    case Mechanism.Include inc -> {
                        if (!inc.domain().isLiteral()) {
                            w.lowerBound = true;
                        } else {
                            follow(ev, inc.domain().text(), "include", domain, stack, w, depth);
                        }
                    }
                    case Mechanism.A a -> {
                        Optional<String> target = a.domain().map(x -> x.isLiteral() ? x.text() : null).or(() -> a.domain().isEmpty() ? Optional.of(domain) : Optional.empty());
                        if (target.isEmpty()) {
                            w.lowerBound = true;
                        } else {
                            DnsAnswer v4 = ev.query(target.get(), RecordType.A);
                            DnsAnswer v6 = ev.query(target.get(), RecordType.AAAA);
                            w.inconclusive |= v4.status().isError() || v6.status().isError();
                            if (v4.status().isEmpty()) {
                                w.void4.add(domain + ": " + dir.text() + " (no A)");
                            }
                            if (v6.status().isEmpty()) {
                                w.void6.add(domain + ": " + dir.text() + " (no AAAA)");
                            }
                        }
                    }
                    case Mechanism.Mx mx -> {
                        w.mxTerms.add(domain + ": " + dir.text());
                        Optional<String> target = mx.domain().map(x -> x.isLiteral() ? x.text() : null).or(() -> mx.domain().isEmpty() ? Optional.of(domain) : Optional.empty());
                        if (target.isEmpty()) {
                            w.lowerBound = true;
                        } else {
                            DnsAnswer ans = ev.query(target.get(), RecordType.MX);
                            w.inconclusive |= ans.status().isError();
                            int n = ans.recordsOf(DnsRecord.Mx.class).size();
                            if (ans.status().isEmpty()) {
                                w.void4.add(domain + ": " + dir.text() + " (no MX)");
                                w.void6.add(domain + ": " + dir.text() + " (no MX)");
                            } else if (n > 10) {
                                w.mxTooMany.add(domain + ": " + dir.text() + " has " + n + " MX records");
                            }
                        }
                    }
                    case Mechanism.Ptr p -> w.ptrTerms.add(domain + ": " + dir.text());
                    case Mechanism.Exists x -> {
                        if (!x.domain().isLiteral()) {
                            w.lowerBound = true;
                        }
                        if (x.domain().usesPtr()) {
                            w.ptrTerms.add(domain + ": " + dir.text() + " (%{p})");
                        }
                    }
                    default -> {
                    }
                }
            } else if (t instanceof SpfTerm.Redirect r) {
                w.lookups++;
                if (!rec.hasAll()) {
                    if (!r.domain().isLiteral()) {
                        w.lowerBound = true;
                    } else {
                        follow(ev, r.domain().text(), "redirect", domain, stack, w, depth);
                    }
                }
            }
        }
        w.tree.add("  ".repeat(depth) + domain + " (" + via + "): " + (w.lookups - before) + " lookup(s) in this subtree");
    }

    private static void follow(DomainEvidence ev, String target, String via, String from, Deque<String> stack, Walk w, int depth) {
        String t = org.mailward.dns.Resolver.normalise(target);
        if (stack.contains(t)) {
            w.loops.add(String.join(" -> ", stack) + " -> " + t);
            return;
        }
        if (!w.seen.add(t) && via.equals("include")) {
            w.duplicates.add(t + " (again from " + from + ")");
        }
        DnsAnswer a = ev.query(t, RecordType.TXT);
        if (a.status().isError()) {
            w.inconclusive = true;
            return;
        }
        List<String> spf = a.texts().stream().filter(SpfParser::isSpfRecord).toList();
        if (spf.size() != 1) {
            String why = t + (spf.isEmpty() ? " has no SPF record (" + a.status() + ")" : " has " + spf.size() + " SPF records");
            (via.equals("include") ? w.includeNoRecord : w.redirectNoRecord).add(why);
            if (a.status().isEmpty()) {
                w.void4.add(from + ": " + via + ":" + t + " (" + a.status() + ")");
                w.void6.add(from + ": " + via + ":" + t + " (" + a.status() + ")");
            }
            return;
        }
        switch (SpfParser.parse(spf.get(0))) {
            case ParseResult.Ok<SpfRecord> ok -> {
                stack.push(t);
                walk(ev, t, ok.value(), via, stack, w, depth + 1);
                stack.pop();
            }
            case ParseResult.Invalid<SpfRecord> bad -> w.nestedSyntax.add(t + ": " + bad.reason());
        }
    }

    private static void treeFindings(DomainEvidence ev, String d, Walk w, List<Evidence> tEv, List<Finding> out) {
        String count = w.lookups + (w.lowerBound ? "+ (lower bound: macros or a very deep tree)" : "");
        String tree = String.join("\n", w.tree.reversed());
        if (w.lookups > 10) {
            out.add(Finding.of(Rule.SPF_LOOKUP_LIMIT, d).summary(count + " DNS-querying terms in the SPF tree (limit 10)")
                    .detail(tree).why("RFC 7208 4.6.4: more than 10 is a permerror at receivers; SPF then fails DMARC.").evidence(tEv).build());
        } else if (w.lookups == 10) {
            out.add(Finding.of(Rule.SPF_LOOKUP_NEAR_LIMIT, d).severity(Severity.WARN).summary("10 DNS-querying terms: at the limit")
                    .detail(tree).why("Any change by a provider in an include breaks SPF.").evidence(tEv).build());
        } else if (w.lookups >= 7) {
            out.add(Finding.of(Rule.SPF_LOOKUP_NEAR_LIMIT, d).severity(Severity.INFO).summary(count + " DNS-querying terms (limit 10)")
                    .detail(tree).why("Little room left for provider changes.").evidence(tEv).build());
        }
        List<String> voids = w.void4.size() >= w.void6.size() ? w.void4 : w.void6;
        if (voids.size() > 2) {
            out.add(Finding.of(Rule.SPF_VOID_LIMIT, d).summary(voids.size() + " void lookups in the SPF tree (limit 2)")
                    .detail(String.join("; ", voids)).why("RFC 7208 4.6.4: more than 2 void lookups is a permerror at most receivers.").evidence(tEv).build());
        } else if (!voids.isEmpty()) {
            out.add(Finding.of(Rule.SPF_VOID_TERM, d).summary(voids.size() + " SPF term(s) point at names without records")
                    .detail(String.join("; ", voids)).why("Void lookups count towards a limit of 2; they are dead configuration.").evidence(tEv).build());
        }
        if (!w.includeNoRecord.isEmpty()) {
            out.add(Finding.of(Rule.SPF_INCLUDE_NO_RECORD, d).summary("include target without a usable SPF record")
                    .detail(String.join("; ", w.includeNoRecord)).why("RFC 7208 5.2: an include of a domain without SPF is a permerror.").evidence(tEv).build());
        }
        if (!w.redirectNoRecord.isEmpty()) {
            out.add(Finding.of(Rule.SPF_REDIRECT_NO_RECORD, d).summary("redirect target without a usable SPF record")
                    .detail(String.join("; ", w.redirectNoRecord)).why("RFC 7208 6.1: permerror.").evidence(tEv).build());
        }
        if (!w.nestedSyntax.isEmpty()) {
            out.add(Finding.of(Rule.SPF_SYNTAX, d).summary("An included SPF record does not parse")
                    .detail(String.join("; ", w.nestedSyntax)).why("RFC 7208 4.6: permerror when evaluation reaches it.").evidence(tEv).build());
        }
        if (!w.loops.isEmpty()) {
            out.add(Finding.of(Rule.SPF_LOOP, d).severity(Severity.ERROR).summary("SPF include/redirect loop")
                    .detail(String.join("; ", w.loops)).why("Evaluation ends in permerror through the lookup limit.").evidence(tEv).build());
        } else if (!w.duplicates.isEmpty()) {
            out.add(Finding.of(Rule.SPF_LOOP, d).severity(Severity.WARN).summary("The same SPF include appears twice in the tree")
                    .detail(String.join("; ", w.duplicates)).why("Each copy costs lookups for nothing.").evidence(tEv).build());
        }
        if (!w.mxTooMany.isEmpty()) {
            out.add(Finding.of(Rule.SPF_MX_TOO_MANY, d).summary("mx term with more than 10 MX records").detail(String.join("; ", w.mxTooMany))
                    .why("RFC 7208 4.6.4: the mx mechanism is a permerror beyond 10 MX names.").evidence(tEv).build());
        }
        if (!w.mxTerms.isEmpty()) {
            out.add(Finding.of(Rule.SPF_MX_MECHANISM, d).summary("SPF uses the mx mechanism").detail(String.join("; ", w.mxTerms))
                    .why("Costs lookups and changes silently when the mail provider adds MX hosts.").evidence(tEv).build());
        }
        if (!w.ptrTerms.isEmpty()) {
            out.add(Finding.of(Rule.SPF_PTR, d).summary("SPF uses ptr").detail(String.join("; ", w.ptrTerms))
                    .why("RFC 7208 5.5: SHOULD NOT be used; slow, unreliable, skipped by many receivers.").evidence(tEv).build());
        }
    }

    private static void allQualifier(DomainEvidence ev, String d, SpfRecord rec, boolean uk, List<Evidence> tEv, List<Finding> out) {
        SpfRecord cur = rec;
        String where = d;
        for (int i = 0; i < 10; i++) {
            Optional<Qualifier> all = cur.directives().stream().filter(x -> x.mechanism() instanceof Mechanism.All).map(SpfTerm.Directive::qualifier).findFirst();
            if (all.isPresent()) {
                if (all.get() == Qualifier.PASS) {
                    out.add(Finding.of(Rule.SPF_ALL_PASS, d).summary("SPF of " + d + " passes every sender (+all at " + where + ")")
                            .why("+all authorises the whole internet.").record(ZoneText.txt(d, rec.text().replaceAll("(^| )[+]?all\\b", "$1~all"))).evidence(tEv).build());
                } else if (all.get() == Qualifier.NEUTRAL) {
                    weak(d, uk, "?all at " + where, rec, tEv, out);
                }
                return;
            }
            if (cur.redirect().isEmpty() || !cur.redirect().get().domain().isLiteral()) {
                break;
            }
            String target = cur.redirect().get().domain().text();
            List<String> spf = ev.query(target, RecordType.TXT).texts().stream().filter(SpfParser::isSpfRecord).toList();
            if (spf.size() != 1 || !(SpfParser.parse(spf.get(0)) instanceof ParseResult.Ok<SpfRecord> ok)) {
                return; // SPF-REDIRECT-NO-RECORD says it
            }
            cur = ok.value();
            where = target;
        }
        if (rec.redirect().isEmpty() || !rec.redirect().get().domain().isLiteral()) {
            weak(d, uk, "no all and no redirect (default neutral)", rec, tEv, out);
        }
    }

    private static void weak(String d, boolean uk, String what, SpfRecord rec, List<Evidence> tEv, List<Finding> out) {
        String fixed = rec.hasAll() ? rec.text().replaceAll("(^| )\\?all\\b", "$1~all") : rec.text().strip() + " ~all";
        out.add(Finding.of(Rule.SPF_ALL_WEAK, d).severity(uk ? Severity.ERROR : Severity.WARN).summary("SPF of " + d + " does not fail unlisted senders: " + what)
                .why("Unlisted senders get neutral; the UK baseline requires at least soft fail (~all).").record(ZoneText.txt(d, fixed)).evidence(tEv).build());
    }

    private static void legacy(DomainEvidence ev, DnsAnswer txt, List<Finding> out) {
        String d = ev.domain();
        List<String> found = new ArrayList<>();
        txt.texts().stream().filter(t -> t.regionMatches(true, 0, "spf2.0/", 0, 7)).findFirst().ifPresent(t -> found.add("Sender ID TXT: " + MtaStsChecks.clip(t)));
        DnsAnswer type99 = ev.query(d, RecordType.SPF);
        if (type99.hasRecords()) {
            found.add("RR type SPF (99)");
        }
        if (!found.isEmpty()) {
            out.add(Finding.of(Rule.SPF_LEGACY_RECORDS, d).summary("Legacy SPF records: " + found)
                    .why("RFC 7208 3.1: type SPF is no longer published; Sender ID (RFC 4406) is historic.")
                    .evidence(List.of(ev.evidence(d, RecordType.TXT))).build());
        }
    }
}
