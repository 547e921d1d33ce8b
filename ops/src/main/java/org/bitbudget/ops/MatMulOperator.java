package org.bitbudget.ops;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Linear;
import org.bitbudget.ops.compute.MatMulShape;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LinearOps;

/** ONNX MatMul (numpy semantics); a quantizable layer when its second operand is constant. */
final class MatMulOperator implements OperatorDescriptor<Op.MatMul> {
    @Override
    public String type() {
        return "MatMul";
    }

    @Override
    public Op.MatMul read(OnnxNode n) {
        return new Op.MatMul();
    }

    @Override
    public Arity arity(Op.MatMul op) {
        return Arity.exactly(2);
    }

    @Override
    public List<ValueType> outputs(Op.MatMul op, ShapeInputs in) {
        return List.of(ValueType.floats(
                Shape.of(MatMulShape.of(in.shape(0).dims(), in.shape(1).dims()).outDims())));
    }

    @Override
    public FloatKernel floatKernel(Op.MatMul op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Linear.matmul(in[0], in[1], ctx.sgemm())};
    }

    /** Each output value sums K products, K the weight's first axis. */
    @Override
    public long macs(Op.MatMul op, Shape in, Shape out, Shape weight) {
        return (long) out.size() * weight.dim(0);
    }

    @Override
    public boolean differentiable(Op.MatMul op, int i) {
        return i <= 1;
    }

    @Override
    public TrainingForward forward(Op.MatMul op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LinearOps.matmul(in[0], in[1]));
    }

    @Override
    public DTensor[] backward(Op.MatMul op, Gradients g) {
        return LinearOps.matmulBackward(g.in()[0], g.in()[1], g.dy(), g.needs(0), g.needs(1));
    }

    @Override
    public IntegerLowering integerLowering(Op.MatMul op, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.Layer();
    }
}
