package org.bitbudget.testsupport;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A 60 MB model for import-time checks: x[N, 256, 4, 4] → Conv 256→256 3×3 → Relu → Flatten → Gemm
 * 4096→2048 → Relu → MatMul 2048→2048 → Relu → Gemm 2048→1000. Its weights are stored in each way
 * ONNX files store them: the Conv's as a {@code Constant} node with typed {@code float_data}, the
 * first Gemm's as a {@code raw_data} initializer, the MatMul's as a {@code Constant} node with
 * {@code raw_data}, the last Gemm's as a typed {@code float_data} initializer.
 *
 * <pre>{@code
 * LargeModel m = LargeModel.build(1);
 * Graph g = OnnxImporter.parse(m.bytes(), "large.onnx");
 * assertArrayEquals(m.weights().get("fc1"), g.initializers().get(g.layers().get(1).weightName()).data());
 * }</pre>
 *
 * @param bytes   the serialised model
 * @param weights each layer's weight values, by layer name, in the order of {@link #LAYERS}
 */
public record LargeModel(byte[] bytes, Map<String, float[]> weights) {
    /** The layers, in graph order. */
    public static final List<String> LAYERS = List.of("conv", "fc1", "proj", "fc2");
    /** The layers' weight shapes, in the order of {@link #LAYERS}. */
    public static final List<int[]> WEIGHT_SHAPES =
            List.of(new int[] {256, 256, 3, 3}, new int[] {2048, 4096}, new int[] {2048, 2048}, new int[] {1000, 2048});

    /** Builds the model; the same seed always gives the same bytes. */
    public static LargeModel build(long seed) {
        ModelBuilder b = new ModelBuilder("large", seed);
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (int l = 0; l < LAYERS.size(); l++) {
            weights.put(LAYERS.get(l), b.weightValues(WEIGHT_SHAPES.get(l)));
        }
        String x = b.input("x", 256, 4, 4);
        String convWeight =
                b.constant("conv.weight", ModelBuilder.typedFloats(WEIGHT_SHAPES.get(0), weights.get("conv")));
        String conv = b.node(
                "Conv",
                "conv",
                List.of(x, convWeight, b.weight("conv.bias", 256)),
                ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1));
        String flat = b.node("Flatten", "flatten", List.of(b.node("Relu", "relu0", List.of(conv))));
        String fc1 = b.node(
                "Gemm",
                "fc1",
                List.of(
                        flat,
                        b.floats("fc1.weight", WEIGHT_SHAPES.get(1), weights.get("fc1")),
                        b.weight("fc1.bias", 2048)),
                i("transB", 1));
        String projWeight =
                b.constant("proj.weight", ModelBuilder.rawFloats(WEIGHT_SHAPES.get(2), weights.get("proj")));
        String proj = b.node("MatMul", "proj", List.of(b.node("Relu", "relu1", List.of(fc1)), projWeight));
        String fc2Weight = b.initializer(ModelBuilder.typedFloats(WEIGHT_SHAPES.get(3), weights.get("fc2")).toBuilder()
                .setName("fc2.weight")
                .build());
        b.node(
                "Gemm",
                "fc2",
                List.of(b.node("Relu", "relu2", List.of(proj)), fc2Weight, b.weight("fc2.bias", 1000)),
                i("transB", 1));
        return new LargeModel(b.output("fc2:0").bytes(), weights);
    }
}
