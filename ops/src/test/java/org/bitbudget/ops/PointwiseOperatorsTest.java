package org.bitbudget.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Pointwise;
import org.junit.jupiter.api.Test;

/**
 * The element-wise operators where ONNX's backend cases leave gaps: Gelu (opset 20, newer than the
 * cases here), erf to double precision, PRelu's opset-6 per-channel slope, and the types of
 * comparison and Where results. Expected values come from Python's {@code math.erf} and
 * {@code math.tanh} in double. HardSigmoid's float loop gives the bits of its double formula.
 */
class PointwiseOperatorsTest {
    private static final float[] X = {-3.5f, -1f, -0.25f, 0f, 0.5f, 1f, 2.75f};

    private static Tensor run(OperatorDescriptor<?> d, Object op, Tensor... in) {
        @SuppressWarnings("unchecked")
        OperatorDescriptor<org.bitbudget.ir.graph.Op> descriptor = (OperatorDescriptor<org.bitbudget.ir.graph.Op>) d;
        return descriptor.floatKernel((org.bitbudget.ir.graph.Op) op, null).apply(in, null)[0];
    }

    private static void assertClose(double[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6 * Math.max(1, Math.abs(want[i])), "element " + i);
        }
    }

    @Test
    void geluExactAndTanhApproximation() {
        var d = new ActivationFunctionOperator(ActivationFunctionOperator.Kind.GELU);
        Tensor x = Tensor.of(Shape.of(X.length), X);
        var exact = new ActivationFunctionOperator.ActivationFunction(
                ActivationFunctionOperator.Kind.GELU, Float.NaN, Float.NaN, false);
        var tanh = new ActivationFunctionOperator.ActivationFunction(
                ActivationFunctionOperator.Kind.GELU, Float.NaN, Float.NaN, true);
        assertClose(
                new double[] {
                    -0.0008142017766243903,
                    -0.15865525393145707,
                    -0.10032341857926907,
                    0,
                    0.34573123063700656,
                    0.8413447460685429,
                    2.7418056511035998
                },
                run(d, exact, x).data());
        assertClose(
                new double[] {
                    -0.0006161976553737403,
                    -0.15880800939172324,
                    -0.100324649298315,
                    0,
                    0.34571400982514394,
                    0.8411919906082768,
                    2.742276855926382
                },
                run(d, tanh, x).data());
    }

    @Test
    void erfToDoublePrecision() {
        double[] x = {-7, -2.5, -0.3, 1e-3, 0.8, 3.2, 5.9};
        double[] want = {
            -1.0,
            -0.999593047982555,
            -0.3286267594591274,
            0.0011283787909692365,
            0.7421009647076605,
            0.9999939742388483,
            0.9999999999999999
        };
        for (int i = 0; i < x.length; i++) {
            assertEquals(want[i], Pointwise.erf(x[i]), 1e-15, "erf(" + x[i] + ")");
        }
    }

    @Test
    void preluOpset6SlopeIsPerChannel() {
        var d = new PReluOperator();
        Tensor x = Tensor.of(Shape.of(1, 2, 2), new float[] {-1, 2, -3, 4});
        Tensor slope = Tensor.of(Shape.of(2), new float[] {0.5f, 0.25f});
        assertArrayEquals(
                new float[] {-0.5f, 2, -0.75f, 4},
                run(d, new PReluOperator.PRelu(true), x, slope).data());
        // From opset 7 the same slope broadcasts along the last axis, as numpy does.
        assertArrayEquals(
                new float[] {-0.5f, 2, -1.5f, 4},
                run(d, new PReluOperator.PRelu(false), x, slope).data());
        Tensor wrong = Tensor.of(Shape.of(1, 2, 3), new float[6]);
        assertThrows(IllegalArgumentException.class, () -> run(d, new PReluOperator.PRelu(false), wrong, slope));
    }

    @Test
    void comparisonsGiveBoolAndWhereSelects() {
        var less = new ComparisonOperator(ComparisonOperator.Kind.LESS_OR_EQUAL);
        Tensor a = Tensor.of(Shape.of(2, 2), new float[] {1, 2, 3, 4});
        Tensor b = Tensor.of(Shape.of(2), new float[] {2, 2});
        Tensor c = run(less, new ComparisonOperator.Comparison(ComparisonOperator.Kind.LESS_OR_EQUAL), a, b);
        assertEquals(DataType.BOOL, c.type());
        assertArrayEquals(new float[] {1, 1, 0, 0}, c.data());
        Tensor w = run(new WhereOperator(), new WhereOperator.Where(), c, a, Tensor.of(Shape.of(), new float[] {-1}));
        assertArrayEquals(new float[] {1, 2, -1, -1}, w.data());
        assertThrows(
                IllegalArgumentException.class, () -> run(new WhereOperator(), new WhereOperator.Where(), a, a, a));
        Tensor not = run(
                new UnaryMathOperator(UnaryMathOperator.Kind.NOT),
                new UnaryMathOperator.UnaryMath(UnaryMathOperator.Kind.NOT),
                c);
        assertEquals(DataType.BOOL, not.type());
        assertArrayEquals(new float[] {0, 0, 1, 1}, not.data());
    }

    @Test
    void hardSigmoidLoopEqualsFormulaBitForBit() {
        Random random = new Random(5);
        float[] x = new float[4099];
        float[] special = {
            0f,
            -0f,
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            3f,
            -3f,
            2.5f,
            -2.5f,
            Math.nextUp(3f),
            Math.nextDown(-3f),
            1e-30f
        };
        for (int i = 0; i < x.length; i++) {
            x[i] = i < special.length
                    ? special[i]
                    : i % 3 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextGaussian() * 4;
        }
        Tensor in = Tensor.of(Shape.of(1, x.length, 1, 1), x);
        var d = new ActivationFunctionOperator(ActivationFunctionOperator.Kind.HARD_SIGMOID);
        // The ONNX defaults, and torch's export of nn.Hardsigmoid (alpha 1/6 rounded to float).
        for (float[] ab : new float[][] {{0.2f, 0.5f}, {1f / 6, 0.5f}, {-0.3f, 0.7f}}) {
            var op = new ActivationFunctionOperator.ActivationFunction(
                    ActivationFunctionOperator.Kind.HARD_SIGMOID, ab[0], ab[1], false);
            float[] got = d.floatKernel(op, null)
                    .apply(new Tensor[] {in}, float[]::new)[0]
                    .data();
            float[] want = Pointwise.unary(in, DataType.FLOAT, op::apply).data();
            for (int i = 0; i < x.length; i++) {
                assertEquals(
                        Float.floatToIntBits(want[i]),
                        Float.floatToIntBits(got[i]),
                        "HardSigmoid(" + ab[0] + ", " + ab[1] + ") of " + x[i]);
            }
        }
    }
}
