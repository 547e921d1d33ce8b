package org.bitbudget.costs;

import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * {@code size}: the bits a layer stores, in {@code bits} (bytes = bits / 8):
 * <ul>
 *   <li>weights × weight bits, plus weights × residual bits when a residual tensor is stored;</li>
 *   <li>biases × 32 (biases stay 32-bit: int32 in the integer kernels, float otherwise);</li>
 *   <li>scales: one 32-bit float per tensor ({@code per-tensor}) or per output channel
 *       ({@code per-channel}); {@code per-vector(n)} stores a 32-bit float per channel plus a
 *       {@value Granularity#VECTOR_SCALE_BITS}-bit integer scale per run of n values along each
 *       channel's reduction (ceil(K / n) per channel); a residual tensor has its own scales;</li>
 *   <li>zero points: unsigned weight formats store one per scale, at the format's bits.</li>
 * </ul>
 * These counts equal those {@link org.bitbudget.ir.quant.WeightQuantizer} reports. Float weights
 * cost 32 bits each and store no scale.
 */
public final class SizeCost implements CostModel {
    /** Bits of a float scale. */
    public static final int SCALE_BITS = 32;
    /** Bits of a bias value. */
    public static final int BIAS_BITS = 32;

    @Override
    public String name() {
        return "size";
    }

    @Override
    public String unit() {
        return "bits";
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        return bits(layer, precision.weights());
    }

    /** The bits of {@code layer}'s weights, biases, scales and zero points under {@code weights}. */
    public static long bits(LayerInfo layer, QuantizerSpec weights) {
        long n = layer.weightParams();
        long bits = layer.biasParams() * BIAS_BITS;
        if (!weights.quantizes()) {
            return bits + n * 32;
        }
        bits += tensorBits(layer, weights.format(), weights.granularity());
        if (weights.residual() != null) {
            bits += tensorBits(layer, weights.residual(), weights.granularity());
        }
        return bits;
    }

    private static long tensorBits(LayerInfo layer, NumberFormat format, Granularity g) {
        long values = layer.weightParams() * format.bits();
        long channels = layer.channels();
        long scales = switch (g.kind()) {
            case PER_TENSOR -> 1;
            case PER_CHANNEL, PER_VECTOR -> channels;
        };
        long vectorScales = g.kind() == Granularity.Kind.PER_VECTOR
                ? channels * Math.ceilDiv((long) layer.reduction(), g.vectorSize())
                : 0;
        long zeroPoints = format.unsigned() ? scales : 0;
        return values + scales * SCALE_BITS + vectorScales * Granularity.VECTOR_SCALE_BITS + zeroPoints * format.bits();
    }
}
