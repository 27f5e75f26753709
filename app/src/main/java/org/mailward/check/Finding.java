package org.mailward.check;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One result of one rule for one subject. The id, area and allowed severities come from the {@link Rule} (and so
 * from CHECKS.md).
 *
 * @param rule     the catalogue rule
 * @param severity the severity of this occurrence (the catalogue lets some rules vary, e.g. WARN in testing mode,
 *                 ERROR in enforce mode; INCONCLUSIVE when the evidence could not be gathered)
 * @param subject  what the finding is about: the domain, a record name, an MX host, an IP address
 * @param summary  one line for an administrator
 * @param detail   what was seen
 * @param why      why it matters
 * @param fix      how to fix it (defaults to the catalogue's fix)
 * @param record   the corrected record to publish, where one applies
 * @param evidence the queries and answers behind it
 */
public record Finding(Rule rule, Severity severity, String subject, String summary, String detail, String why,
                      String fix, Optional<String> record, List<Evidence> evidence) {

    public Finding {
        Objects.requireNonNull(rule);
        Objects.requireNonNull(severity);
        if (!rule.allows(severity)) {
            throw new IllegalArgumentException(rule.id() + " cannot have severity " + severity + " (CHECKS.md allows " + rule.severities() + ")");
        }
        Objects.requireNonNull(subject);
        Objects.requireNonNull(summary);
        detail = detail == null ? "" : detail;
        why = why == null ? "" : why;
        fix = fix == null || fix.isEmpty() ? rule.fix() : fix;
        record = record == null ? Optional.empty() : record;
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    public String id() {
        return rule.id();
    }

    public Area area() {
        return rule.area();
    }

    public static Builder of(Rule rule, String subject) {
        return new Builder(rule, subject);
    }

    /** Builder: rule, subject and summary are required; severity defaults to the rule's primary severity. */
    public static final class Builder {
        private final Rule rule;
        private final String subject;
        private Severity severity;
        private String summary = "";
        private String detail = "";
        private String why = "";
        private String fix = "";
        private Optional<String> record = Optional.empty();
        private List<Evidence> evidence = List.of();

        private Builder(Rule rule, String subject) {
            this.rule = rule;
            this.subject = subject;
            this.severity = rule.severity();
        }

        public Builder severity(Severity s) { this.severity = s; return this; }
        public Builder summary(String s) { this.summary = s; return this; }
        public Builder detail(String s) { this.detail = s; return this; }
        public Builder why(String s) { this.why = s; return this; }
        public Builder fix(String s) { this.fix = s; return this; }
        public Builder record(String s) { this.record = Optional.of(s); return this; }
        public Builder evidence(List<Evidence> e) { this.evidence = e; return this; }

        public Finding build() {
            return new Finding(rule, severity, subject, summary.isEmpty() ? rule.id() : summary, detail, why, fix, record, evidence);
        }
    }
}
