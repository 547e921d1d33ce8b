package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.data.Classification;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A padded convolution on an asymmetric uint8 input (zero point not 0, so im2col's padding must be
 * the zero point's code), then Relu, MaxPool, Flatten and Gemm on random weights: the integer logits
 * stay within a few output steps of the fake-quant float engine's, and top-1 agrees.
 */
class IntegerEngineConvTest {

    private static float[] random(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    private static Graph graph(SplittableRandom r) {
        Map<String, Tensor> init = new LinkedHashMap<>();
        init.put("w1", Tensor.of(Shape.of(2, 1, 3, 3), random(r, 18, -1, 1)));
        init.put("b1", Tensor.of(Shape.of(2), random(r, 2, -0.2, 0.2)));
        init.put("w2", Tensor.of(Shape.of(3, 18), random(r, 54, -1, 1)));
        init.put("b2", Tensor.of(Shape.of(3), random(r, 3, -0.2, 0.2)));
        List<Node> nodes = List.of(
                new Node(
                        "conv",
                        new Op.Conv(new int[] {3, 3}, null, new int[] {1, 1, 1, 1}, null, 1, Op.AutoPad.NOTSET),
                        List.of("x", "w1", "b1"),
                        List.of("c")),
                new Node("relu", new Op.Unary(Op.Unary.Kind.RELU), List.of("c"), List.of("cr")),
                new Node(
                        "pool",
                        new Op.Pool(
                                Op.Pool.Kind.MAX,
                                new int[] {2, 2},
                                new int[] {2, 2},
                                null,
                                null,
                                false,
                                false,
                                Op.AutoPad.NOTSET,
                                0),
                        List.of("cr"),
                        List.of("p")),
                new Node("flatten", new Op.Flatten(1), List.of("p"), List.of("f")),
                new Node("gemm", new Op.Gemm(1f, 1f, false, true), List.of("f", "w2", "b2"), List.of("y")));
        return new Graph(
                "conv",
                13,
                List.of(new ValueInfo(
                        "x",
                        DataType.FLOAT,
                        List.of(Dimension.symbolic("N"), Dimension.of(1), Dimension.of(6), Dimension.of(6)))),
                List.of(new ValueInfo("y", DataType.FLOAT, List.of(Dimension.symbolic("N"), Dimension.of(3)))),
                init,
                nodes,
                Map.of());
    }

    @Test
    void agreesWithFakeQuantizationOnAnAsymmetricPaddedInput() {
        SplittableRandom r = new SplittableRandom(7);
        Graph graph = graph(r);
        Precision uint8 = new Precision(
                QuantizerSpec.weights(NumberFormat.parse("int8")),
                QuantizerSpec.activations(NumberFormat.parse("uint8")),
                32);
        PrecisionConfig config = PrecisionConfig.uniform(uint8);
        Tensor calibration = Tensor.of(Shape.of(50, 1, 6, 6), random(r, 50 * 36, -1, 2));
        Tensor images = Tensor.of(Shape.of(300, 1, 6, 6), random(r, 300 * 36, -1, 2));
        var quantized = FakeQuantization.apply(graph, config, calibration);
        assertNotEquals(0f, quantized.layers().getFirst().activations().zeroPoint());

        float[] fake = FloatEngine.of(quantized.graph()).predict(images).data();
        Tensor integer = IntegerEngine.of(graph, quantized).predict(images);
        // One hidden code off moves a logit by s_hidden * |w2| <= s_hidden; allow a few such steps.
        float step = quantized.layers().get(1).activations().scale();
        double maxDiff = 0;
        for (int i = 0; i < fake.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(fake[i] - integer.data()[i]));
        }
        assertTrue(maxDiff <= 3 * step, "max |logit difference| " + maxDiff + ", hidden step " + step);
        int[] a = Classification.predictions(Tensor.of(Shape.of(300, 3), fake));
        int[] b = Classification.predictions(integer);
        int agree = 0;
        for (int i = 0; i < a.length; i++) {
            agree += a[i] == b[i] ? 1 : 0;
        }
        assertTrue(agree >= 297, agree + " of 300 agree");
    }
}
