package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX OneHot (opsets 9 and 11): input 1 holds the depth, input 2 {@code [off, on]}; the output, of the
 * values' type, has the indices' axes with a new axis of that depth inserted at {@code axis} (default
 * -1, the last), {@code on} where the index points and {@code off} elsewhere. An index out of range
 * (from opset 11 negative ones count from the end) gives a row of {@code off}.
 */
final class OneHotOperator implements OperatorDescriptor<OneHotOperator.OneHot> {
    /** The checked attributes. */
    record OneHot(int axis, boolean negativeIndices) implements Op {
        public String type() {
            return "OneHot";
        }
    }

    @Override
    public String type() {
        return "OneHot";
    }

    @Override
    public OneHot read(OnnxNode n) {
        return new OneHot(n.getInt("axis", -1), n.opset() >= 11);
    }

    @Override
    public Arity arity(OneHot op) {
        return Arity.exactly(3);
    }

    @Override
    public void write(OneHot op, Node node, AttributeWriter out) {
        out.integer("axis", op.axis());
    }

    private static int axis(OneHot op, int indexRank) {
        return ShapeValues.axis(op.axis(), indexRank + 1);
    }

    private static Shape outputShape(OneHot op, Shape indices, long depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth " + depth + " is not positive");
        }
        int axis = axis(op, indices.rank());
        int[] dims = new int[indices.rank() + 1];
        for (int d = 0, i = 0; d < dims.length; d++) {
            dims[d] = d == axis ? (int) depth : indices.dim(i++);
        }
        return Shape.of(dims);
    }

    @Override
    public List<ValueType> outputs(OneHot op, ShapeInputs in) {
        long[] depth = ShapeValues.required(in, 1, "depth");
        return List.of(in.type(2).withShape(outputShape(op, in.shape(0), depth[0])));
    }

    @Override
    public FloatKernel floatKernel(OneHot op, FloatContext ctx) {
        return (in, alloc) -> {
            // Non-integer depths and indices are cast to int64 first, which truncates.
            int depth = (int) in[1].longs()[0];
            Shape out = outputShape(op, in[0].shape(), depth);
            if (in[2].shape().size() != 2) {
                throw new IllegalArgumentException("the values need 2 entries [off, on], got " + in[2].shape());
            }
            float off = in[2].data()[0];
            float on = in[2].data()[1];
            int axis = axis(op, in[0].shape().rank());
            int inner = in[0].shape().size(axis, in[0].shape().rank());
            long[] indices = in[0].longs();
            float[] y = new float[out.size()];
            Arrays.fill(y, off);
            for (int i = 0; i < indices.length; i++) {
                long k = op.negativeIndices() && indices[i] < 0 ? indices[i] + depth : indices[i];
                if (k >= 0 && k < depth) {
                    y[((i / inner) * depth + (int) k) * inner + i % inner] = on;
                }
            }
            return new Tensor[] {Tensor.of(in[2].type(), out, y)};
        };
    }
}
