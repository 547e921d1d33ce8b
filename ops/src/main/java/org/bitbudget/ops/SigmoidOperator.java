package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;

/** ONNX Sigmoid, {@code 1 / (1 + exp(-x))}; runs in float in the integer engine. */
final class SigmoidOperator implements OperatorDescriptor<Op.Unary> {
    private static final Op.Unary SIGMOID = new Op.Unary(Op.Unary.Kind.SIGMOID);

    @Override
    public String type() {
        return "Sigmoid";
    }

    @Override
    public Op.Unary read(OnnxNode n) {
        return SIGMOID;
    }

    @Override
    public List<ValueType> outputs(Op.Unary op, ShapeInputs in) {
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Op.Unary op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Elementwise.unary(Op.Unary.Kind.SIGMOID, in[0])};
    }

    @Override
    public TrainingForward forward(Op.Unary op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ElementwiseOps.unary(Op.Unary.Kind.SIGMOID, in[0]));
    }

    @Override
    public DTensor[] backward(Op.Unary op, Gradients g) {
        return new DTensor[] {ElementwiseOps.unaryBackward(Op.Unary.Kind.SIGMOID, g.in()[0], g.y(), g.dy())};
    }
}
