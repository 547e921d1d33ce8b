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
 * ONNX Slice: per listed axis, the elements from {@code start} towards {@code end} (exclusive) in
 * steps of {@code step}; negative bounds count from the end and are clamped to the axis, a negative
 * step walks backwards. Opset 1 has starts, ends and axes as attributes (steps 1); from opset 10 they
 * are inputs 1 to 4, axes and steps optional.
 */
final class SliceOperator implements OperatorDescriptor<SliceOperator.Slice> {
    /** The attribute form's bounds (opset below 10), or all null when they are inputs. */
    record Slice(long[] starts, long[] ends, long[] axes) implements Op {
        public String type() {
            return "Slice";
        }

        boolean legacy() {
            return starts != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slice s
                    && Arrays.equals(starts, s.starts)
                    && Arrays.equals(ends, s.ends)
                    && Arrays.equals(axes, s.axes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(starts) * 31 + Arrays.hashCode(ends);
        }

        @Override
        public String toString() {
            return "Slice(starts=" + Arrays.toString(starts) + ", ends=" + Arrays.toString(ends) + ", axes="
                    + Arrays.toString(axes) + ")";
        }
    }

    @Override
    public String type() {
        return "Slice";
    }

    @Override
    public Slice read(OnnxNode n) {
        if (n.opset() >= 10) {
            return new Slice(null, null, null);
        }
        long[] starts = n.getLongs("starts", null);
        long[] ends = n.getLongs("ends", null);
        if (starts == null || ends == null) {
            throw n.error("Slice needs 'starts' and 'ends' attributes");
        }
        return new Slice(starts, ends, n.getLongs("axes", null));
    }

    @Override
    public Arity arity(Slice s) {
        return s.legacy() ? Arity.exactly(1) : Arity.between(3, 5);
    }

    @Override
    public void write(Slice s, Node node, AttributeWriter out) {
        if (s.legacy()) {
            throw new IllegalArgumentException(
                    "node " + node.name() + ": this Slice has its bounds as attributes, which opset 13 lacks");
        }
    }

    /**
     * The movement of a slice of {@code dims}; {@code axes} null means the first {@code starts.length}
     * axes, {@code steps} null means 1.
     */
    static IndexMap.Moves moves(int[] dims, long[] starts, long[] ends, long[] axes, long[] steps) {
        int rank = dims.length;
        int n = starts.length;
        if (ends.length != n || (axes != null && axes.length != n) || (steps != null && steps.length != n)) {
            throw new IllegalArgumentException("starts " + Arrays.toString(starts) + ", ends " + Arrays.toString(ends)
                    + ", axes and steps differ in length");
        }
        long[] axisList = axes;
        if (axisList == null) {
            axisList = new long[n];
            for (int i = 0; i < n; i++) {
                axisList[i] = i;
            }
        }
        int[] ax = ShapeValues.axes(axisList, rank);
        int[] start = new int[rank];
        int[] step = new int[rank];
        int[] out = dims.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < n; i++) {
            int a = ax[i];
            long d = dims[a];
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw new IllegalArgumentException("slice step of axis " + a + " is 0");
            }
            long b = starts[i] < 0 ? starts[i] + d : starts[i];
            long e = ends[i] < 0 ? ends[i] + d : ends[i];
            long count;
            if (st > 0) {
                b = clamp(b, 0, d);
                e = clamp(e, 0, d);
                count = e > b ? (e - b + st - 1) / st : 0;
            } else {
                b = clamp(b, 0, d - 1);
                e = clamp(e, -1, d - 1);
                count = b > e ? (b - e - st - 1) / -st : 0;
            }
            start[a] = (int) Math.max(b, 0);
            step[a] = (int) clamp(st, -d - 1, d + 1);
            out[a] = d == 0 ? 0 : (int) count;
        }
        int[] strides = IndexMap.strides(dims);
        int[][] offsets = new int[rank][];
        for (int a = 0; a < rank; a++) {
            offsets[a] = IndexMap.strided(out[a], start[a], step[a], strides[a]);
        }
        return new IndexMap.Moves(out, offsets);
    }

    /** {@code v} within [low, high]; low wins on an empty axis, where nothing is read. */
    private static long clamp(long v, long low, long high) {
        return Math.max(low, Math.min(v, high));
    }

    private static IndexMap.Moves moves(Slice s, int[] dims, long[] starts, long[] ends, long[] axes, long[] steps) {
        return s.legacy() ? moves(dims, s.starts(), s.ends(), s.axes(), null) : moves(dims, starts, ends, axes, steps);
    }

    @Override
    public List<ValueType> outputs(Slice s, ShapeInputs in) {
        int[] dims = in.shape(0).dims();
        if (s.legacy()) {
            return List.of(
                    in.type(0).withShape(moves(s, dims, null, null, null, null).shape()));
        }
        IndexMap.Moves m = moves(
                dims,
                ShapeValues.required(in, 1, "starts"),
                ShapeValues.required(in, 2, "ends"),
                ShapeValues.optional(in, 3, "axes"),
                ShapeValues.optional(in, 4, "steps"));
        return List.of(in.type(0).withShape(m.shape()));
    }

    private static IndexMap.Moves moves(Slice s, int[] dims, Object[] in) {
        if (s.legacy()) {
            return moves(s, dims, null, null, null, null);
        }
        long[][] v = new long[5][];
        for (int i = 1; i < 5; i++) {
            if (i < in.length && in[i] != null) {
                v[i] = in[i] instanceof Tensor t ? t.longs() : LayoutOps.longs((DTensor) in[i]);
            }
        }
        return moves(dims, v[1], v[2], v[3], v[4]);
    }

    @Override
    public FloatKernel floatKernel(Slice s, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {moves(s, in[0].shape().dims(), in).apply(in[0], 0f)};
    }

    @Override
    public TrainingForward forward(Slice s, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LayoutOps.move(moves(s, in[0].dims(), in), in[0], 0));
    }

    @Override
    public DTensor[] backward(Slice s, Gradients g) {
        int[] dims = g.in()[0].dims();
        return new DTensor[] {LayoutOps.moveBackward(moves(s, dims, g.in()), g.dy(), dims)};
    }
}
