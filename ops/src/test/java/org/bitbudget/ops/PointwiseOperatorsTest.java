package org.bitbudget.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Pointwise;
import org.junit.jupiter.api.Test;

/**
 * The element-wise operators where ONNX's backend cases leave gaps: Gelu (opset 20, newer than the
 * cases here), erf to double precision, PRelu's opset-6 per-channel slope, and the types of
 * comparison and Where results. Expected values come from Python's {@code math.erf} and
 * {@code math.tanh} in double.
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
}
