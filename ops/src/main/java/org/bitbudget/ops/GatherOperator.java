package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.IndexMap;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;

/**
 * ONNX Gather: the entries of input 0 along {@code axis} at the indices of input 1 (negative ones count
 * from the end); the output's dimensions are the data's before the axis, the indices', then the data's
 * after the axis.
 */
final class GatherOperator implements OperatorDescriptor<GatherOperator.Gather> {
    /** The axis of the data gathered along. */
    record Gather(int axis) implements Op {
        public String type() {
            return "Gather";
        }
    }

    @Override
    public String type() {
        return "Gather";
    }

    @Override
    public Gather read(OnnxNode n) {
        return new Gather(n.getInt("axis", 0));
    }

    @Override
    public Arity arity(Gather g) {
        return Arity.exactly(2);
    }

    @Override
    public void write(Gather g, Node node, AttributeWriter out) {
        out.integer("axis", g.axis());
    }

    static int[] outputDims(Gather g, int[] dims, int[] indexDims) {
        int axis = ShapeValues.axis(g.axis(), dims.length);
        int[] out = new int[dims.length - 1 + indexDims.length];
        System.arraycopy(dims, 0, out, 0, axis);
        System.arraycopy(indexDims, 0, out, axis, indexDims.length);
        System.arraycopy(dims, axis + 1, out, axis + indexDims.length, dims.length - axis - 1);
        return out;
    }

    /** The movement with the indices flattened to one axis; the result is reshaped to {@link #outputDims}. */
    static IndexMap.Moves moves(Gather g, int[] dims, long[] indices) {
        int axis = ShapeValues.axis(g.axis(), dims.length);
        int[] strides = IndexMap.strides(dims);
        int[] out = dims.clone();
        out[axis] = indices.length;
        int[][] offsets = new int[dims.length][];
        for (int a = 0; a < dims.length; a++) {
            offsets[a] = a == axis ? new int[indices.length] : IndexMap.strided(dims[a], 0, 1, strides[a]);
        }
        for (int i = 0; i < indices.length; i++) {
            long k = indices[i] < 0 ? indices[i] + dims[axis] : indices[i];
            if (k < 0 || k >= dims[axis]) {
                throw new IllegalArgumentException(
                        "index " + indices[i] + " is out of range for axis " + axis + " of size " + dims[axis]);
            }
            offsets[axis][i] = (int) k * strides[axis];
        }
        return new IndexMap.Moves(out, offsets);
    }

    @Override
    public List<ValueType> outputs(Gather g, ShapeInputs in) {
        return List.of(in.type(0)
                .withShape(
                        Shape.of(outputDims(g, in.shape(0).dims(), in.shape(1).dims()))));
    }

    @Override
    public FloatKernel floatKernel(Gather g, FloatContext ctx) {
        return (in, alloc) -> {
            int[] dims = in[0].shape().dims();
            Tensor moved = moves(g, dims, in[1].longs()).apply(in[0], 0f);
            return new Tensor[] {
                moved.reshape(Shape.of(outputDims(g, dims, in[1].shape().dims())))
            };
        };
    }

    @Override
    public TrainingForward forward(Gather g, Node node, DTensor[] in, boolean training) {
        int[] dims = in[0].dims();
        DTensor moved = LayoutOps.move(moves(g, dims, LayoutOps.longs(in[1])), in[0], 0);
        return TrainingForward.of(moved.reshape(outputDims(g, dims, in[1].dims())));
    }

    @Override
    public DTensor[] backward(Gather g, Gradients grads) {
        int[] dims = grads.in()[0].dims();
        IndexMap.Moves m = moves(g, dims, LayoutOps.longs(grads.in()[1]));
        return new DTensor[] {LayoutOps.moveBackward(m, grads.dy(), dims), null};
    }
}
