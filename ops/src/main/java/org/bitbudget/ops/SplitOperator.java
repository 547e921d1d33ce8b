package org.bitbudget.ops;

import java.util.ArrayList;
import java.util.Arrays;
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
 * ONNX Split along {@code axis} into the node's outputs: of the sizes in {@code split} (an attribute
 * before opset 13, the optional second input from 13 on), else equal parts; from opset 18 with
 * {@code num_outputs} instead, parts of ceil(size / num_outputs) with a smaller last one.
 */
final class SplitOperator implements OperatorDescriptor<SplitOperator.Split> {
    /**
     * @param splitAttribute the sizes of the attribute form, or null
     * @param numOutputs     opset 18's {@code num_outputs}, or 0
     * @param legacy         whether the sizes can only come from the attribute (opset below 13)
     */
    record Split(int axis, long[] splitAttribute, int numOutputs, boolean legacy) implements Op {
        public String type() {
            return "Split";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Split s
                    && axis == s.axis
                    && numOutputs == s.numOutputs
                    && legacy == s.legacy
                    && Arrays.equals(splitAttribute, s.splitAttribute);
        }

        @Override
        public int hashCode() {
            return axis * 31 + Arrays.hashCode(splitAttribute);
        }

        @Override
        public String toString() {
            return "Split(axis=" + axis + ", split=" + Arrays.toString(splitAttribute) + ", numOutputs=" + numOutputs
                    + ")";
        }
    }

    @Override
    public String type() {
        return "Split";
    }

    @Override
    public Split read(OnnxNode n) {
        int axis = n.getInt("axis", 0);
        if (n.opset() < 13) {
            return new Split(axis, n.getLongs("split", null), 0, true);
        }
        int numOutputs = n.opset() >= 18 ? n.getInt("num_outputs", 0) : 0;
        if (numOutputs < 0 || (numOutputs > 0 && numOutputs != n.outputs().size())) {
            throw n.error("num_outputs " + numOutputs + " differs from the node's "
                    + n.outputs().size() + " outputs");
        }
        return new Split(axis, null, numOutputs, false);
    }

    @Override
    public Arity arity(Split s) {
        return s.legacy() ? Arity.exactly(1) : Arity.between(1, 2);
    }

    @Override
    public int minimumOpset(Split s, Node node) {
        return s.numOutputs() > 0 ? 18 : 1;
    }

    @Override
    public void write(Split s, Node node, AttributeWriter out) {
        if (s.splitAttribute() != null || (s.numOutputs() > 0 && out.opset() < 18)) {
            throw new IllegalArgumentException("node " + node.name() + ": this Split has no opset-" + out.opset()
                    + " form (sizes as attribute or num_outputs)");
        }
        out.integer("axis", s.axis());
        boolean sizesInput = !node.input(1).isEmpty();
        if (out.opset() >= 18 && !sizesInput) {
            // From opset 18 equal parts must be counted: num_outputs is required without the sizes input.
            out.integer("num_outputs", node.outputs().size());
        }
    }

    /** The size of each of {@code parts} outputs along the axis of size {@code size}. */
    static int[] sizes(Split s, int size, long[] given, int parts) {
        int[] out = new int[parts];
        if (given != null) {
            if (given.length != parts) {
                throw new IllegalArgumentException(
                        "split " + Arrays.toString(given) + " does not give one size per output (" + parts + ")");
            }
            long total = 0;
            for (int i = 0; i < parts; i++) {
                if (given[i] < 0) {
                    throw new IllegalArgumentException("split " + Arrays.toString(given) + " has a negative size");
                }
                out[i] = (int) given[i];
                total += given[i];
            }
            if (total != size) {
                throw new IllegalArgumentException(
                        "split " + Arrays.toString(given) + " does not add up to the axis size " + size);
            }
            return out;
        }
        if (s.numOutputs() > 0) {
            int chunk = (size + parts - 1) / parts;
            for (int i = 0, left = size; i < parts; i++) {
                out[i] = Math.min(chunk, left);
                left -= out[i];
            }
            return out;
        }
        if (size % parts != 0) {
            throw new IllegalArgumentException("axis size " + size + " does not split into " + parts + " equal parts");
        }
        Arrays.fill(out, size / parts);
        return out;
    }

    /** The movement of each output. */
    static List<IndexMap.Moves> moves(Split s, int[] dims, long[] given, int parts) {
        int axis = ShapeValues.axis(s.axis(), dims.length);
        int[] sizes = sizes(s, dims[axis], s.legacy() ? s.splitAttribute() : given, parts);
        int[] strides = IndexMap.strides(dims);
        List<IndexMap.Moves> out = new ArrayList<>();
        int start = 0;
        for (int size : sizes) {
            int[] d = dims.clone();
            d[axis] = size;
            int[][] offsets = new int[dims.length][];
            for (int a = 0; a < dims.length; a++) {
                offsets[a] = IndexMap.strided(d[a], a == axis ? start : 0, 1, strides[a]);
            }
            out.add(new IndexMap.Moves(d, offsets));
            start += size;
        }
        return out;
    }

    @Override
    public List<ValueType> outputs(Split s, ShapeInputs in) {
        long[] given = s.legacy() ? null : ShapeValues.optional(in, 1, "split");
        List<ValueType> out = new ArrayList<>();
        for (IndexMap.Moves m :
                moves(s, in.shape(0).dims(), given, in.node().outputs().size())) {
            out.add(in.type(0).withShape(Shape.of(m.outDims())));
        }
        return out;
    }

    @Override
    public FloatKernel floatKernel(Split s, FloatContext ctx) {
        int parts = ctx.node().outputs().size();
        return (in, alloc) -> {
            List<IndexMap.Moves> moves = moves(s, in[0].shape().dims(), ShapeValues.optional(in, 1), parts);
            Tensor[] out = new Tensor[parts];
            for (int i = 0; i < parts; i++) {
                out[i] = moves.get(i).apply(in[0], 0f);
            }
            return out;
        };
    }

    private static List<IndexMap.Moves> moves(Split s, Node node, DTensor[] in) {
        long[] given = in.length > 1 && in[1] != null ? LayoutOps.longs(in[1]) : null;
        return moves(s, in[0].dims(), given, node.outputs().size());
    }

    @Override
    public boolean differentiableOutput(Split s, int o) {
        return true;
    }

    @Override
    public TrainingForward forward(Split s, Node node, DTensor[] in, boolean training) {
        List<IndexMap.Moves> moves = moves(s, node, in);
        DTensor[] out = new DTensor[moves.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = LayoutOps.move(moves.get(i), in[0], 0);
        }
        return new TrainingForward(out, null);
    }

    @Override
    public DTensor[] backward(Split s, Gradients g) {
        int[] dims = g.in()[0].dims();
        List<IndexMap.Moves> moves = moves(s, g.node(), g.in());
        DTensor dx = DTensor.zeros(dims);
        for (int i = 0; i < moves.size(); i++) {
            DTensor dy = g.dy(i);
            if (dy != null) {
                double[] part = LayoutOps.moveBackward(moves.get(i), dy, dims).data();
                double[] sum = dx.data();
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += part[k];
                }
            }
        }
        return new DTensor[] {dx, null};
    }
}
