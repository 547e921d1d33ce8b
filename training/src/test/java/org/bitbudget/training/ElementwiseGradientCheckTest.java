package org.bitbudget.training;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.OnnxNode;
import org.bitbudget.ops.Operators;
import org.junit.jupiter.api.Test;

/**
 * {@link GradientCheckTest}'s finite-difference check for the element-wise operators that the
 * sensitivity estimators meet in MobileNetV3- and ViT-style models: activations, elementary
 * functions, Pow, PRelu, Min/Max and Where, with broadcasting where the operator has it. Inputs are
 * Gaussian (scaled to reach the clamps of HardSigmoid and HardSwish) or, for Log, Sqrt, Reciprocal
 * and Pow's base, in [0.5, 2); no value lies within the step of a kink for these seeds.
 */
class ElementwiseGradientCheckTest {

    /** An operator read through its descriptor, as the importer reads it, from these attributes. */
    private static Op op(String type, int opset, Map<String, Object> attributes) {
        return Operators.forOnnx("", type).read(new Attributes(type, opset, attributes));
    }

    private static Op op(String type, Map<String, Object> attributes) {
        return op(type, 13, attributes);
    }

    private static Op op(String type) {
        return op(type, Map.of());
    }

    @Test
    void activations() {
        List<Object[]> cases = List.of(
                new Object[] {op("HardSigmoid", Map.of("alpha", 0.3f, "beta", 0.4f)), 3f},
                new Object[] {op("HardSigmoid"), 4f},
                new Object[] {op("HardSwish"), 4f},
                new Object[] {op("LeakyRelu", Map.of("alpha", 0.1f)), 1f},
                new Object[] {op("Elu", Map.of("alpha", 0.7f)), 1f},
                new Object[] {op("Tanh"), 1.5f},
                new Object[] {op("Erf"), 1.5f},
                new Object[] {op("Gelu"), 2f},
                new Object[] {op("Gelu", Map.of("approximate", "tanh")), 2f},
                new Object[] {op("Exp"), 1f},
                new Object[] {op("Neg"), 1f},
                new Object[] {op("Abs"), 1f});
        long seed = 300;
        for (Object[] c : cases) {
            Op op = (Op) c[0];
            TinyGraph t = new TinyGraph(seed++);
            String x = t.input("x", t.gaussian(2 * 3 * 5, (Float) c[1]), 2, 3, 5);
            GradientCheckTest.check(op.toString(), t, t.build(t.node("u", op, x)));
        }
    }

    @Test
    void functionsOfPositiveValues() {
        long seed = 320;
        for (String type : List.of("Log", "Sqrt", "Reciprocal")) {
            TinyGraph t = new TinyGraph(seed++);
            String x = t.input("x", t.uniform(2 * 7, 0.5f, 2f), 2, 7);
            GradientCheckTest.check(type, t, t.build(t.node("u", op(type), x)));
        }
    }

    @Test
    void powWithRespectToTheBaseWithBroadcasting() {
        int[][][] pairs = {{{2, 3}, {}}, {{2, 3}, {2, 1, 3}}, {{4, 1}, {3}}};
        long seed = 330;
        for (int[][] p : pairs) {
            TinyGraph t = new TinyGraph(seed++);
            String x = t.input("x", t.uniform(Shape.of(p[0]).size(), 0.5f, 2f), p[0]);
            int count = Shape.of(p[1]).size();
            String e = t.param("e", t.uniform(count, -2f, 3f), p[1]);
            String y = t.node("pow", op("Pow"), x, e);
            GradientCheckTest.check("Pow " + Arrays.toString(p[1]), t, t.build(y), false, Set.of("e"));
        }
    }

    @Test
    void preluPerChannelAndLegacy() {
        TinyGraph t = new TinyGraph(340);
        String x = t.input("x", 2, 3, 4, 5);
        String slope = t.param("slope", 3, 1, 1);
        GradientCheckTest.check("PRelu [3, 1, 1]", t, t.build(t.node("p", op("PRelu"), x, slope)));
        t = new TinyGraph(341);
        x = t.input("x", 2, 3, 4);
        slope = t.param("slope", 4);
        GradientCheckTest.check("PRelu [4]", t, t.build(t.node("p", op("PRelu"), x, slope)));
        t = new TinyGraph(342);
        x = t.input("x", 2, 3, 4);
        slope = t.param("slope", 3);
        GradientCheckTest.check(
                "PRelu opset 6 per channel", t, t.build(t.node("p", op("PRelu", 6, Map.of()), x, slope)));
    }

    @Test
    void minAndMaxOfThreeBroadcastInputs() {
        long seed = 350;
        for (String type : List.of("Min", "Max")) {
            TinyGraph t = new TinyGraph(seed++);
            String a = t.input("a", 2, 3, 4);
            String b = t.param("b", 3, 1);
            String c = t.param("c", 4);
            GradientCheckTest.check(type, t, t.build(t.node("m", op(type), a, b, c)));
            t = new TinyGraph(seed++);
            GradientCheckTest.check(type + " of one input", t, t.build(t.node("m", op(type), t.input("a", 3, 2))));
        }
    }

    @Test
    void whereWithRespectToBothValues() {
        TinyGraph t = new TinyGraph(360);
        String c = t.param("c", 2, 1);
        String zero = t.param("zero", new float[] {0f});
        String condition = t.node("gt", op("Greater"), c, zero);
        String x = t.input("x", 2, 3);
        String y = t.param("y", 3);
        String out = t.node("where", op("Where"), condition, x, y);
        GradientCheckTest.check("Where", t, t.build(out), false, Set.of("c", "zero"));
    }

    /** Attributes as an ONNX node holds them: Float, Integer, String or int[] values. */
    private record Attributes(String type, int opset, Map<String, Object> attributes) implements OnnxNode {
        @Override
        public List<String> inputs() {
            return List.of();
        }

        @Override
        public List<String> outputs() {
            return List.of();
        }

        @Override
        public Tensor constant(int i) {
            return null;
        }

        @Override
        public boolean has(String name) {
            return attributes.containsKey(name);
        }

        @Override
        public int getInt(String name, int fallback) {
            return (Integer) attributes.getOrDefault(name, fallback);
        }

        @Override
        public float getFloat(String name, float fallback) {
            return (Float) attributes.getOrDefault(name, fallback);
        }

        @Override
        public String getString(String name, String fallback) {
            return (String) attributes.getOrDefault(name, fallback);
        }

        @Override
        public int[] getInts(String name, int[] fallback) {
            return (int[]) attributes.getOrDefault(name, fallback);
        }

        @Override
        public long[] getLongs(String name, long[] fallback) {
            return (long[]) attributes.getOrDefault(name, fallback);
        }

        @Override
        public Tensor getTensor(String name) {
            return (Tensor) attributes.get(name);
        }

        @Override
        public float[] getFloats(String name, float[] fallback) {
            return (float[]) attributes.getOrDefault(name, fallback);
        }

        @Override
        public RuntimeException error(String message) {
            return new IllegalArgumentException(message);
        }

        @Override
        public RuntimeException unsupported(String feature, String message) {
            return new IllegalArgumentException(message);
        }
    }
}
