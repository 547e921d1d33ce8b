package org.bitbudget.training;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.bitbudget.testsupport.ModelBuilder.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the backward rules of the layout operators (Transpose, Squeeze, Unsqueeze, Gather, Slice,
 * Split, Pad, Expand, Tile) and of a Cast between float types against central finite differences in double, as {@link GradientCheckTest}
 * does: the loss is a random linear functional of the outputs and every element of the input is
 * perturbed by ±1e-6. These operators are linear in their data, so the difference quotient is exact
 * up to round-off (about 1e-16 · |L| / 1e-6); the tolerance is that of {@link GradientCheckTest}. The
 * forward pass in double must also equal the float engine's.
 */
class LayoutGradientCheckTest {
    private static final double EPS = 1e-6;
    private static final double REL = 1e-6;
    private static final double ABS = 1e-8;

    static Stream<Arguments> graphs() {
        return Stream.of(
                graph("Transpose, Squeeze, Unsqueeze and Cast", b -> {
                    String t = b.node("Transpose", "t", List.of("x"), ints("perm", 1, 3, 0, 2));
                    String u = b.node("Unsqueeze", "u", List.of(t, b.longs("ua", 2, -1)));
                    String q = b.node("Squeeze", "q", List.of(u, b.longs("qa", 2)));
                    b.output(b.node("Cast", "c", List.of(q), i("to", 1)));
                }),
                graph(
                        "Gather with repeated and negative indices",
                        b -> b.output(b.node("Gather", "g", List.of("x", b.longs("idx", 2, -1, 0, 2)), i("axis", -1)))),
                graph(
                        "Slice with negative steps",
                        b -> b.output(b.node(
                                "Slice",
                                "s",
                                List.of(
                                        "x",
                                        b.longs("st", -1, 3),
                                        b.longs("en", 0, -100),
                                        b.longs("ax", 1, 3),
                                        b.longs("sp", -1, -2))))),
                graph("Expand and Tile", b -> {
                    String sl =
                            b.node("Slice", "s", List.of("x", b.longs("st", 0), b.longs("en", 1), b.longs("ax", 1)));
                    String e = b.node("Expand", "e", List.of(sl, b.longs("shape", 2, 3, 1, 1)));
                    b.output(b.node("Tile", "t", List.of(e, b.longs("reps", 1, 2, 1, 3))));
                }),
                graph("Pad constant, reflect and edge", b -> {
                    String c = b.node(
                            "Pad", "c", List.of("x", b.longs("p", 0, 1, 2, -1, 1, 0, 1, 2), b.scalar("v", 0.5f)));
                    String r =
                            b.node("Pad", "r", List.of(c, b.longs("p2", 0, 0, 2, 3, 0, 0, 1, 2)), s("mode", "reflect"));
                    b.output(b.node("Pad", "e", List.of(r, b.longs("p3", 0, 2, 1, 0, 1, 0, 0, 1)), s("mode", "edge")));
                }),
                graph("Split with an ignored first part", b -> {
                    b.node(NodeProto.newBuilder()
                            .setOpType("Split")
                            .setName("split")
                            .addInput("x")
                            .addInput(b.longs("sizes", 1, 2, 2))
                            .addOutput("a")
                            .addOutput("b")
                            .addOutput("c")
                            .addAttribute(i("axis", 3))
                            .build());
                    b.output(b.node("Mul", "m", List.of("b", "c")));
                    b.output("c");
                }));
    }

    private static Arguments graph(String name, Consumer<ModelBuilder> body) {
        ModelBuilder b = new ModelBuilder(name, 3).opset(13);
        b.fixedInput("x", 2, 3, 4, 5);
        body.accept(b);
        return Arguments.of(name, OnnxImporter.parse(b.bytes(), name + ".onnx"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void backwardMatchesFiniteDifferences(String label, Graph g) {
        Random random = new Random(label.hashCode());
        int[] dims = {2, 3, 4, 5};
        double[] x = new double[DTensor.count(dims)];
        float[] xf = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            xf[k] = (float) random.nextGaussian();
            x[k] = xf[k];
        }
        Map<String, DTensor> inputs = Map.of("x", DTensor.of(dims, x));
        Autodiff ad = new Autodiff(g);
        Autodiff.Tape tape = ad.forward(inputs, Map.of(), false);
        Map<String, Tensor> floats =
                FloatEngine.builder(g).threads(1).build().run(Map.of("x", Tensor.of(Shape.of(dims), xf)));
        Map<String, DTensor> weights = new LinkedHashMap<>();
        for (ValueInfo out : g.outputs()) {
            DTensor v = tape.value(out.name());
            float[] want = floats.get(out.name()).data();
            double[] r = new double[v.size()];
            for (int k = 0; k < r.length; k++) {
                assertEquals(want[k], v.data()[k], 1e-5 * Math.max(1, Math.abs(want[k])), label + ": forward");
                r[k] = random.nextGaussian();
            }
            weights.put(out.name(), DTensor.of(v.shape(), r));
        }
        DTensor analytic = ad.backward(tape, weights).get("x");
        assertNotNull(analytic, label + ": no gradient for x");
        for (int j = 0; j < x.length; j++) {
            double keep = x[j];
            x[j] = keep + EPS;
            double plus = loss(ad, inputs, weights);
            x[j] = keep - EPS;
            double minus = loss(ad, inputs, weights);
            x[j] = keep;
            double fd = (plus - minus) / (2 * EPS);
            double a = analytic.data()[j];
            assertTrue(
                    Math.abs(a - fd) <= REL * Math.max(Math.abs(a), Math.abs(fd)) + ABS,
                    label + ": d/dx[" + j + "] analytic " + a + ", finite difference " + fd);
        }
    }

    private static double loss(Autodiff ad, Map<String, DTensor> inputs, Map<String, DTensor> weights) {
        Autodiff.Tape tape = ad.forward(inputs, Map.of(), false);
        double sum = 0;
        for (var e : weights.entrySet()) {
            double[] v = tape.value(e.getKey()).data();
            double[] r = e.getValue().data();
            for (int k = 0; k < v.length; k++) {
                sum += v[k] * r[k];
            }
        }
        return sum;
    }
}
