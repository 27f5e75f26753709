package org.mailward.check;

import java.util.ArrayList;
import java.util.List;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.RecordType;

/**
 * CHECKS.md section 1 (GEN). {@link #domainMissing} runs first: a domain that does not exist skips every other
 * rule. {@link #inconclusive} runs last and turns every failed lookup of the check into GEN-DNS-INCONCLUSIVE.
 * GEN-NS-INCONSISTENT (asking each authoritative server directly) is not implemented yet.
 */
public final class GeneralChecks {

    private GeneralChecks() {
    }

    /** GEN-DOMAIN-NXDOMAIN: the domain's SOA question answers NXDOMAIN (the name does not exist at all). */
    public static List<Finding> domainMissing(DomainEvidence ev) {
        DnsAnswer soa = ev.query(ev.domain(), RecordType.SOA);
        if (soa.status() != org.mailward.dns.DnsStatus.NXDOMAIN) {
            return List.of();
        }
        return List.of(Finding.of(Rule.GEN_DOMAIN_NXDOMAIN, ev.domain())
                .summary("The domain " + ev.domain() + " does not exist (NXDOMAIN)")
                .detail("SOA query for " + ev.domain() + " answered NXDOMAIN; every other rule is skipped.")
                .why("Mail to or from a name that does not exist cannot be delivered or authenticated.")
                .evidence(List.of(ev.evidence(ev.domain(), RecordType.SOA))).build());
    }

    /** GEN-DNS-INCONCLUSIVE: one finding per lookup that failed (SERVFAIL, timeout), naming the question. */
    public static List<Finding> inconclusive(DomainEvidence ev) {
        List<Finding> out = new ArrayList<>();
        for (DnsAnswer a : ev.dns().failures()) {
            out.add(Finding.of(Rule.GEN_DNS_INCONCLUSIVE, a.name() + "/" + a.type())
                    .summary("DNS lookup " + a.name() + "/" + a.type() + " failed (" + a.status() + "): rules needing it are inconclusive")
                    .detail(a.detail().isEmpty() ? a.status().name() : a.detail())
                    .why("A failed lookup says nothing about the record; it is never reported as a failure.")
                    .evidence(List.of(ev.evidence(a.name(), a.type()))).build());
        }
        return out;
    }
}
