package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX ArgMax and ArgMin (opsets 1 to 13), one descriptor per kind: the int64 index of the largest
 * (smallest) entry along {@code axis} (default 0), the first of equal ones or, with
 * {@code select_last_index} (opset 12), the last; {@code keepdims} (default 1) keeps the axis with size 1.
 */
final class ArgExtremeOperator implements OperatorDescriptor<ArgExtremeOperator.ArgExtreme> {
    /** The checked attributes; {@code max} tells ArgMax from ArgMin. */
    record ArgExtreme(boolean max, int axis, boolean keepDims, boolean selectLastIndex) implements Op {
        public String type() {
            return max ? "ArgMax" : "ArgMin";
        }
    }

    private final boolean max;

    ArgExtremeOperator(boolean max) {
        this.max = max;
    }

    @Override
    public String type() {
        return max ? "ArgMax" : "ArgMin";
    }

    @Override
    public ArgExtreme read(OnnxNode n) {
        return new ArgExtreme(
                max, n.getInt("axis", 0), n.getInt("keepdims", 1) != 0, n.getInt("select_last_index", 0) != 0);
    }

    @Override
    public void write(ArgExtreme op, Node node, AttributeWriter out) {
        out.integer("axis", op.axis());
        out.integer("keepdims", op.keepDims() ? 1 : 0);
        out.integer("select_last_index", op.selectLastIndex() ? 1 : 0);
    }

    private static Shape outputShape(ArgExtreme op, Shape x) {
        int axis = ShapeValues.axis(op.axis(), x.rank());
        if (op.keepDims()) {
            return x.with(axis, 1);
        }
        int[] dims = new int[x.rank() - 1];
        for (int d = 0, o = 0; d < x.rank(); d++) {
            if (d != axis) {
                dims[o++] = x.dim(d);
            }
        }
        return Shape.of(dims);
    }

    @Override
    public List<ValueType> outputs(ArgExtreme op, ShapeInputs in) {
        return List.of(new ValueType(DataType.INT64, outputShape(op, in.shape(0))));
    }

    @Override
    public FloatKernel floatKernel(ArgExtreme op, FloatContext ctx) {
        return (in, alloc) -> {
            Shape xs = in[0].shape();
            Shape out = outputShape(op, xs);
            int axis = ShapeValues.axis(op.axis(), xs.rank());
            int size = xs.dim(axis);
            int inner = xs.size(axis + 1, xs.rank());
            float[] x = in[0].data();
            float[] y = new float[out.size()];
            for (int o = 0; o < y.length; o++) {
                int base = (o / inner) * size * inner + o % inner;
                int best = 0;
                for (int i = 1; i < size; i++) {
                    float v = x[base + i * inner];
                    float b = x[base + best * inner];
                    boolean better = op.max() ? v > b : v < b;
                    if (better || (op.selectLastIndex() && v == b)) {
                        best = i;
                    }
                }
                y[o] = best;
            }
            return new Tensor[] {Tensor.of(DataType.INT64, out, y)};
        };
    }
}
