package org.bitbudget.costs;

import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.kernels.gemm.AccumulatorBounds;

/**
 * {@code accumulator} and {@code accumulator-l1}: the accumulator bits a layer's dot products
 * need so that no input can overflow them (DESIGN.md, accumulator-aware quantization), the largest
 * over layers as the total.
 *
 * <ul>
 *   <li>data-type bound ({@code accumulator}): P = K × max|w code| × max|a code|;</li>
 *   <li>L1-norm bound ({@code accumulator-l1}): P = max over output channels of ||w codes||_1 ×
 *       max|a code|, using the layer's actual weights quantized with the precision's weight
 *       quantizer; never more than the data-type bound, and reached when activations are symmetric.</li>
 * </ul>
 * Both give {@link AccumulatorBounds#bits}(P) = ceil(log2(P + 1)) + 1 (one more than DESIGN.md's
 * ceil(log2 P) + 1 when P is a power of two, where +P needs the extra bit), as the kernels do.
 *
 * <p>Codes: integer formats use their codes (max|code| = max(|min|, |max|); an unsigned activation
 * with zero point is counted as code − zero point, at most the format's maximum in magnitude);
 * minifloat values are integer multiples of their smallest subnormal, so an exact fixed-point
 * (Kulisch) accumulator needs max|code| = maxValue / smallest subnormal. When either operand is
 * {@code float}, the dot product accumulates in float32 and the cost is 32. {@code per-vector(n)}
 * weights multiply each vector's partial sum by its 6-bit scale: P grows by 63 (data-type bound;
 * the L1 model uses the data-type bound there). A residual weight tensor is a second dot product;
 * the wider of the two counts (the L1 model uses the data-type bound then). A precision whose
 * accumulator is below the default 32 bits and below the bound (e.g. {@code accumulator: 16}) needs
 * only that width, which accumulator-aware quantization of its weights guarantees.
 */
public final class AccumulatorCost implements CostModel {
    private final boolean l1;

    private AccumulatorCost(boolean l1) {
        this.l1 = l1;
    }

    /** The data-type bound. */
    public static AccumulatorCost dataType() {
        return new AccumulatorCost(false);
    }

    /** The L1-norm bound. */
    public static AccumulatorCost l1Norm() {
        return new AccumulatorCost(true);
    }

    @Override
    public String name() {
        return l1 ? "accumulator-l1" : "accumulator";
    }

    @Override
    public String unit() {
        return "bits";
    }

    @Override
    public Total total() {
        return Total.MAX;
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        QuantizerSpec w = precision.weights();
        NumberFormat a = precision.activations().format();
        if (!w.quantizes() || !a.quantizes()) {
            return 32;
        }
        boolean plain = w.residual() == null && w.granularity().kind() != Granularity.Kind.PER_VECTOR;
        int bits;
        if (l1 && plain) {
            bits = AccumulatorBounds.bits(l1Magnitude(layer, w, Formats.maxAbsCode(a)));
        } else {
            bits = dataTypeBits(layer.reduction(), w.format(), a, w.granularity());
            if (w.residual() != null) {
                bits = Math.max(bits, dataTypeBits(layer.reduction(), w.residual(), a, w.granularity()));
            }
        }
        // A narrower accumulator in the precision constrains the weights (accumulator-aware
        // quantization) so that it can never overflow: that width is all the layer needs.
        return precision.accumulatorBits() < 32 ? Math.min(bits, precision.accumulatorBits()) : bits;
    }

    /** The data-type bound for dot products of length {@code k}. */
    public static int dataTypeBits(int k, NumberFormat weights, NumberFormat activations, Granularity granularity) {
        double p = k * Formats.maxAbsCode(weights) * Formats.maxAbsCode(activations);
        if (granularity.kind() == Granularity.Kind.PER_VECTOR) {
            p *= (1 << Granularity.VECTOR_SCALE_BITS) - 1;
        }
        return bits(p);
    }

    /** The L1-norm bound for integer weight codes of one channel. */
    public static int l1Bits(long[] codes, NumberFormat activations) {
        double norm = 0;
        for (long c : codes) {
            norm += Math.abs(c);
        }
        return bits(norm * Formats.maxAbsCode(activations));
    }

    private static int bits(double magnitude) {
        if (magnitude < 0x1p62) {
            return AccumulatorBounds.bits((long) Math.ceil(magnitude));
        }
        return Math.getExponent(magnitude) + 2;
    }

    /** max over channels of ||codes||_1 × maxA, codes from the precision's weight quantizer. */
    private static long l1Magnitude(LayerInfo layer, QuantizerSpec spec, double maxA) {
        float[] w = layer.weight().data();
        int channels = layer.channels();
        int k = layer.reduction();
        // Values of one channel: k = outer x inner, around the channel axis (ConvTranspose's is axis 1 of 3+).
        int[] dims = layer.weight().shape().dims();
        int inner = 1;
        for (int a = layer.channelAxis() + 1; a < dims.length; a++) {
            inner *= dims[a];
        }
        NumberFormat format = spec.format();
        double unit = format.codeStep();
        RangeSearch.Params tensorParams = spec.granularity().kind() == Granularity.Kind.PER_TENSOR
                ? RangeSearch.choose(w, w.length, format, spec.clipping())
                : null;
        float[] group = new float[k];
        double worst = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int j = 0; j < k; j++) {
                group[j] = w[((j / inner) * channels + ch) * inner + j % inner];
            }
            RangeSearch.Params p =
                    tensorParams != null ? tensorParams : RangeSearch.choose(group, k, format, spec.clipping());
            double norm = 0;
            for (int j = 0; j < k; j++) {
                float t = group[j] / p.scale();
                if (p.zeroPoint() != 0f) {
                    t = (float) Math.rint(t) + p.zeroPoint();
                }
                norm += Math.abs(format.quantize(t) - p.zeroPoint()) / unit;
            }
            worst = Math.max(worst, norm);
        }
        return (long) Math.ceil(worst * maxA);
    }
}
