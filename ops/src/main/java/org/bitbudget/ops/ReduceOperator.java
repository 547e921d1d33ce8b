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
import org.bitbudget.ops.compute.Reductions.Fold;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;
import org.bitbudget.ops.gradients.PointwiseOps;
import org.bitbudget.ops.gradients.ReduceOps;

/**
 * ONNX ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceL1, ReduceL2, ReduceLogSum,
 * ReduceLogSumExp, ReduceProd and ReduceSumSquare: one descriptor per kind. The axes are an
 * attribute before opset 18 (13 for ReduceSum) and an optional second input from then on, when
 * {@code noop_with_empty_axes} decides whether no axes means all axes or none. All but ReduceProd
 * are trainable.
 */
final class ReduceOperator implements OperatorDescriptor<ReduceOperator.Reduce> {
    /**
     * The reductions, with the ONNX type, the opset whose axes became an input, and for the kinds
     * computed as a fold, the fold and the derivative of an output with respect to one of its inputs
     * {@code (x, y) -> ∂y/∂x} (null: not trainable).
     */
    enum Kind {
        MEAN("ReduceMean", 18),
        SUM("ReduceSum", 13),
        MAX("ReduceMax", 18),
        MIN("ReduceMin", 18),
        L1("ReduceL1", new Fold(0, (a, x) -> a + Math.abs(x), a -> a), (x, y) -> Math.signum(x)),
        L2("ReduceL2", new Fold(0, (a, x) -> a + x * x, Math::sqrt), (x, y) -> y == 0 ? 0 : x / y),
        LOG_SUM("ReduceLogSum", new Fold(0, Double::sum, Math::log), (x, y) -> Math.exp(-y)),
        LOG_SUM_EXP(
                "ReduceLogSumExp",
                new Fold(Double.NEGATIVE_INFINITY, Kind::logAddExp, a -> a),
                (x, y) -> Math.exp(x - y)),
        PROD("ReduceProd", new Fold(1, (a, x) -> a * x, a -> a), null),
        SUM_SQUARE("ReduceSumSquare", new Fold(0, (a, x) -> a + x * x, a -> a), (x, y) -> 2 * x);

        final String onnx;
        final int axesInputSince;
        final Fold fold;
        final PointwiseOps.Derivative partial;

        Kind(String onnx, int axesInputSince) {
            this.onnx = onnx;
            this.axesInputSince = axesInputSince;
            this.fold = null;
            this.partial = null;
        }

        Kind(String onnx, Fold fold, PointwiseOps.Derivative partial) {
            this.onnx = onnx;
            this.axesInputSince = 18;
            this.fold = fold;
            this.partial = partial;
        }

        /** {@code ln(eᵃ + eˣ)} without overflow, so ReduceLogSumExp needs one pass. */
        private static double logAddExp(double a, double x) {
            if (a == Double.NEGATIVE_INFINITY) {
                return x;
            }
            return Math.max(a, x) + Math.log1p(Math.exp(-Math.abs(a - x)));
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
            if (kind.fold != null) {
                return new Tensor[] {Reductions.fold(x, reduced, out, kind.fold)};
            }
            Tensor y = switch (kind) {
                case MEAN, SUM -> Reductions.sum(x, reduced, out, kind == Kind.MEAN);
                default -> Reductions.extreme(x, reduced, out, kind == Kind.MAX);
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
        if (kind.fold != null) {
            return TrainingForward.of(ReduceOps.fold(in[0], reduced, out, kind.fold));
        }
        return TrainingForward.of(
                switch (kind) {
                    case MEAN, SUM -> ReduceOps.sum(in[0], reduced, out, kind == Kind.MEAN);
                    default -> ReduceOps.extreme(in[0], reduced, out, kind == Kind.MAX);
                });
    }

    @Override
    public boolean differentiable(Reduce op, int i) {
        return i == 0 && (kind.fold == null || kind.partial != null);
    }

    @Override
    public DTensor[] backward(Reduce op, Gradients g) {
        boolean[] reduced = reduced(op, g.in());
        if (reduced == null) {
            return new DTensor[] {g.dy()};
        }
        DTensor x = g.input(0);
        if (kind.fold != null) {
            return new DTensor[] {ReduceOps.foldBackward(x, reduced, g.y(), g.dy(), kind.partial)};
        }
        return new DTensor[] {
            switch (kind) {
                case MEAN, SUM -> ReduceOps.sumBackward(x, reduced, g.dy(), kind == Kind.MEAN);
                default -> ReduceOps.extremeBackward(x, reduced, g.y(), g.dy());
            }
        };
    }
}
