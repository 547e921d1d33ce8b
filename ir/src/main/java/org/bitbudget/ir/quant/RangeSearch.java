package org.bitbudget.ir.quant;

import java.util.Arrays;

/**
 * Chooses the scale (and zero point) of a group of values sharing one, and applies it.
 *
 * <p>Signed formats are symmetric: range r from the clipping rule, scale = r / max of the format.
 * Unsigned formats cover [lo, hi] with lo ≤ 0 ≤ hi (so zero is exact): scale = (hi − lo) / max and
 * zero point = round(−lo / scale). Arithmetic is float32, as PyTorch's fake quantization is:
 * {@code q = clamp(round(x / scale) + zp)}, {@code x' = (q − zp) · scale}.
 *
 * <p>{@code mse} evaluates α = 0.01, 0.02, …, 1.00 of the full range, then refines around the best
 * α by golden-section search until the bracket is narrower than 1e-4; the result is never worse
 * than the best grid point.
 */
public final class RangeSearch {
    private static final int GRID = 100;
    private static final double TOLERANCE = 1e-4;

    private RangeSearch() {}

    /**
     * A scale and zero point.
     *
     * @param scale     value of one step of the format's grid
     * @param zeroPoint the code of real zero (0 for signed and minifloat formats)
     */
    public record Params(float scale, float zeroPoint) {
        /** Quantize-dequantize of one value. */
        public float apply(float v, NumberFormat format) {
            float t = v / scale;
            if (zeroPoint != 0f) {
                t = (float) Math.rint(t) + zeroPoint;
            }
            return (format.quantize(t) - zeroPoint) * scale;
        }
    }

    /** The parameters for {@code values[0, n)} under {@code format} and {@code clipping}. */
    public static Params choose(float[] values, int n, NumberFormat format, Clipping clipping) {
        boolean unsigned = format.unsigned();
        float lo = 0f;
        float hi = 0f;
        float absMax = 0f;
        for (int i = 0; i < n; i++) {
            float v = values[i];
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            absMax = Math.max(absMax, Math.abs(v));
        }
        return switch (clipping.kind()) {
            case MAX -> unsigned ? asymmetric(lo, hi, format) : symmetric(absMax, format);
            case PERCENTILE -> percentile(values, n, format, clipping.percentile(), unsigned);
            case MSE -> mse(values, n, format, unsigned ? lo : -absMax, unsigned ? hi : absMax, unsigned);
            case AUTO ->
                throw new IllegalArgumentException(
                        "clipping auto is chosen per layer on calibration data, which this quantizer was not given");
        };
    }

    /** Scale for the symmetric range ±r. */
    public static Params symmetric(float r, NumberFormat format) {
        float scale = r / (float) format.maxValue();
        return new Params(scale > 0 && Float.isFinite(scale) ? scale : 1f, 0f);
    }

    /** Scale and zero point for [lo, hi], widened to include zero. */
    public static Params asymmetric(float lo, float hi, NumberFormat format) {
        lo = Math.min(lo, 0f);
        hi = Math.max(hi, 0f);
        float scale = (hi - lo) / (float) format.maxValue();
        if (!(scale > 0) || !Float.isFinite(scale)) {
            return new Params(1f, 0f);
        }
        float zp = Math.clamp((float) Math.rint(-lo / scale), (float) format.minValue(), (float) format.maxValue());
        return new Params(scale, zp);
    }

    private static Params percentile(float[] values, int n, NumberFormat format, double p, boolean unsigned) {
        float[] sorted = Arrays.copyOf(values, n);
        if (unsigned) {
            Arrays.sort(sorted);
            return asymmetric(quantile(sorted, (100 - p) / 100), quantile(sorted, p / 100), format);
        }
        for (int i = 0; i < n; i++) {
            sorted[i] = Math.abs(sorted[i]);
        }
        Arrays.sort(sorted);
        return symmetric(quantile(sorted, p / 100), format);
    }

    private static float quantile(float[] sorted, double q) {
        if (sorted.length == 0) {
            return 0f;
        }
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return (float) (sorted[i] + (pos - i) * (sorted[j] - sorted[i]));
    }

    private static Params mse(float[] values, int n, NumberFormat format, float lo, float hi, boolean unsigned) {
        double bestAlpha = 1;
        double bestError = Double.POSITIVE_INFINITY;
        for (int g = 1; g <= GRID; g++) {
            double alpha = (double) g / GRID;
            double e = error(values, n, format, params(alpha, lo, hi, unsigned, format));
            if (e < bestError) {
                bestError = e;
                bestAlpha = alpha;
            }
        }
        double a = Math.max(bestAlpha - 1.0 / GRID, 1e-6);
        double b = Math.min(bestAlpha + 1.0 / GRID, 1);
        double ratio = (Math.sqrt(5) - 1) / 2;
        double c = b - ratio * (b - a);
        double d = a + ratio * (b - a);
        double ec = error(values, n, format, params(c, lo, hi, unsigned, format));
        double ed = error(values, n, format, params(d, lo, hi, unsigned, format));
        while (b - a > TOLERANCE) {
            if (ec < ed) {
                b = d;
                d = c;
                ed = ec;
                c = b - ratio * (b - a);
                ec = error(values, n, format, params(c, lo, hi, unsigned, format));
            } else {
                a = c;
                c = d;
                ec = ed;
                d = a + ratio * (b - a);
                ed = error(values, n, format, params(d, lo, hi, unsigned, format));
            }
        }
        double refined = ec < ed ? c : d;
        double refinedError = Math.min(ec, ed);
        return params(refinedError < bestError ? refined : bestAlpha, lo, hi, unsigned, format);
    }

    private static Params params(double alpha, float lo, float hi, boolean unsigned, NumberFormat format) {
        return unsigned
                ? asymmetric((float) (alpha * lo), (float) (alpha * hi), format)
                : symmetric((float) (alpha * hi), format);
    }

    /** Sum of squared quantization errors of {@code values[0, n)}. */
    public static double error(float[] values, int n, NumberFormat format, Params p) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = values[i] - p.apply(values[i], format);
            sum += d * d;
        }
        return sum;
    }
}
