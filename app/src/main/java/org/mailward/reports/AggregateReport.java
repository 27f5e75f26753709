package org.mailward.reports;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A DMARC aggregate report (RFC 7489 Appendix C, RFC 9990 section 3) as parsed, with every deviation from the
 * schema the parser tolerated listed in {@link #warnings()}. Absent optional text is the empty string.
 */
public record AggregateReport(
        Schema schema,
        String orgName,
        String email,
        String extraContact,
        String reportId,
        String generator,
        long begin,
        long end,
        List<String> errors,
        PolicyPublished policy,
        List<AggregateRecord> records,
        List<String> warnings) {

    /** The two aggregate formats. */
    public enum Schema {
        /** RFC 7489 Appendix C ({@code http://dmarc.org/dmarc-xml/0.1} or no namespace). */
        RFC7489("rfc7489"),
        /** RFC 9990 / DMARCbis ({@code urn:ietf:params:xml:ns:dmarc-2.0}). */
        DMARC_2_0("dmarc-2.0");

        private final String label;

        Schema(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public AggregateReport {
        Objects.requireNonNull(schema);
        errors = List.copyOf(errors);
        records = List.copyOf(records);
        warnings = List.copyOf(warnings);
    }

    /** RFC 7489 7.2.1.1 / RFC 9990 3.1: reports are unique per reporting organisation and report id. */
    public String key() {
        return "agg:" + orgName.trim().toLowerCase(java.util.Locale.ROOT) + "\n" + reportId.trim();
    }

    /** The sum of the rows' counts. */
    public long messages() {
        long n = 0;
        for (AggregateRecord r : records) {
            n += r.count();
        }
        return n;
    }

    /** The policy published (RFC 7489 C, PolicyPublishedType). */
    public record PolicyPublished(String domain, String adkim, String aspf, String p, String sp, String np,
                                  OptionalInt pct, String fo, String testing, String discoveryMethod) {
    }

    /** One {@code <record>}: a row (source IP, count, evaluated policy), identifiers and raw auth results. */
    public record AggregateRecord(String sourceIp, long count, String disposition, String dkim, String spf,
                                  List<PolicyOverride> reasons, String headerFrom, String envelopeFrom,
                                  String envelopeTo, List<DkimAuth> dkimResults, List<SpfAuth> spfResults) {
        public AggregateRecord {
            reasons = List.copyOf(reasons);
            dkimResults = List.copyOf(dkimResults);
            spfResults = List.copyOf(spfResults);
        }

        /** DMARC passes when either aligned identifier passed (RFC 7489 4.2). */
        public boolean dmarcPass() {
            return "pass".equals(dkim) || "pass".equals(spf);
        }
    }

    public record PolicyOverride(String type, String comment) {
    }

    public record DkimAuth(String domain, String selector, String result, String humanResult) {
    }

    public record SpfAuth(String domain, String scope, String result, String humanResult) {
    }
}
