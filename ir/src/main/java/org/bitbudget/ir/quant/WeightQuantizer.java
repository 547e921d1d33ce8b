package org.bitbudget.ir.quant;

import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Fake-quantizes a weight tensor: every value is replaced by its quantize-dequantize under a
 * {@link QuantizerSpec}. The weight is seen as a matrix of output channels by reduction values:
 * a convolution weight [M, C/g, k…] has channels on axis 0; a 2-D weight has them on
 * {@code channelAxis} (0 for Gemm with transB, 1 for [K, N] weights of Gemm and MatMul).
 */
public final class WeightQuantizer {
    private WeightQuantizer() {}

    /**
     * The quantized tensor and how many scales and zero points it stores (for size costs).
     *
     * @param tensor     the dequantized values, same shape as the input
     * @param scales     float scales stored (per tensor, per channel, or per channel for VS-Quant)
     * @param vectorScales integer per-vector scales stored (VS-Quant), each of
     *                   {@link Granularity#VECTOR_SCALE_BITS} bits
     * @param zeroPoints zero points stored
     */
    public record Result(Tensor tensor, int scales, int vectorScales, int zeroPoints) {}

    /** Quantizes {@code weight} with channels on {@code channelAxis}. */
    public static Result quantize(Tensor weight, int channelAxis, QuantizerSpec spec) {
        if (!spec.quantizes()) {
            return new Result(weight, 0, 0, 0);
        }
        Shape shape = weight.shape();
        if (shape.rank() > 0 && (channelAxis < 0 || channelAxis >= shape.rank())) {
            throw new IllegalArgumentException("channel axis " + channelAxis + " is out of range for " + shape);
        }
        int channels = shape.rank() == 0 ? 1 : shape.dim(channelAxis);
        int k = channels == 0 ? 0 : shape.size() / channels;
        Layout layout = new Layout(channels, shape.rank() == 0 ? 1 : shape.size(channelAxis + 1, shape.rank()));
        float[] w = weight.data();
        float[] out = new float[w.length];
        Result first = quantizeInto(w, out, channels, k, layout, spec.format(), spec);
        if (spec.residual() != null) {
            float[] residual = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                residual[i] = w[i] - out[i];
            }
            float[] second = new float[w.length];
            Result r = quantizeInto(residual, second, channels, k, layout, spec.residual(), spec);
            for (int i = 0; i < w.length; i++) {
                out[i] += second[i];
            }
            return new Result(
                    Tensor.of(shape, out),
                    first.scales() + r.scales(),
                    first.vectorScales() + r.vectorScales(),
                    first.zeroPoints() + r.zeroPoints());
        }
        return new Result(Tensor.of(shape, out), first.scales(), first.vectorScales(), first.zeroPoints());
    }

    /**
     * The scale of each output channel's codes (per-tensor quantization repeats its one scale), as
     * {@link #quantize} chooses them; null when {@code spec} has no such scales (float, per-vector, or a
     * residual).
     */
    public static float[] channelScales(Tensor weight, int channelAxis, QuantizerSpec spec) {
        Granularity.Kind kind = spec.granularity().kind();
        if (!spec.quantizes() || spec.residual() != null || kind == Granularity.Kind.PER_VECTOR) {
            return null;
        }
        Shape shape = weight.shape();
        int channels = shape.rank() == 0 ? 1 : shape.dim(channelAxis);
        int k = channels == 0 ? 0 : shape.size() / channels;
        float[] w = weight.data();
        float[] scales = new float[channels];
        if (kind == Granularity.Kind.PER_TENSOR) {
            java.util.Arrays.fill(
                    scales,
                    RangeSearch.choose(w, w.length, spec.format(), spec.clipping())
                            .scale());
            return scales;
        }
        Layout layout = new Layout(channels, shape.rank() == 0 ? 1 : shape.size(channelAxis + 1, shape.rank()));
        float[] group = new float[k];
        for (int ch = 0; ch < channels; ch++) {
            gather(w, layout, ch, 0, k, group);
            scales[ch] =
                    RangeSearch.choose(group, k, spec.format(), spec.clipping()).scale();
        }
        return scales;
    }

    /**
     * Element j of a channel is at {@code ((j / inner) * channels + channel) * inner + j % inner}:
     * {@code inner} is the product of the dimensions after the channel axis (the whole channel for
     * axis 0, 1 for a matrix's axis 1, the kernel for ConvTranspose's axis 1).
     */
    private record Layout(int channels, int inner) {
        int index(int channel, int j) {
            return ((j / inner) * channels + channel) * inner + j % inner;
        }
    }

    private static Result quantizeInto(
            float[] w, float[] out, int channels, int k, Layout layout, NumberFormat format, QuantizerSpec spec) {
        Granularity g = spec.granularity();
        int zeroPoints = format.unsigned() ? 1 : 0;
        switch (g.kind()) {
            case PER_TENSOR -> {
                RangeSearch.Params p = RangeSearch.choose(w, w.length, format, spec.clipping());
                for (int i = 0; i < w.length; i++) {
                    out[i] = p.apply(w[i], format);
                }
                return new Result(null, 1, 0, zeroPoints);
            }
            case PER_CHANNEL -> {
                float[] group = new float[k];
                for (int ch = 0; ch < channels; ch++) {
                    gather(w, layout, ch, 0, k, group);
                    RangeSearch.Params p = RangeSearch.choose(group, k, format, spec.clipping());
                    for (int j = 0; j < k; j++) {
                        out[layout.index(ch, j)] = p.apply(group[j], format);
                    }
                }
                return new Result(null, channels, 0, channels * zeroPoints);
            }
            case PER_VECTOR -> {
                if (format.unsigned()) {
                    throw new IllegalArgumentException(
                            "per-vector granularity needs a signed format, not " + format.name());
                }
                int n = g.vectorSize();
                int vectors = (k + n - 1) / n;
                int maxCode = (1 << Granularity.VECTOR_SCALE_BITS) - 1;
                float[] group = new float[n];
                float[] vectorScale = new float[vectors];
                for (int ch = 0; ch < channels; ch++) {
                    float channelMax = 0f;
                    for (int v = 0; v < vectors; v++) {
                        int len = Math.min(n, k - v * n);
                        gather(w, layout, ch, v * n, len, group);
                        float vectorMax = 0f;
                        for (int j = 0; j < len; j++) {
                            vectorMax = Math.max(vectorMax, Math.abs(group[j]));
                        }
                        // An all-zero vector's scale is 0: choose()'s fallback scale of 1 must not set the channel's.
                        vectorScale[v] = vectorMax == 0f
                                ? 0f
                                : RangeSearch.choose(group, len, format, spec.clipping())
                                        .scale();
                        channelMax = Math.max(channelMax, vectorScale[v]);
                    }
                    // Two-level scale: an integer code per vector times one float scale per channel.
                    float channelScale = channelMax / maxCode;
                    for (int v = 0; v < vectors; v++) {
                        int len = Math.min(n, k - v * n);
                        float code = channelScale > 0
                                ? Math.clamp((float) Math.rint(vectorScale[v] / channelScale), 1f, (float) maxCode)
                                : 1f;
                        RangeSearch.Params p = new RangeSearch.Params(channelScale > 0 ? code * channelScale : 1f, 0f);
                        for (int j = 0; j < len; j++) {
                            int idx = layout.index(ch, v * n + j);
                            out[idx] = p.apply(w[idx], format);
                        }
                    }
                }
                return new Result(null, channels, channels * vectors, 0);
            }
        }
        throw new AssertionError(g);
    }

    private static void gather(float[] w, Layout layout, int channel, int from, int len, float[] group) {
        for (int j = 0; j < len; j++) {
            group[j] = w[layout.index(channel, from + j)];
        }
    }
}
