package org.mailward.auth.dmarc;

import java.util.Locale;

/**
 * Why the applied disposition differs from the published policy: RFC 7489 Appendix C PolicyOverrideType, plus
 * DMARCbis' {@code policy_test_mode} (t=y).
 */
public enum OverrideReason {
    FORWARDED, SAMPLED_OUT, TRUSTED_FORWARDER, MAILING_LIST, LOCAL_POLICY, POLICY_TEST_MODE, OTHER;

    /** The aggregate-report keyword, e.g. {@code sampled_out}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
