package org.bitbudget.ops;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;

/** ONNX Relu, {@code max(x, 0)}: fused into a preceding Conv or Gemm, a clamp in the integer engine. */
final class ReluOperator implements OperatorDescriptor<Op.Unary> {
    private static final Op.Unary RELU = new Op.Unary(Op.Unary.Kind.RELU);

    @Override
    public String type() {
        return "Relu";
    }

    @Override
    public Op.Unary read(OnnxNode n) {
        return RELU;
    }

    @Override
    public List<ValueType> outputs(Op.Unary op, ShapeInputs in) {
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Op.Unary op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Elementwise.unary(Op.Unary.Kind.RELU, in[0])};
    }

    @Override
    public Activation asActivation(Op.Unary op, Node node, Map<String, Tensor> constants) {
        return new Activation.Relu();
    }

    @Override
    public TrainingForward forward(Op.Unary op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ElementwiseOps.unary(Op.Unary.Kind.RELU, in[0]));
    }

    @Override
    public DTensor[] backward(Op.Unary op, Gradients g) {
        return new DTensor[] {ElementwiseOps.unaryBackward(Op.Unary.Kind.RELU, g.in()[0], g.y(), g.dy())};
    }

    @Override
    public IntegerLowering integerLowering(Op.Unary op, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.Clamp(0, Double.POSITIVE_INFINITY);
    }
}
