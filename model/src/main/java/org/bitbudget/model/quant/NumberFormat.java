package org.bitbudget.model.quant;

import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How numbers are stored: a finite grid of representable values (in units of the quantizer's
 * scale) and the rounding onto it.
 *
 * <p>Rounding is to the nearest representable value, ties to even. Every format saturates: a value
 * beyond the largest magnitude, infinities included, becomes ±{@link #maxValue()} (unsigned formats
 * clamp at 0 and their maximum). NaN stays NaN. Names, as configs spell them:
 * <ul>
 *   <li>{@code int2} … {@code int8}: signed, symmetric ±(2^(b−1)−1); {@code int2-full} … {@code int8-full}:
 *       signed full range −2^(b−1) … 2^(b−1)−1;</li>
 *   <li>{@code uint2} … {@code uint8}: 0 … 2^b−1 (used with a zero point);</li>
 *   <li>{@code binary}: ±1 (zero maps to +1); {@code ternary}: −1, 0, +1;</li>
 *   <li>{@code fp8-e4m3} (bias 7, max 448, no infinity), {@code fp8-e5m2} (IEEE-like, bias 15, max
 *       57344), {@code fp6-e3m2} (max 28), {@code fp6-e2m3} (max 7.5), {@code fp4-e2m1} (max 6), and
 *       any {@code fpN-eEmM} with N = 1 + E + M, bias 2^(E−1)−1 and every encoding finite; all with
 *       subnormals;</li>
 *   <li>{@code float}: not quantized.</li>
 * </ul>
 *
 * <pre>{@code
 * NumberFormat f = NumberFormat.parse("fp8-e4m3");
 * f.quantize(300f);   // 288.0
 * f.quantize(1000f);  // 448.0 (saturated)
 * }</pre>
 */
public sealed interface NumberFormat permits IntegerFormat, MiniFloatFormat, NumberFormat.Unquantized {

    /** The name configs use. */
    String name();

    /** Bits per stored value (32 for {@code float}). */
    int bits();

    /** The largest representable value. */
    double maxValue();

    /** The smallest representable value (0 for unsigned formats). */
    double minValue();

    /** Rounds {@code x}, in units of the scale, to the nearest representable value (ties to even). */
    float quantize(float x);

    /**
     * Rounds stochastically: up with probability equal to the distance from the lower neighbour, as
     * in FP8 training; same saturation and NaN rules as {@link #quantize(float)}.
     */
    float quantize(float x, RandomGenerator random);

    /** Every representable value, ascending, without duplicates (empty for {@code float}). */
    float[] values();

    /** True when the format has no sign (values are 0 or more). */
    default boolean unsigned() {
        return minValue() >= 0;
    }

    /** {@code float}: values pass through unchanged. */
    record Unquantized() implements NumberFormat {
        public String name() {
            return "float";
        }

        public int bits() {
            return 32;
        }

        public double maxValue() {
            return Float.MAX_VALUE;
        }

        public double minValue() {
            return -Float.MAX_VALUE;
        }

        public float quantize(float x) {
            return x;
        }

        public float quantize(float x, RandomGenerator random) {
            return x;
        }

        public float[] values() {
            return new float[0];
        }
    }

    /** The unquantized format. */
    NumberFormat FLOAT = new Unquantized();

    /**
     * The format called {@code name}.
     *
     * @throws IllegalArgumentException naming the accepted forms when {@code name} is none of them
     */
    static NumberFormat parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "float", "fp32" -> {
                return FLOAT;
            }
            case "binary" -> {
                return IntegerFormat.binary();
            }
            case "ternary" -> {
                return IntegerFormat.ternary();
            }
            case "fp8-e4m3" -> {
                return MiniFloatFormat.FP8_E4M3;
            }
            case "fp8-e5m2" -> {
                return MiniFloatFormat.FP8_E5M2;
            }
            default -> {
            }
        }
        Matcher integer = Pattern.compile("(u?)int([2-8])(-full)?").matcher(n);
        if (integer.matches()) {
            int bits = Integer.parseInt(integer.group(2));
            if (!integer.group(1).isEmpty()) {
                if (integer.group(3) != null) {
                    throw new IllegalArgumentException("'" + name + "': unsigned formats have no -full variant");
                }
                return IntegerFormat.unsigned(bits);
            }
            return integer.group(3) != null ? IntegerFormat.fullRange(bits) : IntegerFormat.symmetric(bits);
        }
        Matcher mini = Pattern.compile("fp([0-9]+)-e([0-9]+)m([0-9]+)").matcher(n);
        if (mini.matches()) {
            int total = Integer.parseInt(mini.group(1));
            int e = Integer.parseInt(mini.group(2));
            int m = Integer.parseInt(mini.group(3));
            if (total != 1 + e + m) {
                throw new IllegalArgumentException("'" + name + "': 1 sign + " + e + " exponent + " + m
                        + " mantissa bits is " + (1 + e + m) + ", not " + total);
            }
            if (e < 1 || e > 8 || m < 0 || m > 10) {
                throw new IllegalArgumentException("'" + name + "': exponent bits must be 1..8 and mantissa bits 0..10");
            }
            return MiniFloatFormat.allFinite(e, m);
        }
        throw new IllegalArgumentException("unknown format '" + name + "' (expected float, int2..int8, "
                + "int2-full..int8-full, uint2..uint8, binary, ternary, fp8-e4m3, fp8-e5m2, fp6-e3m2, fp6-e2m3, "
                + "fp4-e2m1 or fpN-eEmM)");
    }
}
