package org.bitbudget.ir.quant;

import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Integer grids: symmetric signed, full-range signed, unsigned, binary (±1) and ternary.
 *
 * @param name  the config name
 * @param bits  storage bits
 * @param min   the smallest code
 * @param max   the largest code
 * @param signOnly true for {@code binary}, the sign-only format, whose zero maps to +1
 */
public record IntegerFormat(String name, int bits, int min, int max, boolean signOnly) implements NumberFormat {

    /** {@code intB}: ±(2^(B−1)−1). */
    public static IntegerFormat symmetric(int bits) {
        checkBits(bits);
        int q = (1 << (bits - 1)) - 1;
        return new IntegerFormat("int" + bits, bits, -q, q, false);
    }

    /** {@code intB-full}: −2^(B−1) … 2^(B−1)−1. */
    public static IntegerFormat fullRange(int bits) {
        checkBits(bits);
        return new IntegerFormat("int" + bits + "-full", bits, -(1 << (bits - 1)), (1 << (bits - 1)) - 1, false);
    }

    /** {@code uintB}: 0 … 2^B−1. */
    public static IntegerFormat unsigned(int bits) {
        checkBits(bits);
        return new IntegerFormat("uint" + bits, bits, 0, (1 << bits) - 1, false);
    }

    /** {@code binary}: ±1. */
    public static IntegerFormat binary() {
        return new IntegerFormat("binary", 1, -1, 1, true);
    }

    /** {@code ternary}: −1, 0, +1 (two bits of storage). */
    public static IntegerFormat ternary() {
        return new IntegerFormat("ternary", 2, -1, 1, false);
    }

    /**
     * The names {@link NumberFormats} accepts for this family: {@code int2..int8},
     * {@code int2-full..int8-full} and {@code uint2..uint8}.
     */
    static final NumberFormats.Family FAMILY =
            new NumberFormats.Family("int2..int8, int2-full..int8-full, uint2..uint8", IntegerFormat::named);

    private static final Pattern NAME = Pattern.compile("(u?)int([2-8])(-full)?");

    /**
     * The member of {@link #FAMILY} called {@code name}, or null when the name is not of its form.
     *
     * @throws IllegalArgumentException saying why when the name is of the form but names no format
     */
    private static IntegerFormat named(String name) {
        Matcher integer = NAME.matcher(name);
        if (!integer.matches()) {
            return null;
        }
        int bits = Integer.parseInt(integer.group(2));
        if (!integer.group(1).isEmpty()) {
            if (integer.group(3) != null) {
                throw new IllegalArgumentException("unsigned formats have no -full variant");
            }
            return unsigned(bits);
        }
        return integer.group(3) != null ? fullRange(bits) : symmetric(bits);
    }

    private static void checkBits(int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("integer formats have 2..16 bits, got " + bits);
        }
    }

    public double maxValue() {
        return max;
    }

    /** Always 1: the values are the codes. */
    public double codeStep() {
        return 1;
    }

    @Override
    public boolean isInteger() {
        return true;
    }

    @Override
    public int minCode() {
        return min;
    }

    @Override
    public int maxCode() {
        return max;
    }

    public double minValue() {
        return min;
    }

    public float quantize(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (signOnly) {
            return x >= 0 ? 1f : -1f;
        }
        return clamp((float) Math.rint(x));
    }

    public float quantize(float x, RandomGenerator random) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (signOnly) {
            // Up to +1 with probability (x + 1) / 2, the stochastic sign of BinaryConnect.
            float p = (Math.clamp(x, -1f, 1f) + 1f) / 2f;
            return random.nextFloat() < p ? 1f : -1f;
        }
        return clamp((float) Math.floor((double) x + random.nextDouble()));
    }

    private float clamp(float v) {
        return Math.clamp(v, (float) min, (float) max);
    }

    public float[] values() {
        if (signOnly) {
            return new float[] {-1f, 1f};
        }
        float[] v = new float[max - min + 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = min + i;
        }
        return v;
    }
}
