package org.bitbudget.training;

import static org.bitbudget.testsupport.ModelBuilder.f;
import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.List;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@link GradientCheckTest}'s finite-difference check for the trigonometric and hyperbolic functions
 * and their inverses, Selu, Celu, Softplus, Softsign, ThresholdedRelu and Shrink, the reductions
 * ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp and ReduceSumSquare, and Sum and Mean with
 * broadcasting. Each operator is read from a one-node ONNX model; inputs lie inside each function's
 * domain (|x| < 0.9 for Acos, Asin and Atanh, x > 1.2 for Acosh, positive for ReduceLogSum), and no
 * Gaussian value of these seeds lies within the step of a kink.
 */
class FunctionGradientCheckTest {
    private static Op imported(String type, int opset, int inputs, AttributeProto... attributes) {
        ModelBuilder b = new ModelBuilder(type, 1).opset(opset);
        List<String> names = new ArrayList<>();
        for (int k = 0; k < inputs; k++) {
            names.add(b.fixedInput("x" + k, 2, 3));
        }
        b.output(b.node(type, "n", names, attributes));
        return OnnxImporter.parse(b.bytes(), type + ".onnx").nodes().get(0).op();
    }

    private static void check(String label, Op op, long seed, float lo, float hi, int... x) {
        TinyGraph t = new TinyGraph(seed);
        String in = t.input("x", t.uniform(Shape.of(x).size(), lo, hi), x);
        GradientCheckTest.check(label, t, t.build(t.node("n", op, in)));
    }

    private static void checkGaussian(String label, Op op, long seed, float scale, int... x) {
        TinyGraph t = new TinyGraph(seed);
        String in = t.input("x", t.gaussian(Shape.of(x).size(), scale), x);
        GradientCheckTest.check(label, t, t.build(t.node("n", op, in)));
    }

    @Test
    void trigonometricAndHyperbolicFunctions() {
        long seed = 400;
        for (String type : List.of("Cos", "Sin", "Tan", "Atan", "Cosh", "Sinh", "Asinh")) {
            check(type, imported(type, 13, 1), seed++, -1.2f, 1.2f, 2, 3, 4);
        }
        for (String type : List.of("Acos", "Asin", "Atanh")) {
            check(type, imported(type, 13, 1), seed++, -0.9f, 0.9f, 2, 3, 4);
        }
        check("Acosh", imported("Acosh", 13, 1), seed, 1.2f, 3f, 2, 3, 4);
    }

    @Test
    void activations() {
        long seed = 420;
        checkGaussian("Selu", imported("Selu", 13, 1), seed++, 1.5f, 2, 3, 5);
        checkGaussian(
                "Selu alpha gamma", imported("Selu", 13, 1, f("alpha", 2f), f("gamma", 3f)), seed++, 1.5f, 2, 3, 5);
        checkGaussian("Celu alpha 0.8", imported("Celu", 13, 1, f("alpha", 0.8f)), seed++, 1.5f, 2, 3, 5);
        checkGaussian("Softplus", imported("Softplus", 13, 1), seed++, 2f, 2, 3, 5);
        checkGaussian("Softsign", imported("Softsign", 13, 1), seed++, 2f, 2, 3, 5);
        checkGaussian("ThresholdedRelu", imported("ThresholdedRelu", 13, 1, f("alpha", 0.5f)), seed++, 1.5f, 2, 3, 5);
        checkGaussian("Shrink", imported("Shrink", 13, 1, f("lambd", 0.4f), f("bias", 0.2f)), seed, 1.5f, 2, 3, 5);
    }

    @Test
    void reductions() {
        long seed = 440;
        checkGaussian("ReduceL1 axes [1]", imported("ReduceL1", 13, 1, ints("axes", 1)), seed++, 1f, 2, 3, 4);
        checkGaussian(
                "ReduceL2 axes [-1, 0] no keepdims",
                imported("ReduceL2", 13, 1, ints("axes", -1, 0), i("keepdims", 0)),
                seed++,
                1f,
                2,
                3,
                4);
        check("ReduceLogSum all axes", imported("ReduceLogSum", 13, 1), seed++, 0.5f, 2f, 2, 3, 4);
        checkGaussian(
                "ReduceLogSumExp axes [2]", imported("ReduceLogSumExp", 13, 1, ints("axes", 2)), seed++, 2f, 2, 3, 4);
        checkGaussian(
                "ReduceSumSquare axes [0, 1]",
                imported("ReduceSumSquare", 13, 1, ints("axes", 0, 1), i("keepdims", 0)),
                seed,
                1f,
                2,
                3,
                4);
    }

    @Test
    void sumAndMeanOfThreeBroadcastInputs() {
        long seed = 460;
        for (String type : List.of("Sum", "Mean")) {
            TinyGraph t = new TinyGraph(seed++);
            String a = t.input("a", 2, 3, 4);
            String b = t.param("b", 3, 1);
            String c = t.param("c", 4);
            GradientCheckTest.check(type, t, t.build(t.node("m", imported(type, 13, 3), a, b, c)));
        }
    }
}
