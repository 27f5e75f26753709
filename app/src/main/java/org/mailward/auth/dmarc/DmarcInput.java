package org.mailward.auth.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What DMARC evaluation needs from a message and its transaction. The SPF, DKIM and ARC verdicts are DMARC's own
 * small value types so this package does not depend on {@code auth.spf}, {@code auth.dkim} or {@code auth.arc}; the
 * caller maps their results in.
 *
 * @param fromFields    the values of every RFC5322.From header field (RFC 7489 6.6.1 needs to see duplicates)
 * @param mailFrom      the RFC5321.MailFrom address, empty string for the null reverse-path {@code <>}
 * @param helo          the HELO/EHLO name, empty when unknown
 * @param spf           the SPF verdict, when SPF was checked
 * @param dkim          one entry per DKIM-Signature, in message order
 * @param arc           the ARC chain verdict, when ARC was checked
 * @param localOverride a local policy decision to record (mailing list, trusted forwarder...), when one applies
 */
public record DmarcInput(List<String> fromFields, String mailFrom, String helo, Optional<Spf> spf, List<Dkim> dkim,
                         Optional<Arc> arc, Optional<LocalOverride> localOverride) {

    public DmarcInput {
        fromFields = List.copyOf(fromFields);
        Objects.requireNonNull(mailFrom);
        Objects.requireNonNull(helo);
        Objects.requireNonNull(spf);
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(arc);
        Objects.requireNonNull(localOverride);
    }

    /** SPF results as RFC 7208 2.6 / RFC 8601 2.7.2 name them. */
    public enum SpfVerdict {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which identity SPF checked (RFC 7208 2.3, 2.4; the aggregate report's spf scope). */
    public enum SpfScope {
        MFROM, HELO;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The SPF verdict. For DMARC it counts only for the MAIL FROM identity, or for HELO when MAIL FROM is null
     * (RFC 7489 3.1.2, 6.6.2).
     *
     * @param domain the domain SPF checked (the MAIL FROM domain, or the HELO name)
     */
    public record Spf(String domain, SpfScope scope, SpfVerdict result) {
        public Spf {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(scope);
            Objects.requireNonNull(result);
        }
    }

    /** DKIM results as RFC 8601 2.7.1 names them. */
    public enum DkimVerdict {
        NONE, PASS, FAIL, POLICY, NEUTRAL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One DKIM signature's verdict.
     *
     * @param domain   d= (empty when the signature could not be parsed)
     * @param selector s= (empty when unknown)
     * @param result   the verdict
     * @param humanResult a short explanation ("body hash mismatch"), may be empty
     */
    public record Dkim(String domain, String selector, DkimVerdict result, String humanResult) {
        public Dkim {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(selector);
            Objects.requireNonNull(result);
            Objects.requireNonNull(humanResult);
        }

        public Dkim(String domain, String selector, DkimVerdict result) {
            this(domain, selector, result, "");
        }
    }

    /** ARC chain validation status (RFC 8617 4.4 cv=). */
    public enum ArcChain {
        NONE, PASS, FAIL
    }

    /**
     * The ARC verdict.
     *
     * @param chain         the chain validation status
     * @param sealerDomains the d= of each ARC-Seal by instance, i=1 first (the newest sealer is the last)
     */
    public record Arc(ArcChain chain, List<String> sealerDomains) {
        public Arc {
            Objects.requireNonNull(chain);
            sealerDomains = List.copyOf(sealerDomains);
        }
    }

    /**
     * A local policy decision the gateway took (RFC 7489 7.2.1.1 PolicyOverrideType): recorded as a reason and, when
     * DMARC failed, replaces the disposition.
     */
    public record LocalOverride(OverrideReason reason, Policy disposition, String comment) {
        public LocalOverride {
            Objects.requireNonNull(reason);
            Objects.requireNonNull(disposition);
            Objects.requireNonNull(comment);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: {@code DmarcInput.builder().from("a@example.com").mailFrom("b@example.com").dkim(...).build()}. */
    public static final class Builder {
        private final List<String> from = new ArrayList<>();
        private String mailFrom = "";
        private String helo = "";
        private Optional<Spf> spf = Optional.empty();
        private final List<Dkim> dkim = new ArrayList<>();
        private Optional<Arc> arc = Optional.empty();
        private Optional<LocalOverride> local = Optional.empty();

        /** Adds one From header field value (call twice for a message with two From fields). */
        public Builder from(String fieldValue) {
            from.add(fieldValue);
            return this;
        }

        public Builder mailFrom(String address) {
            this.mailFrom = address;
            return this;
        }

        public Builder helo(String name) {
            this.helo = name;
            return this;
        }

        public Builder spf(String domain, SpfScope scope, SpfVerdict result) {
            this.spf = Optional.of(new Spf(domain, scope, result));
            return this;
        }

        public Builder dkim(String domain, String selector, DkimVerdict result) {
            dkim.add(new Dkim(domain, selector, result));
            return this;
        }

        public Builder arc(ArcChain chain, List<String> sealerDomains) {
            this.arc = Optional.of(new Arc(chain, sealerDomains));
            return this;
        }

        public Builder localOverride(OverrideReason reason, Policy disposition, String comment) {
            this.local = Optional.of(new LocalOverride(reason, disposition, comment));
            return this;
        }

        public DmarcInput build() {
            return new DmarcInput(from, mailFrom, helo, spf, dkim, arc, local);
        }
    }
}
