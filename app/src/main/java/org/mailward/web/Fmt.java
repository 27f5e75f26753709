package org.mailward.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number and date formatting for the templates (one place, so pages and tests agree on the text). */
public final class Fmt {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    /** Thousands separated by commas, as {@code String.format(Locale.ROOT, "%,d", n)} (without its cost: pages show thousands). */
    public static String count(long n) {
        String digits = Long.toString(n);
        int sign = n < 0 ? 1 : 0;
        int len = digits.length() - sign;
        if (len <= 3) {
            return digits;
        }
        StringBuilder b = new StringBuilder(digits.length() + len / 3);
        b.append(digits, 0, sign);
        int first = len % 3 == 0 ? 3 : len % 3;
        b.append(digits, sign, sign + first);
        for (int i = sign + first; i < digits.length(); i += 3) {
            b.append(',').append(digits, i, i + 3);
        }
        return b.toString();
    }

    public static String count(double n) {
        return String.format(Locale.ROOT, "%,.1f", n);
    }

    /** One decimal, except that a fraction just short of 1 (or above 0) never shows as 100.0% (or 0.0%). */
    public static String percent(double fraction) {
        String s = String.format(Locale.ROOT, "%.1f%%", fraction * 100);
        if (fraction < 1 && s.equals("100.0%") || fraction > 0 && s.equals("0.0%")) {
            s = String.format(Locale.ROOT, "%.2f%%", fraction * 100);
            if (s.equals("100.00%")) {
                s = ">99.99%";
            } else if (s.equals("0.00%")) {
                s = "<0.01%";
            }
        }
        return s;
    }

    public static String percent(long part, long whole) {
        return whole == 0 ? "–" : percent((double) part / whole);
    }

    public static String day(long epochDay) {
        return DAY.format(Instant.ofEpochSecond(epochDay * 86_400));
    }

    public static String time(long epochSecond) {
        return TIME.format(Instant.ofEpochSecond(epochSecond));
    }

    public static String bytes(long n) {
        return n < 1024 ? n + " B" : n < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }
}
