package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX Range: {@code start, start + delta, ...} up to {@code limit} (exclusive), from three scalar
 * inputs of one type; max(ceil((limit - start) / delta), 0) elements. The training pass runs it forward
 * (in double, without the element type's rounding, which integer ranges do not need); its inputs get no
 * gradient.
 */
final class RangeOperator implements OperatorDescriptor<RangeOperator.Range> {
    /** No attributes. */
    record Range() implements Op {
        public String type() {
            return "Range";
        }
    }

    @Override
    public String type() {
        return "Range";
    }

    @Override
    public Range read(OnnxNode n) {
        return new Range();
    }

    @Override
    public Arity arity(Range r) {
        return Arity.exactly(3);
    }

    private static double scalar(Tensor t, String what) {
        if (t.data().length != 1) {
            throw new IllegalArgumentException("Range's " + what + " must be a scalar, got " + t.shape());
        }
        return t.data()[0];
    }

    static int count(double start, double limit, double delta) {
        if (delta == 0) {
            throw new IllegalArgumentException("Range's delta is 0");
        }
        double n = Math.ceil((limit - start) / delta);
        if (!(n < Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(
                    "Range from " + start + " to " + limit + " by " + delta + " is too long");
        }
        return (int) Math.max(n, 0);
    }

    @Override
    public List<ValueType> outputs(Range r, ShapeInputs in) {
        Tensor[] v = new Tensor[3];
        String[] names = {"start", "limit", "delta"};
        for (int i = 0; i < 3; i++) {
            v[i] = in.value(i);
            if (v[i] == null) {
                throw new IllegalArgumentException("the " + names[i] + " '"
                        + in.node().input(i) + "' is computed at run time; shape inference needs it constant");
            }
        }
        int n = count(scalar(v[0], "start"), scalar(v[1], "limit"), scalar(v[2], "delta"));
        return List.of(in.type(0).withShape(Shape.of(n)));
    }

    @Override
    public FloatKernel floatKernel(Range r, FloatContext ctx) {
        return (in, alloc) -> {
            double start = scalar(in[0], "start");
            double delta = scalar(in[2], "delta");
            int n = count(start, scalar(in[1], "limit"), delta);
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = in[0].type().cast((float) (start + i * delta));
            }
            return new Tensor[] {Tensor.of(in[0].type(), Shape.of(n), y)};
        };
    }

    @Override
    public boolean differentiable(Range r, int i) {
        return false;
    }

    @Override
    public TrainingForward forward(Range r, Node node, DTensor[] in, boolean training) {
        double start = scalar(in[0], "start");
        double delta = scalar(in[2], "delta");
        int n = count(start, scalar(in[1], "limit"), delta);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = start + i * delta;
        }
        return TrainingForward.of(DTensor.of(new int[] {n}, y));
    }

    private static double scalar(DTensor t, String what) {
        if (t.size() != 1) {
            throw new IllegalArgumentException(
                    "Range's " + what + " must be a scalar, got " + Arrays.toString(t.dims()));
        }
        return t.data()[0];
    }
}
