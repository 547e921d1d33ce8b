package org.bitbudget.ir.precision;

import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * The bias a quantized layer uses: when its input is quantized and its weights are integer codes with a
 * scale per channel (or one per tensor), each channel's bias is an int32 code times the unit
 * {@code s_in * s_w[j]} (a float32 product), {@code code = round(b / unit)}. That is the bias a runtime's
 * fused integer kernel adds to its int32 accumulators (ONNX Runtime's QLinearConv and MatMulInteger
 * paths, and the INT32 bias its quantizer writes), so fake quantization, the integer engine, the
 * sensitivity estimators and the QDQ export all compute with this one value. A layer whose bias does
 * not fit int32 codes at that unit (tiny weight scales) keeps its float bias.
 *
 * @param units per channel, {@code s_in * s_w[j]}
 * @param codes per channel, the bias in units
 */
public record BiasGrid(float[] units, int[] codes) {
    /**
     * The grid of {@code bias}, the float bias of {@code layer} in {@code graph} (the float model) at
     * {@code precision}, or null when the layer keeps its float bias (no bias, a float input, weights
     * without integer scales of one per channel, a bias not of one value per channel, or a code beyond
     * int32).
     *
     * @param bias        the float bias: the model's, or the corrected one ({@link QuantizedGraph#correctedBias});
     *                    null without
     * @param input       the input's scale and zero point, null for a float input
     * @param accumulator the accumulator-aware codes and scales, null without
     */
    public static BiasGrid of(
            Layer layer,
            Graph graph,
            Tensor bias,
            Precision precision,
            RangeSearch.Params input,
            AccumulatorAware.Result accumulator) {
        if (bias == null
                || input == null
                || !precision.weights().quantizes()
                || !precision.weights().format().isInteger()) {
            return null;
        }
        float[] weightScales = accumulator != null
                ? accumulator.scales()
                : WeightQuantizer.channelScales(
                        graph.initializers().get(layer.weightName()),
                        QuantizedGraph.channelAxis(layer),
                        precision.weights());
        if (weightScales == null) {
            return null;
        }
        float[] b = bias.data();
        int n = b.length;
        if (n != weightScales.length) {
            return null;
        }
        float[] units = new float[n];
        int[] codes = new int[n];
        for (int j = 0; j < n; j++) {
            units[j] = input.scale() * weightScales[j];
            double code = Math.rint(b[j] / (double) units[j]);
            if (!(units[j] > 0) || !Float.isFinite(units[j]) || Math.abs(code) > Integer.MAX_VALUE) {
                return null;
            }
            codes[j] = (int) code;
        }
        return new BiasGrid(units, codes);
    }

    /** The bias's real values, {@code code * unit} in float32 (what DequantizeLinear of the codes gives). */
    public Tensor values(Shape shape) {
        float[] v = new float[codes.length];
        for (int j = 0; j < v.length; j++) {
            v[j] = codes[j] * units[j];
        }
        return Tensor.of(shape, v);
    }

    /**
     * The float {@code bias} of {@code layer} as the layer uses it at {@code precision}: on the grid when
     * it has one, else unchanged (null when the layer has none).
     */
    public static Tensor bias(
            Layer layer,
            Graph graph,
            Tensor bias,
            Precision precision,
            RangeSearch.Params input,
            AccumulatorAware.Result accumulator) {
        BiasGrid grid = of(layer, graph, bias, precision, input, accumulator);
        return grid == null ? bias : grid.values(bias.shape());
    }
}
