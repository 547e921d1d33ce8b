package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The FMA path's convolution without im2col (windows read in place from a padded float image through
 * row and segment offsets) gives the int8 im2col path's outputs bit for bit, for every window
 * geometry: strides, asymmetric padding, row and column dilation, 1 x 1 and 1-D kernels, on signed
 * inputs and on uint8 inputs with a nonzero zero point, at 4 and 8 bits; and so does the paired FMA
 * path (two channels per lane), which W2A2 layers always take (every block of their k fits the
 * pairing's bound) and W4A4 layers take where the bound leaves blocks long enough; and so does the
 * image-paired FMA path (two images per lane) under the same conditions, on an odd batch too.
 */
class IntegerEngineConvGeometryTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                        new int[][] {{3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}},
                        new int[][] {{3, 3}, {2, 2}, {0, 1, 1, 0}, {1, 1}},
                        new int[][] {{2, 3}, {1, 2}, {2, 0, 1, 2}, {2, 2}},
                        new int[][] {{3, 3}, {1, 1}, {0, 0, 0, 0}, {1, 2}},
                        new int[][] {{1, 1}, {2, 2}, {0, 0, 0, 0}, {1, 1}},
                        new int[][] {{5, 5}, {3, 1}, {2, 2, 2, 2}, {2, 1}},
                        new int[][] {{3}, {2}, {1, 0}, {1}},
                        new int[][] {{4}, {1}, {2, 3}, {2}})
                .flatMap(g -> Stream.of("int8", "uint8", "uint4", "uint2").map(a -> Arguments.of(g, a)));
    }

    @ParameterizedTest(name = "kernel {0}, {1} input")
    @MethodSource("geometries")
    void fmaPathEqualsInt8Path(int[][] geometry, String activations) {
        int[] kernel = geometry[0];
        boolean oneD = kernel.length == 1;
        SplittableRandom r = new SplittableRandom(kernel.length * 31L + geometry[1][0] + activations.length());
        Graph graph = graph(r, kernel, geometry[1], geometry[2], geometry[3]);
        Precision precision = new Precision(
                QuantizerSpec.weights(
                        NumberFormat.parse(activations.endsWith("8") ? "int8" : "int" + activations.charAt(4))),
                QuantizerSpec.activations(NumberFormat.parse(activations)),
                32);
        // 39 images: a full chunk and an odd one, whose middle image the image pairing pairs with zeros.
        Shape shape = oneD ? Shape.of(39, 3, 11) : Shape.of(39, 3, 11, 9);
        Tensor calibration = Tensor.of(shape, random(r, shape.size(), -1, 2));
        Tensor images = Tensor.of(shape, random(r, shape.size(), -1.5, 2.5));
        QuantizedGraph quantized = FakeQuantization.apply(graph, PrecisionConfig.uniform(precision), calibration);
        IntegerEngine fma = IntegerEngine.builder(graph, quantized)
                .threads(1)
                .path(KernelPath.FMA)
                .build();
        IntegerEngine int8 = IntegerEngine.builder(graph, quantized)
                .threads(1)
                .path(KernelPath.INT8)
                .build();
        IntegerEngine paired = IntegerEngine.builder(graph, quantized)
                .threads(1)
                .path(KernelPath.FMA_PAIRED)
                .build();
        assertEquals(KernelPath.FMA, fma.kernels().get("conv"));
        assertEquals(KernelPath.INT8, int8.kernels().get("conv"));
        IntegerEngine imagePaired = IntegerEngine.builder(graph, quantized)
                .threads(1)
                .path(KernelPath.FMA_IMAGE_PAIRED)
                .build();
        assertPairedOrFma(KernelPath.FMA_PAIRED, paired.kernels().get("conv"), activations);
        assertPairedOrFma(KernelPath.FMA_IMAGE_PAIRED, imagePaired.kernels().get("conv"), activations);
        float[] expected = int8.predict(images).data();
        assertArrayEquals(expected, fma.predict(images).data());
        assertArrayEquals(expected, paired.predict(images).data());
        assertArrayEquals(expected, imagePaired.predict(images).data());
    }

    /** W2A2 always takes a forced pairing, W4A4 where its blocks are long enough, wider codes never. */
    private static void assertPairedOrFma(KernelPath pairing, KernelPath actual, String activations) {
        switch (activations) {
            case "uint2" -> assertEquals(pairing, actual);
            case "uint4" -> assertTrue(actual == pairing || actual == KernelPath.FMA, actual.toString());
            default -> assertEquals(KernelPath.FMA, actual);
        }
    }

    private static float[] random(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    private static Graph graph(SplittableRandom r, int[] kernel, int[] strides, int[] pads, int[] dilations) {
        int taps = 1;
        for (int k : kernel) {
            taps *= k;
        }
        int[] weightDims = kernel.length == 1 ? new int[] {5, 3, kernel[0]} : new int[] {5, 3, kernel[0], kernel[1]};
        Map<String, Tensor> init = new LinkedHashMap<>();
        init.put("w", Tensor.of(Shape.of(weightDims), random(r, 15 * taps, -1, 1)));
        init.put("b", Tensor.of(Shape.of(5), random(r, 5, -0.3, 0.3)));
        List<Node> nodes = List.of(new Node(
                "conv",
                new Op.Conv(kernel, strides, pads, dilations, 1, Op.AutoPad.NOTSET),
                List.of("x", "w", "b"),
                List.of("y")));
        List<Dimension> input = kernel.length == 1
                ? List.of(Dimension.symbolic("N"), Dimension.of(3), Dimension.of(11))
                : List.of(Dimension.symbolic("N"), Dimension.of(3), Dimension.of(11), Dimension.of(9));
        return new Graph(
                "conv",
                13,
                List.of(new ValueInfo("x", DataType.FLOAT, input)),
                List.of(new ValueInfo("y", DataType.FLOAT, List.of(Dimension.symbolic("N")))),
                init,
                nodes,
                Map.of());
    }
}
