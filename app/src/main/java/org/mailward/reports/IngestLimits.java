package org.mailward.reports;

/**
 * Bounds on what one input may expand to, against decompression bombs and pathological mail.
 *
 * @param maxInputBytes    larger inputs are refused before anything else (and stored without content)
 * @param maxExpandedBytes the total bytes all gzip/zip/base64 layers of one input may expand to
 * @param maxEntries       zip entries plus MIME parts plus mbox messages in one input
 * @param maxNesting       archive / message nesting levels (a zip in a gzip in a mail is 3)
 * @param maxXmlElements   elements in one XML report
 */
public record IngestLimits(long maxInputBytes, long maxExpandedBytes, int maxEntries, int maxNesting,
                           int maxXmlElements) {

    /** Generous for real reports (the largest aggregate reports are tens of MB uncompressed). */
    public static IngestLimits defaults() {
        return new IngestLimits(64L << 20, 512L << 20, 10_000, 5, 5_000_000);
    }
}
