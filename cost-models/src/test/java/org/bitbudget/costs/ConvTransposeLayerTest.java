package org.bitbudget.costs;

import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.kernels.engine.KernelPath;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * ConvTranspose as a layer with weights: listed by {@code Graph.layers()} with its output channels
 * on weight axis 1, priced by the cost models as the same weights in a Conv would be, fake-quantized
 * per output channel, and run by the integer engine in a float island (it has no integer kernel yet)
 * exactly as fake quantization runs it.
 */
class ConvTransposeLayerTest {
    /** A [C=3, M=4, 2, 2] weight, and the same values as a Conv weight [M, C, 2, 2]. */
    private static final float[] W = ModelBuilder.gaussian(5, 48, 0.5f);

    private static float[] asConvWeight() {
        float[] t = new float[48];
        for (int c = 0; c < 3; c++) {
            for (int m = 0; m < 4; m++) {
                for (int k = 0; k < 4; k++) {
                    t[(m * 3 + c) * 4 + k] = W[(c * 4 + m) * 4 + k];
                }
            }
        }
        return t;
    }

    private static Graph graph(String type) {
        ModelBuilder b = new ModelBuilder(type, 1);
        String x = b.input("x", 3, 4, 4);
        String w = type.equals("ConvTranspose")
                ? b.floats("w", new int[] {3, 4, 2, 2}, W)
                : b.floats("w", new int[] {4, 3, 2, 2}, asConvWeight());
        String bias = b.floats("b", new int[] {4}, 0.1f, -0.2f, 0.3f, 0f);
        b.output(b.node(type, "layer", List.of(x, w, bias), ints("strides", 2, 2)));
        return OnnxImporter.parse(b.bytes(), type + ".onnx");
    }

    private static Precision precision(String weights, String activations) {
        return new Precision(
                QuantizerSpec.weights(NumberFormat.parse(weights)),
                activations.equals("float")
                        ? QuantizerSpec.FLOAT
                        : QuantizerSpec.activations(NumberFormat.parse(activations)),
                32);
    }

    @Test
    void isALayerWithOutputChannelsOnWeightAxisOne() {
        Graph g = graph("ConvTranspose");
        Layer layer = g.layers().getFirst();
        assertEquals("layer", layer.name());
        assertEquals(Shape.of(3, 4, 2, 2), layer.weightShape());
        assertEquals("b", layer.biasName());
        assertEquals(1, QuantizedGraph.channelAxis(layer));
        LayerInfo info = LayerInfo.of(g).getFirst();
        // Each of the 3 x 4 x 4 input values meets 4 output channels x 4 taps.
        assertEquals(48L * 16, info.macs());
        assertEquals(4, info.channels());
        assertEquals(12, info.reduction());
    }

    @Test
    void accumulatorBoundEqualsTheSameWeightsInAConv() {
        LayerInfo transposed = LayerInfo.of(graph("ConvTranspose")).getFirst();
        LayerInfo conv = LayerInfo.of(graph("Conv")).getFirst();
        for (String format : List.of("int8", "int4")) {
            Precision p = precision(format, "int8");
            assertEquals(
                    AccumulatorCost.l1Norm().cost(conv, p),
                    AccumulatorCost.l1Norm().cost(transposed, p),
                    format);
            assertEquals(new SizeCost().cost(conv, p), new SizeCost().cost(transposed, p), format);
        }
    }

    @Test
    void weightOnlyFakeQuantizationIsPerOutputChannel() {
        Graph g = graph("ConvTranspose");
        Tensor x = Tensor.of(Shape.of(1, 3, 4, 4), ModelBuilder.gaussian(9, 48, 1f));
        for (String format : List.of("int8", "int4")) {
            Precision p = precision(format, "float");
            QuantizedGraph q =
                    FakeQuantization.apply(g, new PrecisionConfig(Precision.FLOAT, Map.of("layer", p)), null);
            Tensor expected = WeightQuantizer.quantize(g.initializers().get("w"), 1, p.weights())
                    .tensor();
            float[] got = q.graph().initializers().get("w").data();
            assertArrayEquals(expected.data(), got, format);
            assertFalse(java.util.Arrays.equals(W, got), format + " left the weight as it was");
            float[] y = FloatEngine.of(q.graph()).predict(x).data();
            assertEquals(1 * 4 * 8 * 8, y.length);
        }
    }

    @Test
    void theIntegerEngineRunsItInAFloatIslandAsFakeQuantizationDoes() {
        Graph g = graph("ConvTranspose");
        Tensor calibration = Tensor.of(Shape.of(2, 3, 4, 4), ModelBuilder.gaussian(11, 96, 1f));
        Tensor x = Tensor.of(Shape.of(2, 3, 4, 4), ModelBuilder.gaussian(12, 96, 1f));
        QuantizedGraph q =
                FakeQuantization.apply(g, new PrecisionConfig(precision("int8", "int8"), Map.of()), calibration);
        IntegerEngine engine = IntegerEngine.of(g, q);
        assertEquals(Map.of("layer", KernelPath.FLOAT), engine.kernels());
        assertEquals(Map.of("layer/input_quantizer", "FakeQuantize", "layer", "ConvTranspose"), engine.floatNodes());
        assertArrayEquals(
                FloatEngine.of(q.graph()).predict(x).data(), engine.predict(x).data());
    }
}
