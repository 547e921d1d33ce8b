package org.bitbudget.ir.quant;

import java.util.random.RandomGenerator;

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
 * {@link NumberFormats} holds these names and those registered later.
 *
 * <p>Code that treats formats differently asks the format ({@link #quantizes()}, {@link #isInteger()},
 * {@link #unsigned()}, {@link #signOnly()}, {@link #codeStep()} and the codes it gives,
 * {@link #fitsInt8Codes()}, {@link #precisionBits()}) rather than testing its class, so a new format
 * is one implementation of this interface plus its registration.
 *
 * <pre>{@code
 * NumberFormat f = NumberFormat.parse("fp8-e4m3");
 * f.quantize(300f);   // 288.0
 * f.quantize(1000f);  // 448.0 (saturated)
 * }</pre>
 */
public interface NumberFormat {

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

    /**
     * The largest power of two that divides every value, so that each value is an integer code times
     * this step: 1 for integer formats, the smallest subnormal 2^(1 − bias − M) for minifloats,
     * {@link Float#MIN_VALUE} for {@code float}. Being a power of two, value / step and code × step
     * are exact in floating point, which the integer kernels rely on.
     */
    double codeStep();

    /** True when the format has no sign (values are 0 or more). */
    default boolean unsigned() {
        return minValue() >= 0;
    }

    /** False only for {@code float}, which passes values through unchanged. */
    default boolean quantizes() {
        return true;
    }

    /**
     * True when every value is an integer and the format is integer arithmetic: the codes from
     * {@link #minCode()} to {@link #maxCode()} ({@code intN}, {@code uintN}, ternary; binary's ±1).
     * Accumulator-aware quantization and the integer kernels' inputs need integer activations, and
     * the cost models price integer operands as integer MACs.
     */
    default boolean isInteger() {
        return false;
    }

    /** True for {@code binary}: values are ±1, zero included maps to +1, one bit per value. */
    default boolean signOnly() {
        return false;
    }

    /**
     * The smallest value's code, {@link #minValue()} / {@link #codeStep()}, saturated to the int
     * range (only {@code float} and wide minifloats have codes beyond it, and no integer path takes
     * them).
     */
    default int minCode() {
        return (int) (minValue() / codeStep());
    }

    /** The largest value's code, {@link #maxValue()} / {@link #codeStep()}, saturated as {@link #minCode()}. */
    default int maxCode() {
        return (int) (maxValue() / codeStep());
    }

    /** The largest |code|, unsaturated: max(|min|, |max|) / {@link #codeStep()}. */
    default double maxAbsCode() {
        return Math.max(Math.abs(minValue()), Math.abs(maxValue())) / codeStep();
    }

    /**
     * True when the integer engine can run weights of this format as int8 codes: signed (no zero
     * point) with every code in [−128, 127], e.g. {@code int2}…{@code int8}, {@code int8-full},
     * binary, ternary, fp4-e2m1 (codes ±12) and fp6-e2m3 (±60), but not fp6-e3m2 (±448), the fp8
     * formats or unsigned ones. A weight w is then code × scale × {@link #codeStep()}.
     */
    default boolean fitsInt8Codes() {
        return quantizes() && !unsigned() && minCode() >= Byte.MIN_VALUE && maxCode() <= Byte.MAX_VALUE;
    }

    /**
     * Bits of relative precision: the sign, the implicit leading one and the M mantissa bits of a
     * floating-point format (M + 2; 25 for {@code float}), all the bits of an integer format.
     */
    default int precisionBits() {
        return bits();
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

        public double codeStep() {
            return Float.MIN_VALUE;
        }

        @Override
        public boolean quantizes() {
            return false;
        }

        @Override
        public int precisionBits() {
            return 25;
        }
    }

    /** The unquantized format. */
    NumberFormat FLOAT = new Unquantized();

    /**
     * The format called {@code name}, looked up in {@link NumberFormats}.
     *
     * @throws IllegalArgumentException naming the registered forms when {@code name} is none of them
     */
    static NumberFormat parse(String name) {
        return NumberFormats.parse(name);
    }
}
