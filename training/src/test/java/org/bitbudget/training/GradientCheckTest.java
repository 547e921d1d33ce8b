package org.bitbudget.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.Op.AutoPad;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Autodiff#backward} against central finite differences in double for every operator,
 * on small seeded shapes with odd sizes, groups, padding, strides, dilations and broadcasting. The
 * loss is a random linear functional of the outputs, L = Σ output · R, so every output element
 * matters; every element of every differentiable input and parameter is perturbed by ±1e-6.
 *
 * <p>Tolerance: |analytic − fd| ≤ 1e-6 · max(|analytic|, |fd|) + 1e-8. The central difference's
 * truncation error is eps²/6 · |L'''| ≈ 1e-13 for these smooth, O(1) functions, and its round-off
 * error is about u · |L| / eps ≈ 1.1e-16 · 100 / 1e-6 ≈ 1e-8 for losses up to 100, which the
 * absolute term covers; a wrong gradient formula is off by far more than either. A Gaussian value
 * lies within 1e-6 of a kink (ReLU, Clip, max pooling) with probability about 1e-6, and max-pooling
 * windows hold distinct random values, so with these fixed seeds no perturbation crosses one.
 *
 * <p>Each check with training off also compares the forward pass with {@link FloatEngine}
 * (float32) within 1e-5 · max(1, |value|).
 */
class GradientCheckTest {
    private static final double EPS = 1e-6;
    private static final double REL = 1e-6;
    private static final double ABS = 1e-8;
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);

    /**
     * Compares backward with central differences for every input and float initializer except
     * {@code constants}, which must get no gradient, and prints the worst errors.
     */
    static void check(String label, TinyGraph t, Graph g, boolean training, Set<String> constants) {
        Map<String, DTensor> inputs = t.inputs();
        Map<String, DTensor> params = t.params();
        Autodiff ad = new Autodiff(g);
        Autodiff.Tape tape = ad.forward(inputs, params, training);
        if (!training) {
            compareWithFloatEngine(label, g, inputs, tape);
        }
        Random random = new Random(label.hashCode());
        Map<String, DTensor> weights = new LinkedHashMap<>();
        for (ValueInfo out : g.outputs()) {
            DTensor v = tape.value(out.name());
            double[] r = new double[v.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = random.nextGaussian();
            }
            weights.put(out.name(), DTensor.of(v.shape(), r));
        }
        Map<String, DTensor> grads = ad.backward(tape, weights);
        DoubleSupplier loss = () -> {
            Autodiff.Tape tp = ad.forward(inputs, params, training);
            double sum = 0;
            for (var e : weights.entrySet()) {
                double[] v = tp.value(e.getKey()).data();
                double[] r = e.getValue().data();
                for (int i = 0; i < v.length; i++) {
                    sum += v[i] * r[i];
                }
            }
            return sum;
        };
        Map<String, DTensor> perturbed = new LinkedHashMap<>(inputs);
        perturbed.putAll(params);
        double worst = 0;
        double worstAbs = 0;
        int entries = 0;
        for (var e : perturbed.entrySet()) {
            String name = e.getKey();
            if (constants.contains(name)) {
                assertFalse(grads.containsKey(name), label + ": constant " + name + " got a gradient");
                continue;
            }
            DTensor analytic = grads.get(name);
            assertNotNull(analytic, label + ": no gradient for " + name);
            assertArrayEquals(e.getValue().shape(), analytic.shape(), label + ": shape of d/d" + name);
            double[] v = e.getValue().data();
            for (int j = 0; j < v.length; j++, entries++) {
                double keep = v[j];
                v[j] = keep + EPS;
                double plus = loss.getAsDouble();
                v[j] = keep - EPS;
                double minus = loss.getAsDouble();
                v[j] = keep;
                double fd = (plus - minus) / (2 * EPS);
                double a = analytic.data()[j];
                double allowed = REL * Math.max(Math.abs(a), Math.abs(fd)) + ABS;
                double err = Math.abs(a - fd);
                assertTrue(
                        err <= allowed,
                        label + ": d/d" + name + "[" + j + "] analytic " + a + ", finite difference " + fd);
                worst = Math.max(worst, err / allowed);
                worstAbs = Math.max(worstAbs, err);
            }
        }
        System.out.printf(
                "%-50s %5d entries, max |a-fd| %.2e, max error/allowed %.3f%n", label, entries, worstAbs, worst);
    }

    private static void compareWithFloatEngine(String label, Graph g, Map<String, DTensor> inputs, Autodiff.Tape tape) {
        Map<String, Tensor> floats = new LinkedHashMap<>();
        inputs.forEach((k, v) -> floats.put(k, v.toFloat()));
        Map<String, Tensor> expected = FloatEngine.builder(g).threads(1).build().run(floats);
        expected.forEach((name, want) -> {
            double[] got = tape.value(name).data();
            assertEquals(want.shape().size(), got.length, label + ": size of " + name);
            for (int i = 0; i < got.length; i++) {
                assertEquals(
                        want.data()[i],
                        got[i],
                        1e-5 * Math.max(1, Math.abs(got[i])),
                        label + ": forward " + name + "[" + i + "] differs from the float engine");
            }
        });
    }

    private static void check(String label, TinyGraph t, Graph g) {
        check(label, t, g, false, Set.of());
    }

    private record ConvCase(
            String label,
            int[] x,
            int[] w,
            int[] strides,
            int[] pads,
            int[] dilations,
            int group,
            AutoPad autoPad,
            boolean bias) {}

    private static void checkConv(ConvCase c, long seed) {
        TinyGraph t = new TinyGraph(seed);
        String x = t.input("x", c.x);
        String w = t.param("w", c.w);
        String b = c.bias ? t.param("b", c.w[0]) : "";
        int[] kernel = Arrays.copyOfRange(c.w, 2, c.w.length);
        String y = t.node("conv", new Op.Conv(kernel, c.strides, c.pads, c.dilations, c.group, c.autoPad), x, w, b);
        check("Conv " + c.label, t, t.build(y));
    }

    @Test
    void conv2d() {
        List<ConvCase> cases = List.of(
                new ConvCase(
                        "2-D strided, padded, dilated",
                        new int[] {2, 3, 7, 6},
                        new int[] {4, 3, 3, 2},
                        new int[] {2, 1},
                        new int[] {1, 0, 2, 1},
                        new int[] {1, 2},
                        1,
                        AutoPad.NOTSET,
                        true),
                new ConvCase(
                        "2-D grouped",
                        new int[] {2, 4, 6, 5},
                        new int[] {6, 2, 3, 3},
                        new int[] {1, 1},
                        new int[] {1, 1, 1, 1},
                        new int[] {1, 1},
                        2,
                        AutoPad.NOTSET,
                        true),
                new ConvCase(
                        "2-D depthwise SAME_UPPER stride 2",
                        new int[] {1, 3, 5, 7},
                        new int[] {3, 1, 3, 3},
                        new int[] {2, 2},
                        null,
                        new int[] {1, 1},
                        3,
                        AutoPad.SAME_UPPER,
                        true),
                new ConvCase(
                        "2-D depthwise x2 SAME_LOWER dilated",
                        new int[] {2, 2, 6, 6},
                        new int[] {4, 1, 2, 3},
                        new int[] {1, 2},
                        null,
                        new int[] {2, 1},
                        2,
                        AutoPad.SAME_LOWER,
                        false),
                new ConvCase(
                        "2-D VALID strided",
                        new int[] {1, 2, 5, 6},
                        new int[] {3, 2, 2, 3},
                        new int[] {2, 3},
                        null,
                        new int[] {1, 1},
                        1,
                        AutoPad.VALID,
                        true),
                new ConvCase(
                        "2-D 1x1",
                        new int[] {2, 4, 3, 5},
                        new int[] {5, 4, 1, 1},
                        new int[] {1, 1},
                        new int[] {0, 0, 0, 0},
                        new int[] {1, 1},
                        1,
                        AutoPad.NOTSET,
                        true),
                new ConvCase(
                        "2-D 1x1 strided, padded",
                        new int[] {2, 4, 5, 5},
                        new int[] {3, 4, 1, 1},
                        new int[] {2, 2},
                        new int[] {1, 1, 0, 0},
                        null,
                        1,
                        AutoPad.NOTSET,
                        false));
        long seed = 1;
        for (ConvCase c : cases) {
            checkConv(c, seed++);
        }
    }

    @Test
    void conv1d() {
        checkConv(
                new ConvCase(
                        "1-D strided, padded, dilated",
                        new int[] {2, 3, 9},
                        new int[] {4, 3, 3},
                        new int[] {2},
                        new int[] {1, 2},
                        new int[] {2},
                        1,
                        AutoPad.NOTSET,
                        true),
                11);
        checkConv(
                new ConvCase(
                        "1-D grouped SAME_UPPER",
                        new int[] {1, 4, 7},
                        new int[] {6, 2, 2},
                        new int[] {1},
                        null,
                        new int[] {1},
                        2,
                        AutoPad.SAME_UPPER,
                        true),
                12);
    }

    @Test
    void gemmEveryTransposeAndBroadcastC() {
        int m = 3;
        int k = 4;
        int n = 5;
        int[][] cShapes = {{n}, {m, 1}, {m, n}, {1, n}, {}};
        long seed = 20;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (int ci = 0; ci < cShapes.length; ci++) {
                    TinyGraph t = new TinyGraph(seed++);
                    String a = t.input("a", transA ? new int[] {k, m} : new int[] {m, k});
                    String b = t.param("b", transB ? new int[] {n, k} : new int[] {k, n});
                    String c = t.param("c", cShapes[ci]);
                    float alpha = ci % 2 == 0 ? 1f : 0.75f;
                    float beta = ci % 2 == 0 ? 1f : -1.25f;
                    String y = t.node("gemm", new Op.Gemm(alpha, beta, transA, transB), a, b, c);
                    check(
                            "Gemm transA=" + transA + " transB=" + transB + " C" + Arrays.toString(cShapes[ci]),
                            t,
                            t.build(y));
                }
                TinyGraph t = new TinyGraph(seed++);
                String a = t.input("a", transA ? new int[] {k, m} : new int[] {m, k});
                String b = t.param("b", transB ? new int[] {n, k} : new int[] {k, n});
                String y = t.node("gemm", new Op.Gemm(0.5f, 1f, transA, transB), a, b);
                check("Gemm transA=" + transA + " transB=" + transB + " without C", t, t.build(y));
            }
        }
    }

    @Test
    void matMulBatchedAndBroadcast() {
        int[][][] pairs = {
            {{3, 4}, {4, 5}}, {{2, 3, 4}, {2, 4, 5}}, {{2, 1, 3, 4}, {3, 4, 5}}, {{2, 3, 4}, {4, 5}},
            {{4}, {2, 4, 5}}, {{3, 4}, {4}}, {{4}, {4}}, {{1, 3, 4}, {2, 4, 2}}
        };
        long seed = 40;
        for (int[][] p : pairs) {
            TinyGraph t = new TinyGraph(seed++);
            String a = t.input("a", p[0]);
            String b = t.param("b", p[1]);
            String y = t.node("matmul", new Op.MatMul(), a, b);
            check("MatMul " + Arrays.toString(p[0]) + " x " + Arrays.toString(p[1]), t, t.build(y));
        }
    }

    @Test
    void binaryWithBroadcasting() {
        int[][][] pairs = {
            {{2, 3, 4}, {2, 3, 4}},
            {{2, 3, 4, 5}, {3, 1, 1}},
            {{3, 1, 5}, {4, 1}},
            {{2, 3}, {}},
            {{1, 3}, {2, 1}},
            {{5}, {2, 3, 5}}
        };
        long seed = 60;
        for (Op.Binary.Kind kind : Op.Binary.Kind.values()) {
            for (int[][] p : pairs) {
                TinyGraph t = new TinyGraph(seed++);
                String a = t.input("a", p[0]);
                String b = t.param("b", divisor(t, kind, p[1]), p[1]);
                String y = t.node("op", new Op.Binary(kind, -1), a, b);
                check(kind + " " + Arrays.toString(p[0]) + " and " + Arrays.toString(p[1]), t, t.build(y));
            }
            TinyGraph t = new TinyGraph(seed++);
            String a = t.input("a", 2, 3, 4, 5);
            String b = t.param("b", divisor(t, kind, new int[] {3, 4}), 3, 4);
            String y = t.node("op", new Op.Binary(kind, 1), a, b);
            check(kind + " legacy axis 1", t, t.build(y));
        }
    }

    /** Values for B: Gaussian, or for DIV magnitudes in [0.5, 1.5) with random signs, away from 0. */
    private static float[] divisor(TinyGraph t, Op.Binary.Kind kind, int[] dims) {
        int count = DTensor.count(dims);
        if (kind != Op.Binary.Kind.DIV) {
            return t.gaussian(count, 1f);
        }
        float[] v = t.uniform(count, 0.5f, 1.5f);
        float[] sign = t.gaussian(count, 1f);
        for (int i = 0; i < count; i++) {
            v[i] = sign[i] < 0 ? -v[i] : v[i];
        }
        return v;
    }

    private static String batchNorm(TinyGraph t, String x, int channels, boolean trainingFlag) {
        String scale = t.param("scale", channels);
        String bias = t.param("bias", channels);
        String mean = t.param("mean", channels);
        String var = t.param("var", t.uniform(channels, 0.5f, 1.5f), channels);
        return t.node("bn", new Op.BatchNorm(1e-5f, 0.9f, trainingFlag), x, scale, bias, mean, var);
    }

    @Test
    void batchNormTrainingAndInference() {
        for (boolean training : new boolean[] {true, false}) {
            TinyGraph t = new TinyGraph(training ? 80 : 81);
            String y = batchNorm(t, t.input("x", 3, 4, 2, 3), 4, false);
            check(
                    "BatchNorm " + (training ? "batch" : "running") + " statistics [3,4,2,3]",
                    t,
                    t.build(y),
                    training,
                    Set.of("mean", "var"));
            TinyGraph t2 = new TinyGraph(training ? 82 : 83);
            String y2 = batchNorm(t2, t2.input("x", 5, 3), 3, false);
            check(
                    "BatchNorm " + (training ? "batch" : "running") + " statistics [5,3]",
                    t2,
                    t2.build(y2),
                    training,
                    Set.of("mean", "var"));
        }
        // A node in ONNX training mode uses batch statistics even when the forward is not training.
        TinyGraph t = new TinyGraph(84);
        String x = t.input("x", 2, 3, 3);
        String scale = t.param("scale", 3);
        String bias = t.param("bias", 3);
        String mean = t.param("mean", 3);
        String var = t.param("var", t.uniform(3, 0.5f, 1.5f), 3);
        Graph g = withNode(
                t,
                new Node(
                        "bn",
                        new Op.BatchNorm(1e-5f, 0.9f, true),
                        List.of(x, scale, bias, mean, var),
                        List.of("y", "running_mean", "running_var")),
                "y");
        check("BatchNorm training_mode=1 node", t, g, false, Set.of("mean", "var"));
    }

    /** The graph of {@code t} plus one hand-made node, with the given outputs. */
    private static Graph withNode(TinyGraph t, Node node, String... outputs) {
        Graph base = t.build();
        List<Node> nodes = new ArrayList<>(base.nodes());
        nodes.add(node);
        List<ValueInfo> outs = new ArrayList<>();
        for (String o : outputs) {
            outs.add(new ValueInfo(o, DataType.FLOAT, List.of()));
        }
        return new Graph(base.name(), base.opset(), base.inputs(), outs, base.initializers(), nodes, Map.of());
    }

    @Test
    void reluSigmoidIdentity() {
        long seed = 90;
        for (Op.Unary.Kind kind : List.of(Op.Unary.Kind.RELU, Op.Unary.Kind.SIGMOID, Op.Unary.Kind.IDENTITY)) {
            TinyGraph t = new TinyGraph(seed++);
            String y = t.node("u", new Op.Unary(kind), t.input("x", 2, 3, 5));
            check(kind.toString(), t, t.build(y));
        }
    }

    @Test
    void roundPassesTheGradientStraightThrough() {
        TinyGraph t = new TinyGraph(95);
        String y = t.node("round", new Op.Unary(Op.Unary.Kind.ROUND), t.input("x", t.gaussian(12, 3f), 3, 4));
        Autodiff ad = new Autodiff(t.build(y));
        Autodiff.Tape tape = ad.forward(t.inputs(), Map.of(), false);
        double[] r = new double[12];
        Arrays.setAll(r, i -> i - 5.5);
        assertArrayEquals(
                r,
                ad.backward(tape, Map.of(y, DTensor.of(new int[] {3, 4}, r)))
                        .get("x")
                        .data());
    }

    @Test
    void clipWithAttributeAndInputBounds() {
        TinyGraph t = new TinyGraph(100);
        String y = t.node("clip", new Op.Clip(-0.5f, 0.7f), t.input("x", 3, 7));
        check("Clip attributes [-0.5, 0.7]", t, t.build(y));

        t = new TinyGraph(101);
        String x = t.input("x", 3, 7);
        y = t.node(
                "clip",
                new Op.Clip(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
                x,
                t.param("lo", new float[] {-0.3f}),
                t.param("hi", new float[] {0.4f}));
        check("Clip input bounds [-0.3, 0.4]", t, t.build(y), false, Set.of("lo", "hi"));

        t = new TinyGraph(102);
        x = t.input("x", 3, 7);
        y = t.node(
                "clip",
                new Op.Clip(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
                x,
                "",
                t.param("hi", new float[] {0.2f}));
        check("Clip max only", t, t.build(y), false, Set.of("hi"));

        t = new TinyGraph(103);
        y = t.node("clip", new Op.Clip(0.5f, -0.5f), t.input("x", 3, 7));
        check("Clip min > max (constant output)", t, t.build(y));
    }

    private record PoolCase(
            String label,
            int[] x,
            int[] kernel,
            int[] strides,
            int[] pads,
            int[] dilations,
            boolean ceil,
            boolean includePad,
            AutoPad autoPad) {}

    @Test
    void maxPool() {
        List<PoolCase> cases = List.of(
                new PoolCase(
                        "2x2 stride 2",
                        new int[] {2, 3, 6, 6},
                        new int[] {2, 2},
                        new int[] {2, 2},
                        null,
                        null,
                        false,
                        false,
                        AutoPad.NOTSET),
                new PoolCase(
                        "3x3 stride 2 padded ceil",
                        new int[] {1, 2, 7, 6},
                        new int[] {3, 3},
                        new int[] {2, 2},
                        new int[] {1, 1, 1, 1},
                        null,
                        true,
                        false,
                        AutoPad.NOTSET),
                new PoolCase(
                        "dilated asymmetric pads",
                        new int[] {1, 2, 7, 7},
                        new int[] {2, 3},
                        new int[] {1, 2},
                        new int[] {0, 1, 1, 0},
                        new int[] {2, 1},
                        false,
                        false,
                        AutoPad.NOTSET),
                new PoolCase(
                        "SAME_UPPER",
                        new int[] {2, 1, 5, 5},
                        new int[] {3, 2},
                        new int[] {2, 2},
                        null,
                        null,
                        false,
                        false,
                        AutoPad.SAME_UPPER),
                new PoolCase(
                        "1-D",
                        new int[] {2, 3, 9},
                        new int[] {3},
                        new int[] {2},
                        new int[] {1, 1},
                        null,
                        false,
                        false,
                        AutoPad.NOTSET));
        long seed = 110;
        for (PoolCase c : cases) {
            checkPool(Op.Pool.Kind.MAX, c, seed++);
        }
        // With the Indices output as well: it carries no gradient, and its values match the engine's.
        TinyGraph t = new TinyGraph(seed);
        String x = t.input("x", 2, 2, 5, 5);
        Op.Pool op = new Op.Pool(
                Op.Pool.Kind.MAX,
                new int[] {2, 2},
                new int[] {2, 2},
                new int[] {1, 1, 0, 0},
                null,
                true,
                false,
                AutoPad.NOTSET,
                1);
        check(
                "MaxPool with indices (column-major)",
                t,
                withNode(t, new Node("pool", op, List.of(x), List.of("y", "indices")), "y", "indices"));
    }

    @Test
    void averagePool() {
        List<PoolCase> cases = List.of(
                new PoolCase(
                        "3x3 stride 2 padded, excluding pads",
                        new int[] {2, 2, 7, 6},
                        new int[] {3, 3},
                        new int[] {2, 2},
                        new int[] {1, 1, 1, 1},
                        null,
                        false,
                        false,
                        AutoPad.NOTSET),
                new PoolCase(
                        "3x3 stride 2 padded ceil, including pads",
                        new int[] {2, 2, 7, 6},
                        new int[] {3, 3},
                        new int[] {2, 2},
                        new int[] {1, 1, 1, 1},
                        null,
                        true,
                        true,
                        AutoPad.NOTSET),
                new PoolCase(
                        "2x3 ceil, excluding pads",
                        new int[] {1, 3, 6, 7},
                        new int[] {2, 3},
                        new int[] {2, 2},
                        new int[] {0, 1, 0, 1},
                        null,
                        true,
                        false,
                        AutoPad.NOTSET),
                new PoolCase(
                        "SAME_LOWER including pads",
                        new int[] {1, 2, 5, 4},
                        new int[] {3, 3},
                        new int[] {2, 1},
                        null,
                        null,
                        false,
                        true,
                        AutoPad.SAME_LOWER),
                new PoolCase(
                        "1-D including pads",
                        new int[] {2, 3, 8},
                        new int[] {3},
                        new int[] {2},
                        new int[] {1, 2},
                        null,
                        false,
                        true,
                        AutoPad.NOTSET));
        long seed = 120;
        for (PoolCase c : cases) {
            checkPool(Op.Pool.Kind.AVERAGE, c, seed++);
        }
    }

    private static void checkPool(Op.Pool.Kind kind, PoolCase c, long seed) {
        TinyGraph t = new TinyGraph(seed);
        Op.Pool op = new Op.Pool(kind, c.kernel, c.strides, c.pads, c.dilations, c.ceil, c.includePad, c.autoPad, 0);
        String y = t.node("pool", op, t.input("x", c.x));
        check(op.type() + " " + c.label, t, t.build(y));
    }

    @Test
    void globalAveragePool() {
        TinyGraph t = new TinyGraph(130);
        check("GlobalAveragePool 2-D", t, t.build(t.node("gap", new Op.GlobalAveragePool(), t.input("x", 2, 3, 4, 5))));
        t = new TinyGraph(131);
        check("GlobalAveragePool 1-D", t, t.build(t.node("gap", new Op.GlobalAveragePool(), t.input("x", 2, 3, 7))));
    }

    @Test
    void flattenReshapeConcat() {
        TinyGraph t = new TinyGraph(140);
        String f = t.node("flatten", new Op.Flatten(2), t.input("x", 2, 3, 4, 5));
        // The linear functional alone would not notice a misplaced element; a Gemm after it does.
        String y = t.node("gemm", new Op.Gemm(1f, 1f, false, true), f, t.param("w", 3, 20));
        check("Flatten axis 2 then Gemm", t, t.build(y));

        t = new TinyGraph(141);
        String r = t.node("reshape", new Op.Reshape(false, null), t.input("x", 2, 3, 4), t.shape("s", 0, -1));
        y = t.node("mm", new Op.MatMul(), r, t.param("w", 12, 3));
        check("Reshape [0, -1] then MatMul", t, t.build(y));

        t = new TinyGraph(142);
        String a = t.input("a", 2, 1, 3);
        String b = t.param("b", 2, 4, 3);
        String c = t.input("c", 2, 2, 3);
        check("Concat axis 1", t, t.build(t.node("concat", new Op.Concat(1), a, b, c)));

        t = new TinyGraph(143);
        a = t.input("a", 2, 3, 2);
        b = t.input("b", 2, 3, 1);
        check("Concat axis -1", t, t.build(t.node("concat", new Op.Concat(-1), a, b)));
    }

    @Test
    void softmax() {
        TinyGraph t = new TinyGraph(150);
        check("Softmax coerce2d axis 1", t, t.build(t.node("sm", new Op.Softmax(1, true), t.input("x", 2, 3, 4))));
        t = new TinyGraph(151);
        check("Softmax along axis 1", t, t.build(t.node("sm", new Op.Softmax(1, false), t.input("x", 2, 3, 2, 2))));
        t = new TinyGraph(152);
        check("Softmax along axis -1", t, t.build(t.node("sm", new Op.Softmax(-1, false), t.input("x", 3, 5))));
    }

    /**
     * Everything together: a residual block (x feeds both the convolution and the Add, so two
     * gradients accumulate into it) with training-mode BatchNorm, ReLU, Identity, max pooling and a
     * Gemm, with an intermediate value as a second output.
     */
    @Test
    void residualBlockWithBatchNorm() {
        TinyGraph t = new TinyGraph(160);
        String x = t.input("x", 2, 3, 6, 6);
        String conv = t.node(
                "conv",
                new Op.Conv(new int[] {3, 3}, null, new int[] {1, 1, 1, 1}, null, 1, AutoPad.NOTSET),
                x,
                t.param("w", 3, 3, 3, 3),
                t.param("cb", 3));
        String bn = batchNorm(t, conv, 3, false);
        String relu = t.node("relu", new Op.Unary(Op.Unary.Kind.RELU), bn);
        String sum = t.node("add", new Op.Binary(Op.Binary.Kind.ADD, -1), relu, x);
        String id = t.node("id", new Op.Unary(Op.Unary.Kind.IDENTITY), sum);
        String pool = t.node(
                "pool",
                new Op.Pool(
                        Op.Pool.Kind.MAX,
                        new int[] {2, 2},
                        new int[] {2, 2},
                        null,
                        null,
                        false,
                        false,
                        AutoPad.NOTSET,
                        0),
                id);
        String flat = t.node("flatten", new Op.Flatten(1), pool);
        String y = t.node("fc", new Op.Gemm(1f, 1f, false, true), flat, t.param("fw", 4, 27), t.param("fb", 4));
        check("residual block, training", t, t.build(y, relu), true, Set.of("mean", "var"));
    }

    @Test
    void fakeQuantizeStraightThroughEstimator() {
        record Case(NumberFormat format, float scale, float zeroPoint) {}
        List<Case> cases = List.of(
                new Case(NumberFormat.parse("int4"), 0.25f, 0f),
                new Case(NumberFormat.parse("uint4"), 0.2f, 3f),
                new Case(NumberFormat.parse("fp8-e4m3"), 0.005f, 0f),
                new Case(NumberFormat.parse("binary"), 0.5f, 0f));
        long seed = 170;
        for (Case c : cases) {
            TinyGraph t = new TinyGraph(seed++);
            String x = t.input("x", t.gaussian(40, 2f), 5, 8);
            Op.FakeQuantize op = new Op.FakeQuantize(c.format, c.scale, c.zeroPoint);
            String y = t.node("fq", op, x);
            Graph g = t.build(y);
            Autodiff ad = new Autodiff(g);
            Autodiff.Tape tape = ad.forward(t.inputs(), Map.of(), false);
            compareWithFloatEngine("FakeQuantize " + c.format.name(), g, t.inputs(), tape);
            DTensor r = DTensor.of(new int[] {5, 8}, toDoubles(t.gaussian(40, 1f)));
            Map<String, DTensor> grads = ad.backward(tape, Map.of(y, r));
            double[] xs = t.inputs().get(x).data();
            double[] dx = grads.get(x).data();
            int inside = 0;
            for (int i = 0; i < xs.length; i++) {
                double code = xs[i] / c.scale + c.zeroPoint;
                boolean in = code >= c.format.minValue() && code <= c.format.maxValue();
                inside += in ? 1 : 0;
                assertEquals(in ? r.data()[i] : 0, dx[i], 0, c.format.name() + " element " + i);
            }
            assertTrue(inside > 0 && inside < xs.length, c.format.name() + ": the case needs values on both sides");
            assertEquals(
                    Autodiff.lsqScaleGradient(op, t.inputs().get(x), r),
                    grads.get("fq/scale").data()[0],
                    0);
        }
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void lsqScaleGradientFollowsTheFormula() {
        // int4 (codes ±7), scale 0.25: x/s = 2.4 -> round 2 - 2.4; 12 -> clamped 7; -8.4 -> clamped -7;
        // 0.4 -> round 0 - 0.4.
        Op.FakeQuantize op = new Op.FakeQuantize(NumberFormat.parse("int4"), 0.25f, 0f);
        DTensor x = DTensor.of(new int[] {4}, new double[] {0.6, 3.0, -2.1, 0.1});
        DTensor dy = DTensor.of(new int[] {4}, new double[] {1, 2, -1, 3});
        double expected = 1 * (2 - 2.4) + 2 * 7 + -1 * -7 + 3 * (0 - 0.4);
        assertEquals(expected, Autodiff.lsqScaleGradient(op, x, dy), 1e-12);

        // uint4 (codes 0..15) with zero point 3, scale 0.5: x/s = 1.3 -> code 4, x̂/s = 1, inside;
        // x/s = 20 -> clamped 15 - 3 = 12; x/s = -5 -> clamped 0 - 3 = -3.
        Op.FakeQuantize u = new Op.FakeQuantize(NumberFormat.parse("uint4"), 0.5f, 3f);
        DTensor xu = DTensor.of(new int[] {3}, new double[] {0.65, 10, -2.5});
        DTensor du = DTensor.of(new int[] {3}, new double[] {1, 1, 1});
        assertEquals((1 - 1.3) + 12 + -3, Autodiff.lsqScaleGradient(u, xu, du), 1e-12);

        assertEquals(0, Autodiff.lsqScaleGradient(new Op.FakeQuantize(NumberFormat.FLOAT, 1f, 0f), xu, du));
    }

    /** Where every value is clamped, x̂ = (bound − zp) · s is linear in s, so the LSQ gradient is exact. */
    @Test
    void lsqScaleGradientMatchesFiniteDifferencesWhereClamped() {
        float[] x = {3f, -4f, 5.5f, -2.25f, 6f, 100f};
        double[] r = {0.3, -1.1, 0.7, 2.0, -0.4, 0.9};
        for (String formatName : List.of("int4", "uint4", "fp4-e2m1")) {
            NumberFormat format = NumberFormat.parse(formatName);
            float scale = 0.125f;
            float zp = format.unsigned() ? 3f : 0f;
            double analytic = Autodiff.lsqScaleGradient(
                    new Op.FakeQuantize(format, scale, zp),
                    DTensor.of(new int[] {6}, toDoubles(x)),
                    DTensor.of(new int[] {6}, r));
            float h = 1f / 1024;
            double fd = (functional(format, scale + h, zp, x, r) - functional(format, scale - h, zp, x, r)) / (2 * h);
            assertEquals(fd, analytic, 1e-9, formatName);
        }
    }

    private static double functional(NumberFormat format, float scale, float zp, float[] x, double[] r) {
        TinyGraph t = new TinyGraph(0);
        String y = t.node("fq", new Op.FakeQuantize(format, scale, zp), t.input("x", x, x.length));
        double[] v = new Autodiff(t.build(y))
                .forward(t.inputs(), Map.of(), false)
                .value(y)
                .data();
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i] * r[i];
        }
        return sum;
    }

    @Test
    void softmaxCrossEntropyGradient() {
        Random random = new Random(180);
        double[] z = new double[4 * 6];
        for (int i = 0; i < z.length; i++) {
            z[i] = 2 * random.nextGaussian();
        }
        int[] labels = {0, 5, 2, 2};
        DTensor logits = DTensor.of(new int[] {4, 6}, z);
        SoftmaxCrossEntropy.Result result = SoftmaxCrossEntropy.of(logits, labels);
        for (int j = 0; j < z.length; j++) {
            double keep = z[j];
            z[j] = keep + EPS;
            double plus = SoftmaxCrossEntropy.of(logits, labels).loss();
            z[j] = keep - EPS;
            double minus = SoftmaxCrossEntropy.of(logits, labels).loss();
            z[j] = keep;
            double fd = (plus - minus) / (2 * EPS);
            double a = result.gradient().data()[j];
            assertEquals(fd, a, REL * Math.max(Math.abs(a), Math.abs(fd)) + ABS, "logit " + j);
        }
    }

    /**
     * LeNet-5 end to end: softmax cross-entropy of 4 Fashion-MNIST images and 5 seeded, distinct
     * entries of each of its 10 parameter tensors (50 in all) against central differences, with the
     * per-operator tolerance. The labels are shifted by one class: the trained model is right and
     * confident on most images, whose gradients of ~1e-5 would sit near the differences' noise
     * floor, while wrong labels give gradients of a useful size.
     */
    @Test
    void lenet5EndToEnd() {
        Graph g = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        Map<String, DTensor> inputs =
                Map.of(g.inputs().getFirst().name(), DTensor.from(test.batch(0, 4, FASHION_MNIST)));
        int[] labels = new int[4];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (test.labels()[i] + 1) % 10;
        }
        String output = g.outputs().getFirst().name();
        Map<String, DTensor> params = new LinkedHashMap<>();
        g.initializers().forEach((name, t) -> {
            if (!t.type().isInteger()) {
                params.put(name, DTensor.from(t));
            }
        });
        Autodiff ad = new Autodiff(g);
        Autodiff.Tape tape = ad.forward(inputs, params, false);
        SoftmaxCrossEntropy.Result ce = SoftmaxCrossEntropy.of(tape.value(output), labels);
        Map<String, DTensor> grads = ad.backward(tape, Map.of(output, ce.gradient()));
        assertEquals(10, params.size());
        Random random = new Random(190);
        double worst = 0;
        double worstAbs = 0;
        for (var e : params.entrySet()) {
            double[] v = e.getValue().data();
            double[] analytic = grads.get(e.getKey()).data();
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < v.length; j++) {
                order.add(j);
            }
            java.util.Collections.shuffle(order, random);
            for (int j : order.subList(0, 5)) {
                double keep = v[j];
                v[j] = keep + EPS;
                double plus = SoftmaxCrossEntropy.of(
                                ad.forward(inputs, params, false).value(output), labels)
                        .loss();
                v[j] = keep - EPS;
                double minus = SoftmaxCrossEntropy.of(
                                ad.forward(inputs, params, false).value(output), labels)
                        .loss();
                v[j] = keep;
                double fd = (plus - minus) / (2 * EPS);
                double allowed = REL * Math.max(Math.abs(analytic[j]), Math.abs(fd)) + ABS;
                assertEquals(fd, analytic[j], allowed, e.getKey() + "[" + j + "]");
                worst = Math.max(worst, Math.abs(fd - analytic[j]) / allowed);
                worstAbs = Math.max(worstAbs, Math.abs(fd - analytic[j]));
            }
        }
        System.out.printf("lenet5 end to end: 50 entries, max |a-fd| %.2e, max error/allowed %.3f%n", worstAbs, worst);
    }
}
