package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.IndexMap;

/**
 * ONNX GatherND (opsets 11 to 13; {@code batch_dims} since 12): the last axis of the indices holds
 * tuples of {@code k} coordinates into the data after its {@code batch_dims} leading axes, and each tuple
 * picks the slice of the data's remaining axes. The output is the indices' shape without its last axis
 * followed by that slice's shape.
 */
final class GatherNDOperator implements OperatorDescriptor<GatherNDOperator.GatherND> {
    /** The number of leading axes data and indices share as batch. */
    record GatherND(int batchDims) implements Op {
        public String type() {
            return "GatherND";
        }
    }

    @Override
    public String type() {
        return "GatherND";
    }

    @Override
    public GatherND read(OnnxNode n) {
        int b = n.getInt("batch_dims", 0);
        if (b < 0) {
            throw n.error("batch_dims " + b + " is negative");
        }
        return new GatherND(b);
    }

    @Override
    public Arity arity(GatherND op) {
        return Arity.exactly(2);
    }

    @Override
    public void write(GatherND op, Node node, AttributeWriter out) {
        out.integer("batch_dims", op.batchDims());
    }

    /** The tuple length {@code k}, after checking that indices of {@code indexDims} fit data of {@code dims}. */
    static int tupleLength(int batchDims, int[] dims, int[] indexDims) {
        int q = indexDims.length;
        if (q < 1 || batchDims >= Math.min(q, dims.length)) {
            throw new IllegalArgumentException("batch_dims " + batchDims + " needs data and indices of a higher rank");
        }
        int k = indexDims[q - 1];
        if (k < 1 || k > dims.length - batchDims) {
            throw new IllegalArgumentException(
                    "index tuples of " + k + " coordinates do not fit data " + Shape.of(dims));
        }
        for (int d = 0; d < batchDims; d++) {
            if (dims[d] != indexDims[d]) {
                throw new IllegalArgumentException(
                        "the batch axes of data " + Shape.of(dims) + " and indices " + Shape.of(indexDims) + " differ");
            }
        }
        return k;
    }

    private static int[] outputDims(int batchDims, int[] dims, int[] indexDims) {
        int k = tupleLength(batchDims, dims, indexDims);
        int[] lead = Arrays.copyOf(indexDims, indexDims.length - 1);
        int[] tail = Arrays.copyOfRange(dims, batchDims + k, dims.length);
        int[] out = Arrays.copyOf(lead, lead.length + tail.length);
        System.arraycopy(tail, 0, out, lead.length, tail.length);
        return out;
    }

    /**
     * The flat offset into data of {@code dims} where the slice of each index tuple starts, tuples in
     * order; the first {@code batchDims} axes come from the tuple's own position.
     */
    static int[] sliceStarts(int batchDims, int[] dims, int k, long[] indices) {
        int[] strides = IndexMap.strides(dims);
        int tuples = indices.length / k;
        int batches = Shape.of(dims).size(0, batchDims);
        int perBatch = Math.max(1, tuples / Math.max(1, batches));
        int batchStride = batchDims == 0 ? 0 : strides[batchDims - 1];
        int[] starts = new int[tuples];
        for (int t = 0; t < tuples; t++) {
            int offset = (t / perBatch) * batchStride;
            for (int j = 0; j < k; j++) {
                int axis = batchDims + j;
                long v = indices[t * k + j];
                long c = v < 0 ? v + dims[axis] : v;
                if (c < 0 || c >= dims[axis]) {
                    throw new IllegalArgumentException(
                            "index " + v + " is out of range for axis " + axis + " of size " + dims[axis]);
                }
                offset += (int) c * strides[axis];
            }
            starts[t] = offset;
        }
        return starts;
    }

    @Override
    public List<ValueType> outputs(GatherND op, ShapeInputs in) {
        return List.of(in.type(0)
                .withShape(Shape.of(outputDims(
                        op.batchDims(), in.shape(0).dims(), in.shape(1).dims()))));
    }

    @Override
    public FloatKernel floatKernel(GatherND op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] dims = in[0].shape().dims();
            int[] indexDims = in[1].shape().dims();
            int[] outDims = outputDims(op.batchDims(), dims, indexDims);
            int k = indexDims[indexDims.length - 1];
            int[] starts = sliceStarts(op.batchDims(), dims, k, in[1].longs());
            int slice = Shape.of(dims).size(op.batchDims() + k, dims.length);
            float[] x = in[0].data();
            float[] y = new float[starts.length * slice];
            for (int t = 0; t < starts.length; t++) {
                System.arraycopy(x, starts[t], y, t * slice, slice);
            }
            return new Tensor[] {Tensor.of(in[0].type(), Shape.of(outDims), y)};
        };
    }
}
