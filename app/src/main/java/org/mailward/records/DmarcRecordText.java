package org.mailward.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.mailward.auth.dmarc.Alignment;
import org.mailward.auth.dmarc.DmarcRecord;
import org.mailward.auth.dmarc.Policy;
import org.mailward.auth.dmarc.PsdFlag;
import org.mailward.auth.dmarc.ReportUri;

/**
 * Generates DMARC record text (RFC 7489 6.3; DMARCbis tags np, t, psd) in the compact form of the GOV.UK guidance
 * ({@code v=DMARC1;p=none;sp=none;fo=1;rua=...;ruf=...}): {@code v} first, {@code p} second, then the other tags in a
 * fixed order, defaults left out. Immutable; {@link #of(Policy)} starts one, {@link #from(DmarcRecord)} copies what a
 * parsed record declares (so a checker can print a corrected record).
 *
 * @param policy     p
 * @param subdomain  sp, when declared
 * @param nonexistent np, when declared
 * @param adkim      adkim (written only when strict)
 * @param aspf       aspf (written only when strict)
 * @param percent    pct, when declared (RFC 7489 only; DMARCbis removed it)
 * @param testing    t=y (DMARCbis)
 * @param psd        psd (written unless u)
 * @param failureOptions fo (written unless just "0")
 * @param rua        aggregate report URIs
 * @param ruf        failure report URIs
 */
public record DmarcRecordText(Policy policy, Optional<Policy> subdomain, Optional<Policy> nonexistent, Alignment adkim, Alignment aspf,
                              Optional<Integer> percent, boolean testing, PsdFlag psd, List<String> failureOptions, List<String> rua,
                              List<String> ruf) {

    public DmarcRecordText {
        Objects.requireNonNull(policy);
        Objects.requireNonNull(subdomain);
        Objects.requireNonNull(nonexistent);
        Objects.requireNonNull(adkim);
        Objects.requireNonNull(aspf);
        Objects.requireNonNull(percent);
        Objects.requireNonNull(psd);
        failureOptions = List.copyOf(failureOptions);
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
    }

    public static DmarcRecordText of(Policy p) {
        return new DmarcRecordText(p, Optional.empty(), Optional.empty(), Alignment.RELAXED, Alignment.RELAXED, Optional.empty(), false,
                PsdFlag.U, List.of("0"), List.of(), List.of());
    }

    /** What a parsed record declares (unknown tags, invalid values and the removed rf/ri tags are dropped). */
    public static DmarcRecordText from(DmarcRecord r) {
        return new DmarcRecordText(r.policy(), r.subdomainPolicy(), r.nonexistentPolicy(), r.dkimAlignment(), r.spfAlignment(),
                r.declaredPercent(), r.testing(), r.psd(), r.failureOptions(), r.aggregateUris().stream().map(ReportUri::toString).toList(),
                r.failureUris().stream().map(ReportUri::toString).toList());
    }

    public DmarcRecordText withPolicy(Policy p) {
        return new DmarcRecordText(p, subdomain, nonexistent, adkim, aspf, percent, testing, psd, failureOptions, rua, ruf);
    }

    public DmarcRecordText withSubdomain(Optional<Policy> sp) {
        return new DmarcRecordText(policy, sp, nonexistent, adkim, aspf, percent, testing, psd, failureOptions, rua, ruf);
    }

    public DmarcRecordText withNonexistent(Optional<Policy> np) {
        return new DmarcRecordText(policy, subdomain, np, adkim, aspf, percent, testing, psd, failureOptions, rua, ruf);
    }

    public DmarcRecordText withAlignment(Alignment dkim, Alignment spf) {
        return new DmarcRecordText(policy, subdomain, nonexistent, dkim, spf, percent, testing, psd, failureOptions, rua, ruf);
    }

    public DmarcRecordText withPercent(Optional<Integer> pct) {
        return new DmarcRecordText(policy, subdomain, nonexistent, adkim, aspf, pct, testing, psd, failureOptions, rua, ruf);
    }

    public DmarcRecordText withTesting(boolean t) {
        return new DmarcRecordText(policy, subdomain, nonexistent, adkim, aspf, percent, t, psd, failureOptions, rua, ruf);
    }

    public DmarcRecordText withFailureOptions(List<String> fo) {
        return new DmarcRecordText(policy, subdomain, nonexistent, adkim, aspf, percent, testing, psd, fo, rua, ruf);
    }

    public DmarcRecordText withRua(List<String> uris) {
        return new DmarcRecordText(policy, subdomain, nonexistent, adkim, aspf, percent, testing, psd, failureOptions, uris, ruf);
    }

    public DmarcRecordText withRuf(List<String> uris) {
        return new DmarcRecordText(policy, subdomain, nonexistent, adkim, aspf, percent, testing, psd, failureOptions, rua, uris);
    }

    /** The record text, {@code v} first and {@code p} second (what older parsers expect). */
    public String text() {
        List<String> tags = new ArrayList<>();
        tags.add("v=DMARC1");
        tags.add("p=" + policy.keyword());
        subdomain.ifPresent(s -> tags.add("sp=" + s.keyword()));
        nonexistent.ifPresent(s -> tags.add("np=" + s.keyword()));
        if (adkim == Alignment.STRICT) {
            tags.add("adkim=s");
        }
        if (aspf == Alignment.STRICT) {
            tags.add("aspf=s");
        }
        // fo before pct: the order of the GOV.UK guidance's records.
        if (!failureOptions.equals(List.of("0")) && !failureOptions.isEmpty()) {
            tags.add("fo=" + String.join(":", failureOptions));
        }
        percent.ifPresent(p -> tags.add("pct=" + p));
        if (testing) {
            tags.add("t=y");
        }
        if (psd != PsdFlag.U) {
            tags.add("psd=" + psd.keyword());
        }
        if (!rua.isEmpty()) {
            tags.add("rua=" + String.join(",", rua));
        }
        if (!ruf.isEmpty()) {
            tags.add("ruf=" + String.join(",", ruf));
        }
        return String.join(";", tags);
    }

    @Override
    public String toString() {
        return text();
    }
}
