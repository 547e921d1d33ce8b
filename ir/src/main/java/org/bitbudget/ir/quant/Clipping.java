package org.bitbudget.ir.quant;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the range a scale covers is chosen from the values sharing it:
 * <ul>
 *   <li>{@code max}: the largest magnitude (or the min and max, for unsigned formats);</li>
 *   <li>{@code percentile(p)}: the p-th percentile of the magnitudes (of the values, at p and 100−p,
 *       for unsigned formats), linear interpolation between order statistics;</li>
 *   <li>{@code mse}: the range r = α · max that minimises the mean squared error between the values
 *       and their quantize-dequantize, found by {@link RangeSearch} (a grid over α, then golden-section
 *       refinement to a relative tolerance of 1e-4).</li>
 *   <li>{@code auto} (weights only): per layer, whichever of {@link #AUTO_RULES} gives the layer's
 *       output the smallest mean squared error on calibration data. It is a request: the engine
 *       module's {@code WeightCalibration} replaces it by the rule it measured before a graph is
 *       quantized, and a config records that rule.</li>
 * </ul>
 *
 * @param kind       the rule
 * @param percentile p for {@link Kind#PERCENTILE}, in (0, 100]
 */
public record Clipping(Kind kind, double percentile) {
    /** The three rules. */
    public enum Kind {
        MAX,
        PERCENTILE,
        MSE,
        AUTO
    }

    public static final Clipping MAX = new Clipping(Kind.MAX, 100);
    public static final Clipping MSE = new Clipping(Kind.MSE, 100);
    public static final Clipping AUTO = new Clipping(Kind.AUTO, 100);
    /** The rules {@code auto} chooses from, in the order a tie is broken (the first wins). */
    public static final java.util.List<Clipping> AUTO_RULES =
            java.util.List.of(MAX, new Clipping(Kind.PERCENTILE, 99.9), new Clipping(Kind.PERCENTILE, 99), MSE);

    public Clipping {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("a percentile must be in (0, 100], got " + percentile);
        }
    }

    /** Parses {@code max}, {@code mse}, {@code percentile(P)} or {@code auto}. */
    public static Clipping parse(String text) {
        String t = text.trim();
        if (t.equals("max")) {
            return MAX;
        }
        if (t.equals("mse")) {
            return MSE;
        }
        if (t.equals("auto")) {
            return AUTO;
        }
        Matcher m = Pattern.compile("percentile\\(([0-9.]+)\\)").matcher(t);
        if (m.matches()) {
            try {
                return new Clipping(Kind.PERCENTILE, Double.parseDouble(m.group(1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "': the percentile must be in (0, 100]");
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not max, mse, percentile(P) or auto");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MAX -> "max";
            case MSE -> "mse";
            case AUTO -> "auto";
            case PERCENTILE -> "percentile(" + percentile + ")";
        };
    }
}
