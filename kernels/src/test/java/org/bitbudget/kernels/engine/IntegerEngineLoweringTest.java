package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The lowering on a two-layer graph Gemm → Relu → Gemm whose scales are powers of two, so every
 * number can be checked by hand:
 * <ul>
 *   <li>both weights are {@code [[127, -64], [32, 127]] / 128}: per-channel int8 scale 2^-7, codes
 *       exactly those integers;</li>
 *   <li>calibration inputs ±(127/64, 0) give the int8 input scale 2^-6; the hidden maximum is
 *       127·127·2^-13 + 191·2^-13 = 255/128, so the uint8 hidden scale is 2^-7 with zero point 0;</li>
 *   <li>input (1, -0.5) has codes (64, -32); layer 1's accumulators plus bias (191, 2048) are
 *       (10367, 32); times M = 2^-6 they requantize to (162, 1): 32/64 = 0.5 rounds away from zero in
 *       gemmlowp's rounding, where the fake quantizer's half-even rint gives 0;</li>
 *   <li>layer 2: 127·162 − 64·1 + 1024 = 21534 and 32·162 + 127·1 = 5311, times 2^-14.</li>
 * </ul>
 */
class IntegerEngineLoweringTest {
    private static final float[] WEIGHTS = {127 / 128f, -64 / 128f, 32 / 128f, 127 / 128f};

    private static Graph twoLayers() {
        Map<String, Tensor> init = new LinkedHashMap<>();
        init.put("w1", Tensor.of(Shape.of(2, 2), WEIGHTS.clone()));
        init.put("b1", Tensor.of(Shape.of(2), new float[] {191 / 8192f, 2048 / 8192f}));
        init.put("w2", Tensor.of(Shape.of(2, 2), WEIGHTS.clone()));
        init.put("b2", Tensor.of(Shape.of(2), new float[] {1024 / 16384f, 0f}));
        List<Node> nodes = List.of(
                new Node("g1", new Op.Gemm(1f, 1f, false, true), List.of("x", "w1", "b1"), List.of("h")),
                new Node("r", new Op.Unary(Op.Unary.Kind.RELU), List.of("h"), List.of("hr")),
                new Node("g2", new Op.Gemm(1f, 1f, false, true), List.of("hr", "w2", "b2"), List.of("y")));
        List<Dimension> dims = List.of(Dimension.symbolic("N"), Dimension.of(2));
        return new Graph(
                "two",
                13,
                List.of(new ValueInfo("x", DataType.FLOAT, dims)),
                List.of(new ValueInfo("y", DataType.FLOAT, dims)),
                init,
                nodes,
                Map.of());
    }

    private static Precision precision(String weights, String activations) {
        return new Precision(
                QuantizerSpec.weights(NumberFormat.parse(weights)),
                QuantizerSpec.activations(NumberFormat.parse(activations)),
                32);
    }

    private static PrecisionConfig config(Precision first) {
        return new PrecisionConfig(Precision.FLOAT, Map.of("g1", first, "g2", precision("int8", "uint8")));
    }

    private static final Tensor CALIBRATION = Tensor.of(Shape.of(2, 2), new float[] {127 / 64f, 0f, -127 / 64f, 0f});
    private static final Tensor INPUT = Tensor.of(Shape.of(1, 2), new float[] {1f, -0.5f});

    @Test
    void logitsMatchTheHandComputedIntegers() {
        Graph graph = twoLayers();
        Tensor logits = IntegerEngine.of(graph, config(precision("int8", "int8")), CALIBRATION)
                .predict(INPUT);
        assertArrayEquals(new float[] {21534 / 16384f, 5311 / 16384f}, logits.data());
    }

    @Test
    void fakeQuantizationDiffersOnlyByTheTieRounding() {
        Graph graph = twoLayers();
        var q = FakeQuantization.apply(graph, config(precision("int8", "int8")), CALIBRATION);
        Tensor logits = FloatEngine.of(q.graph()).predict(INPUT);
        // Hidden codes (162, 0): 127·162 + 1024 and 32·162, times 2^-14.
        assertArrayEquals(new float[] {21598 / 16384f, 5184 / 16384f}, logits.data());
    }

    @Test
    void refusesFormatsTheIntegerKernelsCannotRun() {
        Graph graph = twoLayers();
        var minifloat = assertThrows(
                IllegalArgumentException.class,
                () -> IntegerEngine.of(graph, config(precision("fp8-e4m3", "int8")), CALIBRATION));
        assertTrue(minifloat.getMessage().startsWith("layer g1: "), minifloat.getMessage());
        Precision perVector = new Precision(
                new QuantizerSpec(NumberFormat.parse("int4"), Granularity.perVector(2), Clipping.MAX, null),
                QuantizerSpec.activations(NumberFormat.parse("int8")),
                32);
        var vector = assertThrows(
                IllegalArgumentException.class, () -> IntegerEngine.of(graph, config(perVector), CALIBRATION));
        assertTrue(vector.getMessage().contains("per tensor or per channel"), vector.getMessage());
        var floatInput = assertThrows(
                IllegalArgumentException.class,
                () -> IntegerEngine.of(graph, config(precision("int8", "float")), CALIBRATION));
        assertTrue(floatInput.getMessage().startsWith("layer g1: "), floatInput.getMessage());
    }
}
