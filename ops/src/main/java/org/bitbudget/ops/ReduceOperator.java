package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Reductions;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;
import org.bitbudget.ops.gradients.ReduceOps;

/**
 * ONNX ReduceMean, ReduceSum, ReduceMax and ReduceMin: one descriptor per kind. The axes are an
 * attribute before opset 18 (13 for ReduceSum) and an optional second input from then on, when
 * {@code noop_with_empty_axes} decides whether no axes means all axes or none.
 */
final class ReduceOperator implements OperatorDescriptor<ReduceOperator.Reduce> {
    /** The reductions, with the ONNX type and the opset whose axes became an input. */
    enum Kind {
        MEAN("ReduceMean", 18),
        SUM("ReduceSum", 13),
        MAX("ReduceMax", 18),
        MIN("ReduceMin", 18);

        final String onnx;
        final int axesInputSince;

        Kind(String onnx, int axesInputSince) {
            this.onnx = onnx;
            this.axesInputSince = axesInputSince;
        }
    }

    /**
     * The checked attributes.
     *
     * @param axes              the axes attribute (negative ones count from the end), or null for all axes
     *                          or, with {@code axesInput}, the axes of input 1
     * @param axesInput         whether the axes come as input 1 (optional)
     * @param keepDims          whether reduced axes stay with size 1
     * @param noopWithEmptyAxes with {@code axesInput}: no axes leave the input unchanged instead of reducing all
     */
    record Reduce(Kind kind, int[] axes, boolean axesInput, boolean keepDims, boolean noopWithEmptyAxes) implements Op {
        public String type() {
            return kind.onnx;
        }

        @Override
        public String toString() {
            return type() + "(axes=" + (axesInput ? "input" : Arrays.toString(axes)) + ", keepDims=" + keepDims
                    + ", noopWithEmptyAxes=" + noopWithEmptyAxes + ")";
        }
    }

    private final Kind kind;

    ReduceOperator(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String type() {
        return kind.onnx;
    }

    @Override
    public Reduce read(OnnxNode n) {
        boolean keepDims = n.getInt("keepdims", 1) != 0;
        if (n.opset() < kind.axesInputSince) {
            return new Reduce(kind, n.getInts("axes", null), false, keepDims, false);
        }
        return new Reduce(kind, null, true, keepDims, n.getInt("noop_with_empty_axes", 0) != 0);
    }

    @Override
    public Arity arity(Reduce op) {
        return op.axesInput() ? Arity.between(1, 2) : Arity.exactly(1);
    }

    @Override
    public int minimumOpset(Reduce op, Node node) {
        return op.axesInput() ? kind.axesInputSince : 1;
    }

    @Override
    public void write(Reduce op, Node node, AttributeWriter out) {
        // An attribute form without axes (all of them) is the same node in both forms.
        boolean input = kind.axesInputSince <= out.opset();
        boolean fits = input ? op.axesInput() || op.axes() == null : !op.axesInput();
        if (!fits) {
            throw new IllegalArgumentException(
                    "node " + node.name() + ": this " + type() + " has no opset-" + out.opset() + " form");
        }
        out.ints("axes", op.axes());
        out.integer("keepdims", op.keepDims() ? 1 : 0);
        if (input) {
            out.integer("noop_with_empty_axes", op.noopWithEmptyAxes() ? 1 : 0);
        }
    }

    /**
     * The axes to reduce, marked per axis of a rank-{@code rank} input, or null when the node leaves
     * its input unchanged.
     *
     * @param axesValue the value of input 1, or null when it is omitted
     */
    private static boolean[] reduced(Reduce op, long[] axesValue, int rank) {
        long[] axes = op.axesInput()
                ? axesValue
                : op.axes() == null
                        ? null
                        : Arrays.stream(op.axes()).asLongStream().toArray();
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            if (op.axesInput() && op.noopWithEmptyAxes()) {
                return null;
            }
            Arrays.fill(reduced, true);
            return reduced;
        }
        for (long a : axes) {
            long axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank) {
                throw new IllegalArgumentException("axis " + a + " is out of range for rank " + rank);
            }
            if (reduced[(int) axis]) {
                throw new IllegalArgumentException("axis " + a + " is given twice");
            }
            reduced[(int) axis] = true;
        }
        return reduced;
    }

    /** The output dimensions of reducing {@code reduced} (null: none) of {@code dims}. */
    private static int[] outputDims(Reduce op, int[] dims, boolean[] reduced) {
        if (reduced == null) {
            return dims.clone();
        }
        return IntStream.range(0, dims.length)
                .filter(a -> op.keepDims() || !reduced[a])
                .map(a -> reduced[a] ? 1 : dims[a])
                .toArray();
    }

    @Override
    public List<ValueType> outputs(Reduce op, ShapeInputs in) {
        long[] axes = null;
        if (op.axesInput() && in.present(1)) {
            Tensor value = in.value(1);
            if (value == null) {
                throw new IllegalArgumentException("the axes '" + in.node().input(1)
                        + "' are computed at run time; shape inference needs them constant");
            }
            axes = value.longs();
        }
        Shape xs = in.shape(0);
        return List.of(in.type(0).withShape(Shape.of(outputDims(op, xs.dims(), reduced(op, axes, xs.rank())))));
    }

    @Override
    public FloatKernel floatKernel(Reduce op, FloatContext ctx) {
        return (in, alloc) -> {
            Tensor x = in[0];
            int[] dims = x.shape().dims();
            boolean[] reduced = reduced(op, in.length > 1 && in[1] != null ? in[1].longs() : null, dims.length);
            if (reduced == null) {
                return new Tensor[] {Tensor.of(x.type(), x.shape(), x.data().clone())};
            }
            Shape out = Shape.of(outputDims(op, dims, reduced));
            Tensor y = switch (kind) {
                case MEAN, SUM -> Reductions.sum(x, reduced, out, kind == Kind.MEAN);
                case MAX, MIN -> Reductions.extreme(x, reduced, out, kind == Kind.MAX);
            };
            return new Tensor[] {Tensor.of(x.type(), out, y.data())};
        };
    }

    private static boolean[] reduced(Reduce op, DTensor[] in) {
        return reduced(op, in.length > 1 && in[1] != null ? LayoutOps.longs(in[1]) : null, in[0].rank());
    }

    @Override
    public TrainingForward forward(Reduce op, Node node, DTensor[] in, boolean training) {
        boolean[] reduced = reduced(op, in);
        if (reduced == null) {
            return TrainingForward.of(in[0].copy());
        }
        int[] out = outputDims(op, in[0].dims(), reduced);
        return TrainingForward.of(
                switch (kind) {
                    case MEAN, SUM -> ReduceOps.sum(in[0], reduced, out, kind == Kind.MEAN);
                    case MAX, MIN -> ReduceOps.extreme(in[0], reduced, out, kind == Kind.MAX);
                });
    }

    @Override
    public DTensor[] backward(Reduce op, Gradients g) {
        boolean[] reduced = reduced(op, g.in());
        if (reduced == null) {
            return new DTensor[] {g.dy()};
        }
        DTensor x = g.input(0);
        return new DTensor[] {
            switch (kind) {
                case MEAN, SUM -> ReduceOps.sumBackward(x, reduced, g.dy(), kind == Kind.MEAN);
                case MAX, MIN -> ReduceOps.extremeBackward(x, reduced, g.y(), g.dy());
            }
        };
    }
}
