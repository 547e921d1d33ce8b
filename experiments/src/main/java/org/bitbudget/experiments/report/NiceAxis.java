package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linear plot axis over data from {@code lo} to {@code hi}, padded by 5% each side, with ticks at
 * "nice" numbers (1, 2 or 5 × 10^k) and numbers printed short: {@code 0.9}, {@code 24.5}, {@code 1.2M}.
 *
 * @param lo the smallest data value
 * @param hi the largest data value
 */
record NiceAxis(double lo, double hi) {
    /** How many ticks an axis aims at; a nice step gives between 3 and 8. */
    private static final int TICKS = 5;

    double span() {
        return hi > lo ? hi - lo : Math.max(Math.abs(lo) * 0.1, 1e-9);
    }

    double min() {
        return hi > lo ? lo - 0.05 * span() : lo - span();
    }

    double max() {
        return hi > lo ? hi + 0.05 * span() : lo + span();
    }

    /** Where {@code v} falls, 0 at {@link #min()} and 1 at {@link #max()}. */
    double frac(double v) {
        return (v - min()) / (max() - min());
    }

    /** The distance between ticks: 1, 2 or 5 times a power of ten. */
    double step() {
        double raw = (max() - min()) / TICKS;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    }

    /** The ticks inside the axis, multiples of {@link #step()}. */
    List<Double> ticks() {
        double s = step();
        List<Double> out = new ArrayList<>();
        for (long k = (long) Math.ceil(min() / s); k * s <= max() + s * 1e-9; k++) {
            // k * s, not a running sum: no drift such as 0.30000000000000004.
            double t = Double.parseDouble(String.format(Locale.ROOT, "%.12g", k * s));
            out.add(t);
        }
        return out;
    }

    /** A short label: three significant digits at most, k/M/G for thousands and up. */
    static String label(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e9) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e9)) + "G";
        }
        if (a >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e6)) + "M";
        }
        if (a >= 1e4) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e3)) + "k";
        }
        return trim(String.format(Locale.ROOT, "%.3g", v));
    }

    /** A value for people to read: at most 6 significant digits, no float noise (0.26491080000000006). */
    static String round(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return trim(String.format(Locale.ROOT, "%.6g", v));
    }

    private static String trim(String s) {
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
