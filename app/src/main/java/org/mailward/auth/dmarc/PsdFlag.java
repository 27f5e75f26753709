package org.mailward.auth.dmarc;

/** DMARCbis {@code psd} tag: y (a Public Suffix Domain), n (an Organizational Domain), u (unspecified, default). */
public enum PsdFlag {
    Y, N, U;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
