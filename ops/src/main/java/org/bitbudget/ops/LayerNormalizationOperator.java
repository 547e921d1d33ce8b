package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Reductions;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.NormOps;

/**
 * ONNX LayerNormalization (opset 17): each row of the axes from {@code axis} on is normalised to mean
 * 0 and variance 1, then scaled and shifted. Besides Y it produces the rows' means and inverse
 * standard deviations, with the normalised axes kept as size 1.
 */
final class LayerNormalizationOperator implements OperatorDescriptor<LayerNormalizationOperator.LayerNorm> {
    /** The checked attributes; the statistics are float ({@code stash_type} 1, the only one ONNX defines). */
    record LayerNorm(int axis, float epsilon) implements Op {
        public String type() {
            return "LayerNormalization";
        }
    }

    @Override
    public String type() {
        return "LayerNormalization";
    }

    @Override
    public LayerNorm read(OnnxNode n) {
        int stash = n.getInt("stash_type", 1);
        if (stash != 1) {
            throw n.unsupported(type(), "stash_type " + stash + " is not supported (only 1, float)");
        }
        return new LayerNorm(n.getInt("axis", -1), n.getFloat("epsilon", 1e-5f));
    }

    @Override
    public Arity arity(LayerNorm op) {
        return Arity.between(2, 3);
    }

    @Override
    public int minimumOpset(LayerNorm op, Node node) {
        return 17;
    }

    @Override
    public void write(LayerNorm op, Node node, AttributeWriter out) {
        out.integer("axis", op.axis());
        out.real("epsilon", op.epsilon());
    }

    /** The first normalised axis of a rank-{@code rank} input. */
    private static int axis(LayerNorm op, int rank) {
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        if (axis < 0 || axis >= rank) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for rank " + rank);
        }
        return axis;
    }

    /**
     * Checks that a scale or bias of {@code ps} holds one value per element of a normalised row of
     * {@code xs} (the trailing dimensions match; leading ones of size 1 are allowed).
     */
    private static void checkParameter(String what, int[] ps, int[] xs, int axis) {
        int normalised = xs.length - axis;
        boolean fits = true;
        for (int i = 0; i < ps.length; i++) {
            int fromEnd = ps.length - i;
            if (fromEnd > normalised ? ps[i] != 1 : ps[i] != xs[xs.length - fromEnd]) {
                fits = false;
            }
        }
        int size = 1;
        for (int i = axis; i < xs.length; i++) {
            size *= xs[i];
        }
        if (!fits || DTensor.count(ps) != size) {
            throw new IllegalArgumentException(what + " " + Shape.of(ps) + " does not match the normalised shape "
                    + Shape.of(Arrays.copyOfRange(xs, axis, xs.length)));
        }
    }

    /** The shape of the means and inverse standard deviations. */
    private static int[] statDims(int[] xs, int axis) {
        int[] dims = xs.clone();
        Arrays.fill(dims, axis, dims.length, 1);
        return dims;
    }

    private static int rows(int[] xs, int axis) {
        int rows = 1;
        for (int i = 0; i < axis; i++) {
            rows *= xs[i];
        }
        return rows;
    }

    @Override
    public List<ValueType> outputs(LayerNorm op, ShapeInputs in) {
        int[] xs = in.shape(0).dims();
        int axis = axis(op, xs.length);
        checkParameter("scale", in.shape(1).dims(), xs, axis);
        if (in.present(2)) {
            checkParameter("bias", in.shape(2).dims(), xs, axis);
        }
        Shape stats = Shape.of(statDims(xs, axis));
        return List.of(in.type(0), ValueType.floats(stats), ValueType.floats(stats));
    }

    @Override
    public FloatKernel floatKernel(LayerNorm op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] xs = in[0].shape().dims();
            int axis = axis(op, xs.length);
            Tensor bias = in.length > 2 ? in[2] : null;
            checkParameter("scale", in[1].shape().dims(), xs, axis);
            if (bias != null) {
                checkParameter("bias", bias.shape().dims(), xs, axis);
            }
            return Reductions.layerNorm(in[0], rows(xs, axis), in[1], bias, op.epsilon(), Shape.of(statDims(xs, axis)));
        };
    }

    @Override
    public boolean differentiable(LayerNorm op, int i) {
        return i <= 2;
    }

    @Override
    public TrainingForward forward(LayerNorm op, Node node, DTensor[] in, boolean training) {
        int[] xs = in[0].dims();
        int axis = axis(op, xs.length);
        DTensor bias = in.length > 2 ? in[2] : null;
        checkParameter("scale", in[1].dims(), xs, axis);
        if (bias != null) {
            checkParameter("bias", bias.dims(), xs, axis);
        }
        DTensor[] out = NormOps.layerNorm(in[0], rows(xs, axis), in[1], bias, op.epsilon(), statDims(xs, axis));
        return new TrainingForward(out, NormOps.layerNormState(out));
    }

    @Override
    public DTensor[] backward(LayerNorm op, Gradients g) {
        DTensor bias = g.input(2);
        DTensor[] d = NormOps.layerNormBackward(
                g.input(0),
                g.input(1),
                (NormOps.LayerNormState) g.saved(),
                g.dy(),
                g.needs(0),
                g.needs(1),
                bias != null && g.needs(2));
        return new DTensor[] {d[0], d[1], d[2] == null ? null : d[2].reshape(bias.dims())};
    }
}
