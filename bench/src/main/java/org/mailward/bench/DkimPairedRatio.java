package org.mailward.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A load-tolerant companion to {@link DkimBench} for shared machines: runs Mailward and the raw JDK operation in
 * alternating batches (so both see the same background load) and prints the median per-batch throughput ratio.
 * The "ceiling" line pairs the raw RSA check plus one SHA-256 of the body against the raw check alone: the best
 * ratio any verifier could reach, since none can skip the body hash.
 * {@code java -cp bench/target/benchmarks.jar org.mailward.bench.DkimPairedRatio [seconds per pair]}
 */
public final class DkimPairedRatio {

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        DkimBench b = new DkimBench();
        b.setUp();
        pair("RSA-2048 verify", b::rsaVerifyMailward, b::rsaVerifyRawJdk, 50, seconds);
        // the ceiling: no verifier can skip hashing the body, so raw + one SHA-256 of it is the best possible ratio
        pair("RSA-2048 ceiling", "raw + body SHA-256", b::rsaVerifyRawJdkPlusBodyHash, b::rsaVerifyRawJdk, 50, seconds);
        pair("RSA-2048 sign", b::rsaSignMailward, b::rsaSignRawJdk, 5, seconds);
        pair("Ed25519 verify", b::ed25519VerifyMailward, b::ed25519VerifyRawJdk, 20, seconds);
        pair("Ed25519 sign", b::ed25519SignMailward, b::ed25519SignRawJdk, 20, seconds);
    }

    static void pair(String name, Callable<?> mailward, Callable<?> raw, int batch, double seconds) throws Exception {
        pair(name, "mailward", mailward, raw, batch, seconds);
    }

    static void pair(String name, String label, Callable<?> mailward, Callable<?> raw, int batch, double seconds) throws Exception {
        // warm up both
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        while (System.nanoTime() < warmEnd) {
            mailward.call();
            raw.call();
        }
        List<Double> ratios = new ArrayList<>();
        List<Double> mwRates = new ArrayList<>();
        List<Double> rawRates = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                mailward.call();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                raw.call();
            }
            long t2 = System.nanoTime();
            double mw = batch / ((t1 - t0) / 1e9);
            double rw = batch / ((t2 - t1) / 1e9);
            mwRates.add(mw);
            rawRates.add(rw);
            ratios.add(mw / rw);
        }
        System.out.printf("%-16s %s %9.0f ops/s  raw JDK %9.0f ops/s  ratio %.3f (median of %d alternating batches)%n",
                name, label, median(mwRates), median(rawRates), median(ratios), ratios.size());
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
