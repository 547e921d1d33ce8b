package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.IndexMap;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;

/** ONNX Transpose: output axis i is input axis {@code perm[i]}; without {@code perm} the axes reversed. */
final class TransposeOperator implements OperatorDescriptor<TransposeOperator.Transpose> {
    /** The permutation, or null for the reversal. */
    record Transpose(int[] perm) implements Op {
        public String type() {
            return "Transpose";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Transpose t && Arrays.equals(perm, t.perm);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(perm);
        }

        @Override
        public String toString() {
            return "Transpose(perm=" + Arrays.toString(perm) + ")";
        }
    }

    @Override
    public String type() {
        return "Transpose";
    }

    @Override
    public Transpose read(OnnxNode n) {
        return new Transpose(n.getInts("perm", null));
    }

    @Override
    public void write(Transpose t, Node node, AttributeWriter out) {
        out.ints("perm", t.perm());
    }

    static IndexMap.Moves moves(Transpose t, int[] dims) {
        int rank = dims.length;
        int[] perm = t.perm();
        if (perm == null) {
            perm = new int[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        if (perm.length != rank) {
            throw new IllegalArgumentException(
                    "perm " + Arrays.toString(perm) + " does not fit the input " + Arrays.toString(dims));
        }
        int[] axes = ShapeValues.axes(ShapeValues.longs(perm), rank);
        int[] strides = IndexMap.strides(dims);
        int[] out = new int[rank];
        int[][] offsets = new int[rank][];
        for (int i = 0; i < rank; i++) {
            out[i] = dims[axes[i]];
            offsets[i] = IndexMap.strided(out[i], 0, 1, strides[axes[i]]);
        }
        return new IndexMap.Moves(out, offsets);
    }

    @Override
    public List<ValueType> outputs(Transpose t, ShapeInputs in) {
        return List.of(in.type(0).withShape(moves(t, in.shape(0).dims()).shape()));
    }

    @Override
    public FloatKernel floatKernel(Transpose t, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {moves(t, in[0].shape().dims()).apply(in[0], 0f)};
    }

    @Override
    public TrainingForward forward(Transpose t, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LayoutOps.move(moves(t, in[0].dims()), in[0], 0));
    }

    @Override
    public DTensor[] backward(Transpose t, Gradients g) {
        int[] dims = g.in()[0].dims();
        return new DTensor[] {LayoutOps.moveBackward(moves(t, dims), g.dy(), dims)};
    }
}
