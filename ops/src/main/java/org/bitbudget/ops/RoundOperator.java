package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;

/** ONNX Round, to the nearest integer with ties to even; the training pass passes its gradient straight through. */
final class RoundOperator implements OperatorDescriptor<Op.Unary> {
    private static final Op.Unary ROUND = new Op.Unary(Op.Unary.Kind.ROUND);

    @Override
    public String type() {
        return "Round";
    }

    @Override
    public Op.Unary read(OnnxNode n) {
        return ROUND;
    }

    @Override
    public List<ValueType> outputs(Op.Unary op, ShapeInputs in) {
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Op.Unary op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Elementwise.unary(Op.Unary.Kind.ROUND, in[0])};
    }

    @Override
    public TrainingForward forward(Op.Unary op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ElementwiseOps.unary(Op.Unary.Kind.ROUND, in[0]));
    }

    @Override
    public DTensor[] backward(Op.Unary op, Gradients g) {
        return new DTensor[] {ElementwiseOps.unaryBackward(Op.Unary.Kind.ROUND, g.in()[0], g.y(), g.dy())};
    }
}
