package org.bitbudget.kernels.engine;

import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * Float islands on small graphs whose float values the integer engine reproduces exactly (no
 * requantization between the layers, so no tie is rounded differently from the fake quantizer): the
 * dequantized accumulators equal the float layer's output up to float32 summation order, the island
 * runs the float engine's kernel, and the next layer quantizes as the fake quantizer does. So the
 * logits agree with fake quantization to float32 rounding (1e-5 on values of order one), while a
 * wrong layout or unit would move them by whole quantization steps.
 */
class IntegerEngineFloatIslandsTest {
    private static final Precision W8A8 = new Precision(
            QuantizerSpec.weights(NumberFormat.parse("int8")),
            QuantizerSpec.activations(NumberFormat.parse("int8")),
            32);

    private static Tensor gaussian(long seed, int... dims) {
        return Tensor.of(
                Shape.of(dims), ModelBuilder.gaussian(seed, Shape.of(dims).size(), 1f));
    }

    private static IntegerEngine checkAgainstFakeQuantization(Graph graph, Tensor calibration, Tensor x) {
        QuantizedGraph q = FakeQuantization.apply(graph, PrecisionConfig.uniform(W8A8), calibration);
        IntegerEngine engine = IntegerEngine.builder(graph, q).threads(1).build();
        float[] fake = FloatEngine.of(q.graph()).predict(x).data();
        float[] integer = engine.predict(x).data();
        assertEquals(fake.length, integer.length);
        for (int i = 0; i < fake.length; i++) {
            assertEquals(fake[i], integer[i], 1e-5, "value " + i);
        }
        return engine;
    }

    /** Gemm → Sigmoid → Gemm: the Sigmoid has no integer form and runs between the two integer layers. */
    @Test
    void anOperatorWithoutIntegerFormRunsBetweenTwoIntegerLayers() {
        ModelBuilder b = new ModelBuilder("island", 3);
        String x = b.input("x", 6);
        String h =
                b.node("Gemm", "g1", List.of(x, b.weight("w1", 8, 6), b.weight("b1", 8)), ModelBuilder.i("transB", 1));
        String s = b.node("Sigmoid", "s", List.of(h));
        b.output(
                b.node("Gemm", "g2", List.of(s, b.weight("w2", 4, 8), b.weight("b2", 4)), ModelBuilder.i("transB", 1)));
        Graph graph = OnnxImporter.parse(b.bytes(), "island.onnx");
        IntegerEngine engine = checkAgainstFakeQuantization(graph, gaussian(1, 64, 6), gaussian(2, 16, 6));
        assertEquals(Map.of("s", "Sigmoid"), engine.floatNodes());
        assertEquals(List.of("g1", "g2"), List.copyOf(engine.kernels().keySet()));
        assertTrue(
                engine.kernels().values().stream().noneMatch(p -> p == KernelPath.FLOAT),
                engine.kernels().toString());
    }

    /**
     * Conv → MatMul over the last axis of its NCHW output → graph output [N, C, H, 5]: the Conv's NHWC
     * accumulators are dequantized to ONNX layout and requantized with channels last, the MatMul
     * multiplies every row (N·C·H of them), and its channels-last accumulators become the output.
     */
    @Test
    void aMatMulReadsAConvOutputAlongItsLastAxis() {
        ModelBuilder b = new ModelBuilder("layouts", 5);
        String x = b.input("x", 2, 3, 4);
        String c = b.node("Conv", "conv", List.of(x, b.weight("wc", 3, 2, 1, 1)), ints("kernel_shape", 1, 1));
        b.output(b.node("MatMul", "mm", List.of(c, b.weight("wm", 4, 5))));
        Graph graph = OnnxImporter.parse(b.bytes(), "layouts.onnx");
        IntegerEngine engine = checkAgainstFakeQuantization(graph, gaussian(3, 32, 2, 3, 4), gaussian(4, 5, 2, 3, 4));
        assertEquals(Map.of(), engine.floatNodes(), "only re-layouts between the layers, no float operator");
        Tensor y = engine.predict(gaussian(4, 5, 2, 3, 4));
        assertArrayEquals(new int[] {5, 3, 3, 5}, y.shape().dims());
        assertNotEquals(0f, y.data()[y.data().length - 1]);
    }

    /** A Gemm with a negative alpha has no integer kernel: it runs in float with its fake-quantized weight and input. */
    @Test
    void aLayerWithoutIntegerKernelRunsFakeQuantizedInFloat() {
        ModelBuilder b = new ModelBuilder("float-layer", 7);
        String x = b.input("x", 6);
        String h = b.node("Gemm", "g1", List.of(x, b.weight("w1", 8, 6)), ModelBuilder.i("transB", 1));
        b.output(b.node(
                "Gemm",
                "g2",
                List.of(h, b.weight("w2", 4, 8)),
                ModelBuilder.i("transB", 1),
                ModelBuilder.f("alpha", -0.5f)));
        Graph graph = OnnxImporter.parse(b.bytes(), "float-layer.onnx");
        IntegerEngine engine = checkAgainstFakeQuantization(graph, gaussian(8, 64, 6), gaussian(9, 16, 6));
        assertEquals(KernelPath.FLOAT, engine.kernels().get("g2"));
        assertNotEquals(KernelPath.FLOAT, engine.kernels().get("g1"));
        assertEquals(Map.of("g2/input_quantizer", "FakeQuantize", "g2", "Gemm"), engine.floatNodes());
    }
}
