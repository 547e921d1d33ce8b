package org.bitbudget.testsupport;

import static org.bitbudget.testsupport.ModelBuilder.f;
import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.bitbudget.testsupport.ModelBuilder.s;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/**
 * A small classifier written the way paddle2onnx writes one (opset 9): every weight and shape
 * constant in a {@code Constant} node (some in {@code raw_data}, some in the typed fields), each
 * BatchNormalization left after its Conv, hard-swish as {@code x · HardSigmoid(x)}, a depthwise
 * convolution, Clip with attribute bounds, a HardSigmoid-gated squeeze-excitation, Upsample with a
 * scales input, and a flatten computed from the shape ({@code Shape → Cast → Slice → Concat → Cast →
 * Reshape}) before a MatMul + Add and a Gemm head. The input is {@code x[N, channels, H, W]} with
 * {@code N}, {@code H} and {@code W} symbolic.
 *
 * <pre>{@code
 * byte[] onnx = PaddleStyleModel.bytes(3, 11);
 * Graph g = InputShapes.bind(OnnxImporter.parse(onnx, "paddle.onnx"), Map.of("x", new int[] {1, 3, 32, 48}));
 * }</pre>
 */
public final class PaddleStyleModel {
    /** The graph input's name. */
    public static final String INPUT = "x";
    /** The graph output's name (logits of {@link #CLASSES} classes). */
    public static final String OUTPUT = "logits";
    /** The number of classes. */
    public static final int CLASSES = 10;
    /** The Conv, MatMul and Gemm nodes, in graph order: what the importer lists as layers. */
    public static final List<String> LAYERS =
            List.of("conv2d_0", "conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4", "conv2d_5", "matmul_0", "fc_0");
    /** The BatchNormalization nodes, each right after a Conv. */
    public static final List<String> BATCH_NORMS =
            List.of("batch_norm_0", "batch_norm_1", "batch_norm_2", "batch_norm_3");

    private final ModelBuilder b;
    private int weights;

    private PaddleStyleModel(long seed) {
        b = new ModelBuilder("paddle_style", seed).opset(9);
    }

    /** The serialised model; the same arguments always give the same bytes. */
    public static byte[] bytes(int channels, long seed) {
        return new PaddleStyleModel(seed).build(channels);
    }

    private byte[] build(int channels) {
        String x = b.symbolicInput(INPUT, "N", channels, "H", "W");
        String c0 = conv("conv2d_0", x, 8, channels, 3, 1, 2, false);
        String n0 = batchNorm("batch_norm_0", c0, 8);
        String hs0 = b.node(
                "HardSigmoid", "hard_swish_0.gate", List.of(n0), f("alpha", 0.1666666716337204f), f("beta", 0.5f));
        String a0 = b.node("Mul", "hard_swish_0", List.of(n0, hs0));

        String c1 = conv("conv2d_1", a0, 8, 1, 3, 8, 1, false);
        String a1 = b.node("Relu", "relu_0", List.of(batchNorm("batch_norm_1", c1, 8)));

        String c2 = conv("conv2d_2", a1, 16, 8, 1, 1, 1, true);
        String a2 = b.node("Clip", "relu6_0", List.of(batchNorm("batch_norm_2", c2, 16)), f("min", 0f), f("max", 6f));

        String pooled = b.node("GlobalAveragePool", "pool2d_0", List.of(a2));
        String squeeze = b.node("Relu", "relu_1", List.of(conv("conv2d_3", pooled, 4, 16, 1, 1, 1, true)));
        String excite = conv("conv2d_4", squeeze, 16, 4, 1, 1, 1, true);
        String gate = b.node("HardSigmoid", "hard_sigmoid_0", List.of(excite), f("alpha", 0.2f), f("beta", 0.5f));
        String se = b.node("Mul", "elementwise_mul_0", List.of(a2, gate));

        String scales = b.constant("upsample_0.scales", ModelBuilder.rawFloats(new int[] {4}, 1, 1, 2, 2));
        String up = b.node("Upsample", "upsample_0", List.of(se, scales), s("mode", "nearest"));
        String c5 = conv("conv2d_5", up, 16, 16, 3, 1, 2, false);
        String a5 = b.node("Relu", "relu_2", List.of(batchNorm("batch_norm_3", c5, 16)));

        String features = b.node("GlobalAveragePool", "pool2d_1", List.of(a5));
        String flat = b.node("Reshape", "flatten_0", List.of(features, flattenShape(features)));

        String fc1 = b.node("MatMul", "matmul_0", List.of(flat, weight("matmul_0.w_0", 16, 32)));
        String fc1b = b.node("Add", "elementwise_add_0", List.of(fc1, weight("matmul_0.b_0", 32)));
        String hidden = b.node("Relu", "relu_3", List.of(fc1b));
        String logits = b.node(
                "Gemm",
                "fc_0",
                List.of(hidden, weight("fc_0.w_0", CLASSES, 32), weight("fc_0.b_0", CLASSES)),
                i("transB", 1));
        b.node("Identity", OUTPUT, List.of(logits));
        return b.output(OUTPUT + ":0").bytes();
    }

