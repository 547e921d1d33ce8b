package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Broadcast;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * ONNX Pow, {@code X^Y} with numpy broadcasting; the result has X's type (from opset 12 Y may have
 * another type, e.g. an int64 exponent of a float base). Trainable with respect to the base,
 * {@code dX = Y X^(Y−1)}; the exponent is taken as a constant. Before opset 7 the {@code broadcast}
 * attribute aligns Y at X's last axes as numpy does; an explicit {@code axis} is not supported.
 */
final class PowOperator implements OperatorDescriptor<PowOperator.Pow> {
    private static final Pow POW = new Pow();

    /** ONNX Pow, without attributes. */
    record Pow() implements Op {
        @Override
        public String type() {
            return "Pow";
        }
    }

    @Override
    public String type() {
        return "Pow";
    }

    @Override
    public Pow read(OnnxNode n) {
        n.getInt("broadcast", 0);
        if (n.has("axis")) {
            throw n.unsupported(type(), "legacy broadcasting at an explicit axis is not supported");
        }
        return POW;
    }

    @Override
    public Arity arity(Pow op) {
        return Arity.exactly(2);
    }

    @Override
    public List<ValueType> outputs(Pow op, ShapeInputs in) {
        ValueType x = in.type(0);
        return List.of(x.withShape(
                Shape.of(Broadcast.shape(x.shape().dims(), in.shape(1).dims()))));
    }

    @Override
    public FloatKernel floatKernel(Pow op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Pointwise.binary(in[0], in[1], in[0].type(), Math::pow)};
    }

    @Override
    public TrainingForward forward(Pow op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.binary(in[0], in[1], Math::pow));
    }

    @Override
    public DTensor[] backward(Pow op, Gradients g) {
        return PointwiseOps.binaryBackward(
                g.in()[0], g.in()[1], g.y(), g.dy(), (x, e, y) -> e == 0 ? 0 : e * Math.pow(x, e - 1), null);
    }
}
