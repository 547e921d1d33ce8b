package org.bitbudget.ops.compute;

import static org.bitbudget.testsupport.ModelBuilder.f;
import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.bitbudget.testsupport.ModelBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link FloatEngine} computes what ONNX Runtime computes, within 1e-4 absolute on every
 * output value: on the shared LeNet-5 over the first 256 Fashion-MNIST test images, and on models
 * built here with seeded random weights: a residual block with inference-mode BatchNormalization, a
 * depthwise-separable block with ReLU6 as Clip, and one model per corner case of the operators
 * (asymmetric pads, inputs narrower than the kernel, strides, dilations, auto_pad, groups, 1-D
 * convolution, pooling ceil_mode and count_include_pad, Gemm's transposes and scales, batched
 * MatMul, Concat, Reshape with 0 and -1, Softmax, Sigmoid, Mul, Add with broadcasting; odd channel
 * counts and spatial sizes throughout). Models with a batch dimension run at batch 1, 3 and 33 through
 * {@link FloatEngine#predict} with two threads, so batches of 33 are split into chunks of 32 and 1
 * on different threads; that result must also equal {@link FloatEngine#run} bit for bit.
 *
 * <p>ONNX Runtime runs single-threaded with graph optimisations off, so it applies each operator as
 * written. 1e-4 leaves room for a different summation order: the outputs here stay below ~20 in
 * magnitude, where float32 rounding over a few hundred terms is near 1e-5 (the largest difference
 * seen is 6e-6, on LeNet-5).
 */
class OnnxRuntimeParityTest {
    private static final double TOLERANCE = 1e-4;
    private static final int[] BATCHES = {1, 3, 33};
    private static final long SEED = 20_240_601L;

    /** ONNX Runtime's process-wide environment; it lives until the JVM exits. */
    private static OrtEnvironment env;

    @BeforeAll
    static void startOnnxRuntime() {
        env = OrtEnvironment.getEnvironment();
    }

    @Test
    void lenet5MatchesOnnxRuntimeOnFashionMnist() throws Exception {
        byte[] onnx = Files.readAllBytes(SharedModels.model("lenet5.onnx"));
        Graph graph = OnnxImporter.parse(onnx, "lenet5.onnx");
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        Tensor images = test.batch(0, 256, new org.bitbudget.data.Normalization(0.2860f, 0.3530f));

        Tensor ours = FloatEngine.builder(graph).threads(2).build().predict(images);
        Tensor reference = onnxRuntime(onnx, "input", images);

        assertEquals(Shape.of(256, 10), ours.shape());
        assertClose(reference, ours, "lenet5");
    }

    /** One model built by the test. {@code fixed} is null when the input has a batch dimension. */
    record Case(String name, byte[] onnx, int[] sampleDims, int[] fixed, float inputScale) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builtModelMatchesOnnxRuntime(Case c) throws Exception {
        Graph graph = OnnxImporter.parse(c.onnx(), c.name() + ".onnx");
        FloatEngine engine = FloatEngine.builder(graph).threads(2).build();
        String input = graph.inputs().getFirst().name();
        String output = graph.outputs().getFirst().name();
        if (c.fixed() != null) {
            Tensor x = randomInput(c, c.fixed(), 0);
            Tensor ours = engine.run(Map.of(input, x)).get(output);
            assertClose(onnxRuntime(c.onnx(), input, x), ours, c.name());
            return;
        }
        for (int batch : BATCHES) {
            int[] dims = IntStream.concat(IntStream.of(batch), IntStream.of(c.sampleDims()))
                    .toArray();
            Tensor x = randomInput(c, dims, batch);
            Tensor predicted = engine.predict(x);
            assertClose(onnxRuntime(c.onnx(), input, x), predicted, c.name() + " at batch " + batch);
            Tensor run = engine.run(Map.of(input, x)).get(output);
            assertEquals(run.shape(), predicted.shape(), c.name() + ": predict and run shapes at batch " + batch);
            for (int k = 0; k < run.data().length; k++) {
                assertEquals(
                        Float.floatToIntBits(run.data()[k]),
                        Float.floatToIntBits(predicted.data()[k]),
                        c.name() + ": predict differs from run at batch " + batch + ", value " + k);
            }
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(residualBlock());
        cases.add(depthwiseSeparableBlock());

        cases.add(single(
                "conv asymmetric pads",
                new int[] {3, 7, 9},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 5, 3, 3, 2), b.weight("b", 5)),
                        ints("pads", 0, 1, 2, 0))));
        cases.add(single(
                "conv stride 2 odd sizes",
                new int[] {5, 11, 8},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 7, 5, 3, 3), b.weight("b", 7)),
                        ints("pads", 1, 1, 1, 1),
                        ints("strides", 2, 2))));
        cases.add(single(
                "conv strides 2x3 kernel 3x2",
                new int[] {3, 11, 10},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 5, 3, 3, 2)),
                        ints("kernel_shape", 3, 2),
                        ints("strides", 2, 3))));
        cases.add(single(
                "conv dilation 2",
                new int[] {7, 13, 10},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 3, 7, 3, 3), b.weight("b", 3)),
                        ints("dilations", 2, 2),
                        ints("pads", 2, 1, 2, 1))));
        cases.add(single(
                "conv auto_pad SAME_UPPER",
                new int[] {3, 9, 10},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 5, 3, 4, 4)),
                        s("auto_pad", "SAME_UPPER"),
                        ints("strides", 2, 2))));
        cases.add(single(
                "conv auto_pad SAME_LOWER",
                new int[] {3, 9, 10},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 5, 3, 4, 4)),
                        s("auto_pad", "SAME_LOWER"),
                        ints("strides", 2, 2))));
        cases.add(single(
                "conv auto_pad VALID",
                new int[] {5, 10, 11},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 3, 5, 3, 3), b.weight("b", 3)),
                        s("auto_pad", "VALID"),
                        ints("strides", 3, 3))));
        cases.add(single(
                "conv input narrower than kernel",
                new int[] {3, 5, 1},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 4, 3, 3, 3), b.weight("b", 4)),
                        ints("pads", 1, 2, 1, 0))));
        cases.add(single(
                "conv group 3",
                new int[] {6, 8, 7},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 9, 2, 3, 3), b.weight("b", 9)),
                        i("group", 3),
                        ints("pads", 1, 1, 1, 1))));
        cases.add(single(
                "conv 1-D",
                new int[] {5, 17},
                (b, x) -> b.node(
                        "Conv",
                        "/conv/Conv",
                        List.of(x, b.weight("w", 7, 5, 4), b.weight("b", 7)),
                        ints("strides", 2),
                        ints("pads", 1, 2),
                        ints("dilations", 2))));
        cases.add(single(
                "conv 1-D auto_pad SAME_LOWER",
                new int[] {3, 12},
                (b, x) ->
                        b.node("Conv", "/conv/Conv", List.of(x, b.weight("w", 5, 3, 2)), s("auto_pad", "SAME_LOWER"))));

        cases.add(single(
                "maxpool ceil_mode",
                new int[] {3, 10, 10},
                (b, x) -> b.node(
                        "MaxPool",
                        "/pool/MaxPool",
                        List.of(x),
                        ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2),
                        i("ceil_mode", 1))));
        cases.add(single(
                "maxpool ceil_mode pads drops last window",
                new int[] {5, 9, 9},
                (b, x) -> b.node(
                        "MaxPool",
                        "/pool/MaxPool",
                        List.of(x),
                        ints("kernel_shape", 2, 2),
                        ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1),
                        i("ceil_mode", 1))));
        cases.add(single(
                "maxpool dilation 2 pads",
                new int[] {3, 11, 9},
                (b, x) -> b.node(
                        "MaxPool",
                        "/pool/MaxPool",
                        List.of(x),
                        ints("kernel_shape", 3, 3),
                        ints("dilations", 2, 2),
                        ints("pads", 2, 2, 2, 2),
                        ints("strides", 1, 2))));
        cases.add(single(
                "maxpool 1-D",
                new int[] {7, 15},
                (b, x) -> b.node(
                        "MaxPool",
                        "/pool/MaxPool",
                        List.of(x),
                        ints("kernel_shape", 3),
                        ints("strides", 2),
                        ints("pads", 1, 0))));
        cases.add(single(
                "averagepool count_include_pad",
                new int[] {3, 7, 8},
                (b, x) -> b.node(
                        "AveragePool",
                        "/pool/AveragePool",
                        List.of(x),
                        ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1),
                        i("count_include_pad", 1))));
        cases.add(single(
                "averagepool excluding pads",
                new int[] {3, 7, 8},
                (b, x) -> b.node(
                        "AveragePool",
                        "/pool/AveragePool",
                        List.of(x),
                        ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1))));
        // Opset 19: for opsets 7-18 ONNX Runtime 1.23 divides windows that run past the end padding
        // under ceil_mode by the whole kernel size (microsoft/onnxruntime#29629, fixed after 1.23);
        // its opset-19 kernel clips them as PyTorch does, and so does FloatEngine.
        cases.add(single(
                "averagepool ceil_mode count_include_pad",
                19,
                new int[] {3, 8, 8},
                (b, x) -> b.node(
                        "AveragePool",
                        "/pool/AveragePool",
                        List.of(x),
                        ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1),
                        i("ceil_mode", 1),
                        i("count_include_pad", 1))));
        cases.add(single(
                "averagepool dilation 2",
                19,
                new int[] {3, 11, 10},
                (b, x) -> b.node(
                        "AveragePool",
                        "/pool/AveragePool",
                        List.of(x),
                        ints("kernel_shape", 3, 2),
                        ints("dilations", 2, 2),
                        ints("pads", 1, 1, 1, 1),
                        ints("strides", 2, 1))));
        cases.add(single(
                "averagepool auto_pad SAME_UPPER",
                new int[] {5, 7, 7},
                (b, x) -> b.node(
                        "AveragePool",
                        "/pool/AveragePool",
                        List.of(x),
                        ints("kernel_shape", 2, 2),
                        ints("strides", 2, 2),
                        s("auto_pad", "SAME_UPPER"))));

        cases.add(fixed(
                "gemm transA alpha beta",
                new int[] {5, 7},
                (b, a) -> b.node(
                        "Gemm",
                        "/fc/Gemm",
                        List.of(a, b.weight("B", 5, 3), b.weight("C", 7, 3)),
                        i("transA", 1),
                        f("alpha", 0.5f),
                        f("beta", 2f))));
        cases.add(fixed(
                "gemm transA transB scalar C",
                new int[] {6, 4},
                (b, a) -> b.node(
                        "Gemm",
                        "/fc/Gemm",
                        List.of(a, b.weight("B", 3, 6), b.weight("C", 1)),
                        i("transA", 1),
                        i("transB", 1),
                        f("alpha", 1.25f),
                        f("beta", -1.5f))));
        cases.add(single("gemm alpha beta batched", new int[] {4, 3, 3}, (b, x) -> {
            String flat = b.node("Flatten", "/flatten/Flatten", List.of(x));
            String y = b.node(
                    "Gemm",
                    "/fc/Gemm",
                    List.of(flat, b.weight("B", 36, 6), b.weight("C", 6)),
                    f("alpha", 0.7f),
                    f("beta", 1.3f));
            return b.node("Sigmoid", "/act/Sigmoid", List.of(y));
        }));
        cases.add(single(
                "gemm transB no bias",
                new int[] {11},
                (b, x) -> b.node("Gemm", "/fc/Gemm", List.of(x, b.weight("B", 5, 11)), i("transB", 1))));

        cases.add(single("matmul batched broadcast", new int[] {3, 4, 5}, (b, x) -> {
            String y = b.node("MatMul", "/mm1/MatMul", List.of(x, b.weight("W1", 3, 5, 6)));
            return b.node("MatMul", "/mm2/MatMul", List.of(y, b.weight("W2", 6, 2)));
        }));
        cases.add(single("matmul two runtime operands", new int[] {4, 6}, (b, x) -> {
            String t = b.node("Reshape", "/reshape/Reshape", List.of(x, b.longs("shape", 0, 6, 4)));
            return b.node("MatMul", "/mm/MatMul", List.of(x, t));
        }));
        cases.add(single("concat channels", new int[] {3, 6, 7}, (b, x) -> {
            String p = b.node("Conv", "/a/Conv", List.of(x, b.weight("wa", 2, 3, 1, 1)));
            String q = b.node("Conv", "/b/Conv", List.of(x, b.weight("wb", 5, 3, 3, 3)), ints("pads", 1, 1, 1, 1));
            return b.node("Concat", "/cat/Concat", List.of(p, q, x), i("axis", 1));
        }));
        cases.add(single("concat last axis", new int[] {3, 4, 5}, (b, x) -> {
            String m = b.node("Mul", "/scale/Mul", List.of(x, b.weight("k", 5)));
            return b.node("Concat", "/cat/Concat", List.of(x, m), i("axis", -1));
        }));
        cases.add(single("reshape 0 and -1", new int[] {4, 6, 5}, (b, x) -> {
            String r = b.node("Reshape", "/r1/Reshape", List.of(x, b.longs("s1", 0, -1, 10)));
            String m = b.node("MatMul", "/mm/MatMul", List.of(r, b.weight("W", 10, 3)));
            String flat = b.node("Reshape", "/r2/Reshape", List.of(m, b.longs("s2", 0, -1)));
            return b.node("Softmax", "/softmax/Softmax", List.of(flat));
        }));
        cases.add(single(
                "softmax axis 1 of 4-D",
                new int[] {5, 3, 4},
                (b, x) -> b.node("Softmax", "/softmax/Softmax", List.of(x), i("axis", 1))));
        cases.add(single("sigmoid mul add broadcast", new int[] {5, 4, 3}, (b, x) -> {
            String sig = b.node("Sigmoid", "/act/Sigmoid", List.of(x));
            String silu = b.node("Mul", "/silu/Mul", List.of(x, sig));
            String scaled = b.node("Mul", "/scale/Mul", List.of(silu, b.uniform("k", 0.5f, 2f, 5, 1, 1)));
            return b.node("Add", "/shift/Add", List.of(scaled, b.weight("c", 1, 5, 1, 1)));
        }));
        return cases.stream().map(Arguments::of);
    }

    /**
     * stem Conv -> [Conv -> BatchNormalization -> Relu -> Conv] + stem -> Relu -> GlobalAveragePool ->
     * Flatten -> Gemm.
     */
    private static Case residualBlock() {
        ModelBuilder b = new ModelBuilder("residual", SEED);
        String x = b.input("x", 3, 9, 9);
        String stem = b.node(
                "Conv",
                "/stem/Conv",
                List.of(x, b.weight("w0", 8, 3, 3, 3), b.weight("b0", 8)),
                ints("pads", 1, 1, 1, 1));
        String c1 = b.node(
                "Conv", "/block/conv1/Conv", List.of(stem, b.weight("w1", 8, 8, 3, 3)), ints("pads", 1, 1, 1, 1));
        String bn = b.node(
                "BatchNormalization",
                "/block/bn1/BatchNormalization",
                List.of(
                        c1,
                        b.uniform("gamma", 0.5f, 1.5f, 8),
                        b.uniform("beta", -0.5f, 0.5f, 8),
                        b.uniform("mean", -0.5f, 0.5f, 8),
                        b.uniform("var", 0.5f, 2f, 8)),
                f("epsilon", 1e-3f));
        String relu = b.node("Relu", "/block/relu1/Relu", List.of(bn));
        String c2 = b.node(
                "Conv",
                "/block/conv2/Conv",
                List.of(relu, b.weight("w2", 8, 8, 3, 3), b.weight("b2", 8)),
                ints("pads", 1, 1, 1, 1));
        String sum = b.node("Add", "/block/Add", List.of(c2, stem));
        String out = b.node("Relu", "/block/relu2/Relu", List.of(sum));
        String gap = b.node("GlobalAveragePool", "/gap/GlobalAveragePool", List.of(out));
        String flat = b.node("Flatten", "/flatten/Flatten", List.of(gap));
        String y = b.node("Gemm", "/fc/Gemm", List.of(flat, b.weight("wf", 5, 8), b.weight("bf", 5)), i("transB", 1));
        return new Case("residual block", b.output(y).bytes(), new int[] {3, 9, 9}, null, 1f);
    }

    /**
     * Depthwise Conv (group = channels, stride 2) -> Clip(0, 6) -> pointwise 1x1 Conv -> Clip(max 6,
     * min omitted). The input is scaled by 3 so that both bounds of ReLU6 are hit.
     */
    private static Case depthwiseSeparableBlock() {
        ModelBuilder b = new ModelBuilder("depthwise", SEED);
        String x = b.input("x", 6, 10, 10);
        String zero = b.scalar("zero", 0f);
        String six = b.scalar("six", 6f);
        String dw = b.node(
                "Conv",
                "/dw/Conv",
                List.of(x, b.uniform("wd", -1f, 1f, 6, 1, 3, 3), b.weight("bd", 6)),
                i("group", 6),
                ints("pads", 1, 1, 1, 1),
                ints("strides", 2, 2));
        String r1 = b.node("Clip", "/dw/Clip", List.of(dw, zero, six));
        String pw = b.node("Conv", "/pw/Conv", List.of(r1, b.uniform("wp", -1f, 1f, 10, 6, 1, 1), b.weight("bp", 10)));
        String r2 = b.node("Clip", "/pw/Clip", List.of(pw, "", six));
        return new Case("depthwise separable block", b.output(r2).bytes(), new int[] {6, 10, 10}, null, 3f);
    }

    @FunctionalInterface
    private interface Body {
        /** Adds nodes reading {@code x} and returns the output's name. */
        String add(ModelBuilder b, String x);
    }

    /** A model with one input [N, sampleDims...] and one output, at opset 13. */
    private static Case single(String name, int[] sampleDims, Body body) {
        return single(name, 13, sampleDims, body);
    }

    /** A model with one input [N, sampleDims...] and one output, at {@code opset}. */
    private static Case single(String name, int opset, int[] sampleDims, Body body) {
        ModelBuilder b = new ModelBuilder(name, SEED ^ name.hashCode()).opset(opset);
        String x = b.input("x", sampleDims);
        return new Case(name, b.output(body.add(b, x)).bytes(), sampleDims, null, 1f);
    }

    /** A model with one input of exactly {@code dims}, run once at that shape. */
    private static Case fixed(String name, int[] dims, Body body) {
        ModelBuilder b = new ModelBuilder(name, SEED ^ name.hashCode());
        String x = b.fixedInput("x", dims);
        return new Case(name, b.output(body.add(b, x)).bytes(), null, dims, 1f);
    }

    private static Tensor randomInput(Case c, int[] dims, int batch) {
        Shape shape = Shape.of(dims);
        return Tensor.of(
                shape, ModelBuilder.gaussian(SEED + 31L * c.name().hashCode() + batch, shape.size(), c.inputScale()));
    }

    /** The first output of {@code onnx} for one input, computed by ONNX Runtime. */
    private static Tensor onnxRuntime(byte[] onnx, String input, Tensor x) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            // Quiet the warning that ONNX's shape inference and ONNX Runtime's kernel disagree on
            // MaxPool's ceil_mode output size; the kernel's size is the one compared.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            long[] dims = Arrays.stream(x.shape().dims()).asLongStream().toArray();
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                    OrtSession.Result result = session.run(Map.of(input, in))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer buffer = out.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return Tensor.of(Shape.of(out.getInfo().getShape()), values);
            }
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape().dims(), actual.shape().dims(), what + ": shape");
        float[] e = expected.data();
        float[] a = actual.data();
        double worst = 0;
        int worstAt = -1;
        for (int k = 0; k < e.length; k++) {
            assertTrue(Float.isFinite(e[k]) && Float.isFinite(a[k]), what + ": non-finite value at " + k);
            double diff = Math.abs((double) e[k] - a[k]);
            if (diff > worst) {
                worst = diff;
                worstAt = k;
            }
        }
        int at = worstAt;
        assertTrue(
                worst <= TOLERANCE,
                () -> what + ": value " + at + " is " + a[at] + ", ONNX Runtime says " + e[at] + " (difference "
                        + (Math.abs((double) e[at] - a[at])) + ")");
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : e) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(max - min > 1e-3, what + ": the output is constant, so the comparison proves little");
    }
}
