package org.bitbudget.ir.quant;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small floating-point formats with a sign bit, {@code exponentBits} of biased exponent and
 * {@code mantissaBits} of fraction, with subnormals. Which top encodings are reserved decides the
 * largest value:
 * <ul>
 *   <li>{@link Reserved#NONE}: every encoding is a number (fp6, fp4, any {@code fpN-eEmM});</li>
 *   <li>{@link Reserved#NAN_ONLY}: only exponent and mantissa all ones is NaN (fp8-e4m3, max 448);</li>
 *   <li>{@link Reserved#IEEE}: the top exponent holds infinities and NaNs (fp8-e5m2, max 57344).</li>
 * </ul>
 * Rounding is to nearest, ties to even, at the spacing of the value's binade (the subnormal spacing
 * 2^(1−bias−M) below the smallest normal); results beyond the largest value saturate to it.
 *
 * @param name         the config name
 * @param exponentBits E
 * @param mantissaBits M
 * @param bias         the exponent bias
 * @param reserved     which top encodings are not numbers
 */
public record MiniFloatFormat(String name, int exponentBits, int mantissaBits, int bias, Reserved reserved)
        implements NumberFormat {

    /** Which of the top encodings are reserved for infinities and NaNs. */
    public enum Reserved {
        NONE,
        NAN_ONLY,
        IEEE
    }

    /** OCP FP8 E4M3 (“FN”): bias 7, max 448, no infinity. */
    public static final MiniFloatFormat FP8_E4M3 = new MiniFloatFormat("fp8-e4m3", 4, 3, 7, Reserved.NAN_ONLY);
    /** OCP FP8 E5M2: IEEE-like, bias 15, max 57344. */
    public static final MiniFloatFormat FP8_E5M2 = new MiniFloatFormat("fp8-e5m2", 5, 2, 15, Reserved.IEEE);

    /** {@code fpN-eEmM} with bias 2^(E−1)−1 and every encoding finite (fp6-e3m2, fp6-e2m3, fp4-e2m1, …). */
    public static MiniFloatFormat allFinite(int exponentBits, int mantissaBits) {
        return new MiniFloatFormat(
                "fp" + (1 + exponentBits + mantissaBits) + "-e" + exponentBits + "m" + mantissaBits,
                exponentBits,
                mantissaBits,
                (1 << (exponentBits - 1)) - 1,
                Reserved.NONE);
    }

    /** The names {@link NumberFormats} accepts for this family: any {@code fpN-eEmM} ({@link #allFinite}). */
    static final NumberFormats.Family FAMILY = new NumberFormats.Family("fpN-eEmM", MiniFloatFormat::named);

    private static final Pattern NAME = Pattern.compile("fp([0-9]+)-e([0-9]+)m([0-9]+)");

    /**
     * The member of {@link #FAMILY} called {@code name}, or null when the name is not of its form.
     *
     * @throws IllegalArgumentException saying why when the name is of the form but names no format
     */
    private static MiniFloatFormat named(String name) {
        Matcher mini = NAME.matcher(name);
        if (!mini.matches()) {
            return null;
        }
        int total = Integer.parseInt(mini.group(1));
        int e = Integer.parseInt(mini.group(2));
        int m = Integer.parseInt(mini.group(3));
        if (total != 1 + e + m) {
            throw new IllegalArgumentException(
                    "1 sign + " + e + " exponent + " + m + " mantissa bits is " + (1 + e + m) + ", not " + total);
        }
        if (e < 1 || e > 8 || m < 0 || m > 10) {
            throw new IllegalArgumentException("exponent bits must be 1..8 and mantissa bits 0..10");
        }
        return allFinite(e, m);
    }

    public int bits() {
        return 1 + exponentBits + mantissaBits;
    }

    /** The smallest subnormal, 2^(1 − bias − M): every value is a multiple of it. */
    public double codeStep() {
        return Math.scalb(1.0, minExponent() - mantissaBits);
    }

    /** M + 2: the sign, the implicit leading one and the mantissa. */
    @Override
    public int precisionBits() {
        return mantissaBits + 2;
    }

    /** The exponent of the smallest normal value. */
    public int minExponent() {
        return 1 - bias;
    }

    public double maxValue() {
        int topField = (1 << exponentBits) - 1;
        return switch (reserved) {
            case NONE -> Math.scalb(2 - Math.scalb(1.0, -mantissaBits), topField - bias);
            case NAN_ONLY -> Math.scalb(2 - Math.scalb(1.0, 1 - mantissaBits), topField - bias);
            case IEEE -> Math.scalb(2 - Math.scalb(1.0, -mantissaBits), topField - 1 - bias);
        };
    }

    public double minValue() {
        return -maxValue();
    }

    /** The spacing of representable values around magnitude {@code a}. */
    private double step(double a) {
        int e = a == 0 ? minExponent() : Math.max(Math.getExponent(a), minExponent());
        return Math.scalb(1.0, e - mantissaBits);
    }

    public float quantize(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        double a = Math.abs((double) x);
        double max = maxValue();
        if (a >= max) {
            return (float) Math.copySign(max, x);
        }
        double step = step(a);
        double q = Math.min(Math.rint(a / step) * step, max);
        return (float) Math.copySign(q, x);
    }

    public float quantize(float x, RandomGenerator random) {
        if (Float.isNaN(x)) {
            return x;
        }
        double a = Math.abs((double) x);
        double max = maxValue();
        if (a >= max) {
            return (float) Math.copySign(max, x);
        }
        double step = step(a);
        double q = Math.min(Math.floor(a / step + random.nextDouble()) * step, max);
        return (float) Math.copySign(q, x);
    }

    public float[] values() {
        TreeSet<Float> set = new TreeSet<>();
        double max = maxValue();
        for (int field = 0; field < (1 << exponentBits); field++) {
            for (int frac = 0; frac < (1 << mantissaBits); frac++) {
                double v = field == 0
                        ? Math.scalb((double) frac, minExponent() - mantissaBits)
                        : Math.scalb(1 + Math.scalb((double) frac, -mantissaBits), field - bias);
                if (v <= max) {
                    set.add((float) v);
                    if (v != 0) {
                        set.add((float) -v);
                    }
                }
            }
        }
        float[] out = new float[set.size()];
        int i = 0;
        for (float f : set) {
            out[i++] = f;
        }
        Arrays.sort(out);
        return out;
    }
}
