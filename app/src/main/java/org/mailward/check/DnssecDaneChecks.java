package org.mailward.check;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailward.check.probe.Handshake;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.DnsRecord;
import org.mailward.dns.RecordType;

/**
 * CHECKS.md section 12 (DNSSEC and DANE). DNSSEC state comes from the AD bit of each answer
 * ({@link DnsAnswer#authenticated()}): "authenticated" means secure; anything else is treated as unsigned, which
 * cannot tell an unsigned zone from a non-validating resolver (the evidence says so). Telling a bogus zone from
 * another SERVFAIL needs a second query with the CD bit, which the Resolver does not offer: DNSSEC-BOGUS is
 * therefore only ever INCONCLUSIVE here, with that reason. The denial-of-existence part of DANE-TLSA-LOOKUP-FAILS
 * likewise needs more than the AD bit and is not evaluated.
 */
public final class DnssecDaneChecks implements AreaCheck {

    @Override
    public Area area() {
        return Area.DNSSEC;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        String d = ev.domain();
        DnsAnswer soa = ev.query(d, RecordType.SOA);
        DnsAnswer mx = ev.mx();
        for (DnsAnswer a : List.of(soa, mx)) {
            if (a.status() == org.mailward.dns.DnsStatus.SERVFAIL) {
                out.add(Finding.of(Rule.DNSSEC_BOGUS, a.name() + "/" + a.type()).severity(Severity.INCONCLUSIVE)
                        .summary(a.name() + "/" + a.type() + " answered SERVFAIL: possibly a DNSSEC validation failure (bogus)")
                        .detail("Telling bogus from other server failures needs a query with the CD bit, which this checker does not make.")
                        .why("Validating resolvers answer SERVFAIL for bogus zones: mail to the domain fails for them.")
                        .evidence(List.of(ev.evidence(a.name(), a.type()))).build());
                return out;
            }
        }
        if (!soa.status().isError() && !soa.authenticated()) {
            out.add(Finding.of(Rule.DNSSEC_UNSIGNED, d).summary("Answers for " + d + " are not DNSSEC-authenticated")
                    .detail("No AD bit on " + d + "/SOA (an unsigned zone, or a resolver that does not validate).")
                    .why("DNSSEC is the prerequisite for DANE and protects MX answers from forgery.")
                    .evidence(List.of(ev.evidence(d, RecordType.SOA))).build());
        }
        for (MailHost h : ev.hosts()) {
            if (h.isIpLiteral() || h.a().status().isError()) {
                continue;
            }
            boolean hostSigned = h.a().hasRecords() ? h.a().authenticated() : h.aaaa().authenticated();
            if (!hostSigned && !h.addresses().isEmpty() && !h.name().endsWith("." + d)) {
                out.add(Finding.of(Rule.DNSSEC_UNSIGNED, h.name()).summary("Address answers for MX host " + h.name() + " are not DNSSEC-authenticated")
                        .why("DANE cannot protect this MX.").evidence(List.of(ev.evidence(h.name(), RecordType.A))).build());
            }
            String tlsaName = "_25._tcp." + h.name();
            DnsAnswer tlsa = ev.query(tlsaName, RecordType.TLSA);
            List<Evidence> tEv = List.of(ev.evidence(tlsaName, RecordType.TLSA));
            if (tlsa.status().isError()) {
                if (hostSigned) {
                    out.add(Finding.of(Rule.DANE_TLSA_LOOKUP_FAILS, tlsaName).summary("TLSA lookup for signed MX host " + h.name() + " fails (" + tlsa.status() + ")")
                            .detail(tlsa.detail()).why("DANE senders defer mail when they cannot get the TLSA answer.").evidence(tEv).build());
                }
                continue;
            }
            if (!tlsa.hasRecords()) {
                if (hostSigned) {
                    out.add(Finding.of(Rule.DANE_NO_TLSA, tlsaName).summary("No TLSA record for signed MX host " + h.name())
                            .why("DANE would protect delivery against downgrade and forged certificates.")
                            .fix("Optional: publish a '3 1 1' TLSA record for the MX certificate's key.").evidence(tEv).build());
                }
                continue;
            }
            List<DnsRecord.Tlsa> records = tlsa.recordsOf(DnsRecord.Tlsa.class);
            if (!tlsa.authenticated() || !mx.authenticated()) {
                out.add(Finding.of(Rule.DANE_TLSA_INSECURE, tlsaName)
                        .summary(!tlsa.authenticated() ? "TLSA records for " + h.name() + " are not DNSSEC-authenticated"
                                : "The MX RRset of " + d + " is not DNSSEC-authenticated, so DANE senders never look up TLSA")
                        .why("RFC 7672 2.2: senders ignore TLSA without DNSSEC.").evidence(tEv).build());
            }
            List<String> warn = new ArrayList<>();
            List<String> info = new ArrayList<>();
            for (DnsRecord.Tlsa t : records) {
                if (t.usage() == 0 || t.usage() == 1) {
                    warn.add(t.data().split(" ")[0] + " " + t.selector() + " " + t.matchingType() + ": usage " + t.usage() + " (PKIX) should not be used for SMTP");
                } else if (t.matchingType() == 0) {
                    info.add(t.usage() + " " + t.selector() + " 0: full data instead of a digest");
                } else if (!(t.selector() == 1 && (t.usage() == 3 || t.usage() == 2))) {
                    info.add(t.usage() + " " + t.selector() + " " + t.matchingType() + ": prefer 3 1 1 or 2 1 1");
                }
            }
            if (!warn.isEmpty() || !info.isEmpty()) {
                out.add(Finding.of(Rule.DANE_PARAMS, tlsaName).severity(warn.isEmpty() ? Severity.INFO : Severity.WARN)
                        .summary("TLSA parameters for " + h.name() + " are not the recommended ones")
                        .detail(String.join("; ", warn.isEmpty() ? info : warn)).why("RFC 7672 3.1: SMTP DANE uses DANE-EE(3) or DANE-TA(2).").evidence(tEv).build());
            }
            if (records.size() == 1) {
                out.add(Finding.of(Rule.DANE_NO_ROLLOVER, tlsaName).summary("Only one TLSA record for " + h.name())
                        .why("The next key or certificate change breaks DANE delivery unless the new key is published first.").evidence(tEv).build());
            }
            for (ProbedAddress p : ev.probes()) {
                if (!p.host().name().equals(h.name()) || p.result().reach() != org.mailward.check.probe.SmtpProbeResult.Reach.GREETED) {
                    continue;
                }
                if (!p.result().starttls()) {
                    out.add(Finding.of(Rule.DANE_NO_MATCH, p.subject()).summary("TLSA published for " + h.name() + " but " + p.subject() + " offers no STARTTLS")
                            .why("DANE senders will not deliver.").evidence(tEv).build());
                    continue;
                }
                Optional<Handshake> best = p.result().best();
                if (best.isEmpty() || best.get().chain().isEmpty()) {
                    continue;
                }
                if (records.stream().noneMatch(t -> matches(t, best.get().chain()))) {
                    out.add(Finding.of(Rule.DANE_NO_MATCH, p.subject()).summary("No usable TLSA record of " + h.name() + " matches the certificate on " + p.subject())
                            .detail("TLSA: " + records.stream().map(DnsRecord.Tlsa::data).toList())
                            .why("DANE senders will not deliver.").evidence(tEv).build());
                }
            }
        }
        return out;
    }

    /** RFC 6698 2.1, RFC 7672 3.1: usage 3 matches the leaf, usage 2 any certificate above it; 0/1 are not usable for SMTP. */
    static boolean matches(DnsRecord.Tlsa t, List<X509Certificate> chain) {
        List<X509Certificate> candidates = t.usage() == 3 ? chain.subList(0, 1) : t.usage() == 2 ? chain.subList(Math.min(1, chain.size()), chain.size()) : List.of();
        for (X509Certificate c : candidates) {
            if (t.matches(c)) {
                return true;
            }
        }
        return false;
    }
}
