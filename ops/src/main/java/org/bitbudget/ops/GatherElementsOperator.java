package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.IndexMap;

/**
 * ONNX GatherElements (opsets 11 and 13): an output of the indices' shape whose entry at a position
 * is the data's entry at that position with the coordinate on {@code axis} replaced by the index there
 * (negative ones count from the end).
 */
final class GatherElementsOperator implements OperatorDescriptor<GatherElementsOperator.GatherElements> {
    /** The axis the indices select along. */
    record GatherElements(int axis) implements Op {
        public String type() {
            return "GatherElements";
        }
    }

    @Override
    public String type() {
        return "GatherElements";
    }

    @Override
    public GatherElements read(OnnxNode n) {
        return new GatherElements(n.getInt("axis", 0));
    }

    @Override
    public Arity arity(GatherElements op) {
        return Arity.exactly(2);
    }

    @Override
    public void write(GatherElements op, Node node, AttributeWriter out) {
        out.integer("axis", op.axis());
    }

    /** Checks that indices of {@code indexDims} fit data of {@code dims}; returns the axis made non-negative. */
    static int check(int axis, int[] dims, int[] indexDims) {
        if (dims.length != indexDims.length) {
            throw new IllegalArgumentException(
                    "the indices have rank " + indexDims.length + ", the data rank " + dims.length);
        }
        int a = ShapeValues.axis(axis, dims.length);
        for (int d = 0; d < dims.length; d++) {
            if (d != a && indexDims[d] > dims[d]) {
                throw new IllegalArgumentException(
                        "the indices " + Shape.of(indexDims) + " exceed the data " + Shape.of(dims) + " on axis " + d);
            }
        }
        return a;
    }

    /**
     * The flat offset into data of {@code dims} of each entry of the indices (of {@code indexDims}),
     * whose coordinate on {@code axis} is replaced by its index.
     */
    static int[] offsets(int axis, int[] dims, int[] indexDims, long[] indices) {
        int[] strides = IndexMap.strides(dims);
        int[] coord = new int[indexDims.length];
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            long k = indices[i] < 0 ? indices[i] + dims[axis] : indices[i];
            if (k < 0 || k >= dims[axis]) {
                throw new IllegalArgumentException(
                        "index " + indices[i] + " is out of range for axis " + axis + " of size " + dims[axis]);
            }
            int offset = 0;
            for (int d = 0; d < coord.length; d++) {
                offset += (d == axis ? (int) k : coord[d]) * strides[d];
            }
            out[i] = offset;
            for (int d = coord.length - 1; d >= 0 && ++coord[d] == indexDims[d]; d--) {
                coord[d] = 0;
            }
        }
        return out;
    }

    @Override
    public List<ValueType> outputs(GatherElements op, ShapeInputs in) {
        check(op.axis(), in.shape(0).dims(), in.shape(1).dims());
        return List.of(in.type(0).withShape(in.shape(1)));
    }

    @Override
    public FloatKernel floatKernel(GatherElements op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] dims = in[0].shape().dims();
            int[] indexDims = in[1].shape().dims();
            int axis = check(op.axis(), dims, indexDims);
            int[] map = offsets(axis, dims, indexDims, in[1].longs());
            float[] x = in[0].data();
            float[] y = new float[map.length];
            for (int i = 0; i < map.length; i++) {
                y[i] = x[map[i]];
            }
            return new Tensor[] {Tensor.of(in[0].type(), in[1].shape(), y)};
        };
    }
}