    /**
     * {@code [batch, -1]} computed from {@code value}'s shape as paddle2onnx writes a dynamic flatten:
     * the shape cast to int32, its first element sliced (attribute bounds, opset 9), concatenated with
     * -1, cast back to int64 for Reshape.
     */
    private String flattenShape(String value) {
        String shape = b.node("Shape", "flatten_0.shape", List.of(value));
        String shape32 = b.node("Cast", "flatten_0.cast", List.of(shape), i("to", TensorProto.DataType.INT32_VALUE));
        String batch = b.node(
                "Slice", "flatten_0.slice", List.of(shape32), ints("axes", 0), ints("starts", 0), ints("ends", 1));
        String rest = b.constant(
                "flatten_0.rest",
                TensorProto.newBuilder()
                        .setDataType(TensorProto.DataType.INT32_VALUE)
                        .addDims(1)
                        .addInt32Data(-1)
                        .build());
        String target32 = b.node("Concat", "flatten_0.concat", List.of(batch, rest), i("axis", 0));
        return b.node("Cast", "flatten_0.target", List.of(target32), i("to", TensorProto.DataType.INT64_VALUE));
    }

    private String conv(
            String name, String in, int out, int inPerGroup, int kernel, int groups, int stride, boolean bias) {
        List<String> inputs = bias
                ? List.of(in, weight(name + ".w_0", out, inPerGroup, kernel, kernel), weight(name + ".b_0", out))
                : List.of(in, weight(name + ".w_0", out, inPerGroup, kernel, kernel));
        int pad = kernel / 2;
        return b.node(
                "Conv",
                name,
                inputs,
                ints("kernel_shape", kernel, kernel),
                ints("strides", stride, stride),
                ints("pads", pad, pad, pad, pad),
                ints("dilations", 1, 1),
                i("group", groups));
    }

    private String batchNorm(String name, String in, int channels) {
        return b.node(
                "BatchNormalization",
                name,
                List.of(
                        in,
                        constant(name + ".w_0", b.uniformValues(0.5f, 1.5f, channels), channels),
                        constant(name + ".b_0", b.uniformValues(-0.5f, 0.5f, channels), channels),
                        constant(name + ".w_1", b.uniformValues(-0.3f, 0.3f, channels), channels),
                        constant(name + ".w_2", b.uniformValues(0.2f, 2f, channels), channels)),
                f("epsilon", 1e-5f),
                f("momentum", 0.9f));
    }

    private String weight(String name, int... dims) {
        return constant(name, b.weightValues(dims), dims);
    }

    /** Alternates raw_data and float_data, as exporters write both. */
    private String constant(String name, float[] values, int... dims) {
        TensorProto t =
                weights++ % 2 == 0 ? ModelBuilder.rawFloats(dims, values) : ModelBuilder.typedFloats(dims, values);
        return b.constant(name, t);
    }
}
