package org.bitbudget.ops;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;

/** ONNX Identity: the output is the input, its very array in the float engine. */
final class IdentityOperator implements OperatorDescriptor<Op.Unary> {
    private static final Op.Unary IDENTITY = new Op.Unary(Op.Unary.Kind.IDENTITY);

    @Override
    public String type() {
        return "Identity";
    }

    @Override
    public Op.Unary read(OnnxNode n) {
        return IDENTITY;
    }

    @Override
    public List<ValueType> outputs(Op.Unary op, ShapeInputs in) {
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Op.Unary op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {in[0]};
    }

    @Override
    public boolean sharesInputArray(Op.Unary op) {
        return true;
    }

    @Override
    public TrainingForward forward(Op.Unary op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ElementwiseOps.unary(Op.Unary.Kind.IDENTITY, in[0]));
    }

    @Override
    public DTensor[] backward(Op.Unary op, Gradients g) {
        return new DTensor[] {ElementwiseOps.unaryBackward(Op.Unary.Kind.IDENTITY, g.in()[0], g.y(), g.dy())};
    }

    @Override
    public IntegerLowering integerLowering(Op.Unary op, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.PassThrough();
    }
}
