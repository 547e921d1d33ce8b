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

/**
 * ONNX Expand: input 0 broadcast with the shape in input 1 (numpy rules in both directions, so a 1 in
 * the shape keeps the input's dimension).
 */
final class ExpandOperator implements OperatorDescriptor<ExpandOperator.Expand> {
    /** No attributes. */
    record Expand() implements Op {
        public String type() {
            return "Expand";
        }
    }

    @Override
    public String type() {
        return "Expand";
    }

    @Override
    public Expand read(OnnxNode n) {
        return new Expand();
    }

    @Override
    public Arity arity(Expand e) {
        return Arity.exactly(2);
    }

    static IndexMap.Moves moves(int[] dims, long[] shape) {
        int rank = Math.max(dims.length, shape.length);
        int[] strides = IndexMap.strides(dims);
        int[] out = new int[rank];
        int[][] offsets = new int[rank][];
        for (int a = 0; a < rank; a++) {
            int ia = a - (rank - dims.length);
            int sa = a - (rank - shape.length);
            long d = ia >= 0 ? dims[ia] : 1;
            long s = sa >= 0 ? shape[sa] : 1;
            if (d != s && d != 1 && s != 1) {
                throw new IllegalArgumentException(
                        "cannot expand " + Arrays.toString(dims) + " to " + Arrays.toString(shape));
            }
            long o = d == 1 ? s : d;
            if (o < 0 || o > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("invalid dimension " + o + " in shape " + Arrays.toString(shape));
            }
            out[a] = (int) o;
            offsets[a] = IndexMap.strided(out[a], 0, d == 1 ? 0 : 1, ia >= 0 ? strides[ia] : 0);
        }
        return new IndexMap.Moves(out, offsets);
    }

    @Override
    public List<ValueType> outputs(Expand e, ShapeInputs in) {
        return List.of(in.type(0)
                .withShape(moves(in.shape(0).dims(), ShapeValues.required(in, 1, "shape"))
                        .shape()));
    }

    @Override
    public FloatKernel floatKernel(Expand e, FloatContext ctx) {
        return (in, alloc) ->
                new Tensor[] {moves(in[0].shape().dims(), in[1].longs()).apply(in[0], 0f)};
    }

    @Override
    public TrainingForward forward(Expand e, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LayoutOps.move(moves(in[0].dims(), LayoutOps.longs(in[1])), in[0], 0));
    }

    @Override
    public DTensor[] backward(Expand e, Gradients g) {
        int[] dims = g.in()[0].dims();
        IndexMap.Moves m = moves(dims, LayoutOps.longs(g.in()[1]));
        return new DTensor[] {LayoutOps.moveBackward(m, g.dy(), dims), null};
    }
}
