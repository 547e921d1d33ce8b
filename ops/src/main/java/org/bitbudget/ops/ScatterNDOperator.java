package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX ScatterND (opsets 11 to 18; {@code reduction} since 16, max and min since 18): a copy of the data
 * in which each index tuple (the last axis of the indices) names a slice that the matching slice of the
 * updates replaces or, with a reduction, is combined into. The inverse of GatherND.
 */
final class ScatterNDOperator implements OperatorDescriptor<ScatterNDOperator.ScatterND> {
    /** How updates combine with the data. */
    record ScatterND(ScatterElementsOperator.Reduction reduction) implements Op {
        public String type() {
            return "ScatterND";
        }
    }

    @Override
    public String type() {
        return "ScatterND";
    }

    @Override
    public ScatterND read(OnnxNode n) {
        return new ScatterND(ScatterElementsOperator.Reduction.read(n));
    }

    @Override
    public Arity arity(ScatterND op) {
        return Arity.exactly(3);
    }

    @Override
    public void write(ScatterND op, Node node, AttributeWriter out) {
        op.reduction().checkExportable(node);
    }

    private static int check(int[] dims, int[] indexDims, int[] updateDims) {
        int k = GatherNDOperator.tupleLength(0, dims, indexDims);
        int[] expected = Arrays.copyOf(indexDims, indexDims.length - 1 + dims.length - k);
        System.arraycopy(dims, k, expected, indexDims.length - 1, dims.length - k);
        if (!Arrays.equals(expected, updateDims)) {
            throw new IllegalArgumentException(
                    "the updates have shape " + Shape.of(updateDims) + ", expected " + Shape.of(expected));
        }
        return k;
    }

    @Override
    public List<ValueType> outputs(ScatterND op, ShapeInputs in) {
        check(in.shape(0).dims(), in.shape(1).dims(), in.shape(2).dims());
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(ScatterND op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] dims = in[0].shape().dims();
            int k = check(dims, in[1].shape().dims(), in[2].shape().dims());
            int[] starts = GatherNDOperator.sliceStarts(0, dims, k, in[1].longs());
            int slice = Shape.of(dims).size(k, dims.length);
            float[] y = in[0].data().clone();
            float[] updates = in[2].data();
            for (int t = 0; t < starts.length; t++) {
                for (int i = 0; i < slice; i++) {
                    y[starts[t] + i] = op.reduction().apply(y[starts[t] + i], updates[t * slice + i]);
                }
            }
            return new Tensor[] {Tensor.of(in[0].type(), in[0].shape(), y)};
        };
    }
}
