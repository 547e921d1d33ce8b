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

/** ONNX Tile (opset 6 on): input 0 repeated along each axis as many times as input 1 says. */
final class TileOperator implements OperatorDescriptor<TileOperator.Tile> {
    /** No attributes. */
    record Tile() implements Op {
        public String type() {
            return "Tile";
        }
    }

    @Override
    public String type() {
        return "Tile";
    }

    @Override
    public Tile read(OnnxNode n) {
        if (n.opset() < 6) {
            throw n.unsupported(
                    "Tile before opset 6", "Tile of opset " + n.opset() + " (tiles and axis inputs) is not supported");
        }
        return new Tile();
    }

    @Override
    public Arity arity(Tile t) {
        return Arity.exactly(2);
    }

    static IndexMap.Moves moves(int[] dims, long[] repeats) {
        if (repeats.length != dims.length) {
            throw new IllegalArgumentException(
                    "repeats " + Arrays.toString(repeats) + " need one value per axis of " + Arrays.toString(dims));
        }
        int[] strides = IndexMap.strides(dims);
        int[] out = new int[dims.length];
        int[][] offsets = new int[dims.length][];
        for (int a = 0; a < dims.length; a++) {
            long o = dims[a] * repeats[a];
            if (repeats[a] < 0 || o > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("invalid repeats " + Arrays.toString(repeats));
            }
            out[a] = (int) o;
            offsets[a] = new int[out[a]];
            for (int c = 0; c < out[a]; c++) {
                offsets[a][c] = (c % dims[a]) * strides[a];
            }
        }
        return new IndexMap.Moves(out, offsets);
    }

    @Override
    public List<ValueType> outputs(Tile t, ShapeInputs in) {
        return List.of(in.type(0)
                .withShape(moves(in.shape(0).dims(), ShapeValues.required(in, 1, "repeats"))
                        .shape()));
    }

    @Override
    public FloatKernel floatKernel(Tile t, FloatContext ctx) {
        return (in, alloc) ->
                new Tensor[] {moves(in[0].shape().dims(), in[1].longs()).apply(in[0], 0f)};
    }

    @Override
    public TrainingForward forward(Tile t, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LayoutOps.move(moves(in[0].dims(), LayoutOps.longs(in[1])), in[0], 0));
    }

    @Override
    public DTensor[] backward(Tile t, Gradients g) {
        int[] dims = g.in()[0].dims();
        IndexMap.Moves m = moves(dims, LayoutOps.longs(g.in()[1]));
        return new DTensor[] {LayoutOps.moveBackward(m, g.dy(), dims), null};
    }
}
