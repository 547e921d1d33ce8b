package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Broadcast;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;

/**
 * ONNX Add, Sub, Mul and Div: one descriptor per kind. numpy broadcasting, or before opset 7 the
 * legacy alignment of B at an axis of A.
 */
final class ArithmeticOperator implements OperatorDescriptor<Op.Binary> {
    private final Op.Binary.Kind kind;

    ArithmeticOperator(Op.Binary.Kind kind) {
        this.kind = kind;
    }

    @Override
    public String type() {
        return new Op.Binary(kind, -1).type();
    }

    @Override
    public Op.Binary read(OnnxNode n) {
        boolean legacy = n.getInt("broadcast", 0) != 0 && n.has("axis");
        int axis = n.getInt("axis", -1);
        n.getString("consumed_inputs", null);
        if (legacy && axis < 0) {
            throw n.unsupported(type(), "legacy broadcasting with a negative axis is not supported");
        }
        return new Op.Binary(kind, legacy ? axis : -1);
    }

    @Override
    public Arity arity(Op.Binary op) {
        return Arity.exactly(2);
    }

    @Override
    public void write(Op.Binary op, Node node, AttributeWriter out) {
        if (op.legacyAxis() >= 0) {
            throw new IllegalArgumentException("node " + node.name() + ": legacy broadcasting has no opset-13 form");
        }
    }

    @Override
    public List<ValueType> outputs(Op.Binary op, ShapeInputs in) {
        ValueType a = in.type(0);
        ValueType b = in.type(1);
        Shape bs = b.shape();
        if (op.legacyAxis() >= 0) {
            int rank = a.shape().rank();
            int[] dims = bs.dims();
            if (op.legacyAxis() + dims.length > rank) {
                throw new IllegalArgumentException(
                        "B " + bs + " does not fit at axis " + op.legacyAxis() + " of a rank-" + rank + " tensor");
            }
            int[] aligned = new int[rank];
            Arrays.fill(aligned, 1);
            System.arraycopy(dims, 0, aligned, op.legacyAxis(), dims.length);
            bs = Shape.of(aligned);
        }
        if (a.type() != b.type()) {
            throw new IllegalArgumentException(
                    "operands have different element types: " + a.type() + " and " + b.type());
        }
        Shape out = a.shape().equals(bs)
                ? a.shape()
                : Shape.of(Broadcast.shape(a.shape().dims(), bs.dims()));
        return List.of(a.withShape(out));
    }

    @Override
    public FloatKernel floatKernel(Op.Binary op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Elementwise.binary(op, in[0], in[1], alloc)};
    }

    @Override
    public boolean writesIntoAllocator() {
        return true;
    }

    @Override
    public boolean differentiable(Op.Binary op, int i) {
        return i <= 1;
    }

    @Override
    public TrainingForward forward(Op.Binary op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ElementwiseOps.binary(op, in[0], in[1]));
    }

    @Override
    public DTensor[] backward(Op.Binary op, Gradients g) {
        return ElementwiseOps.binaryBackward(op, g.in()[0], g.in()[1], g.dy(), g.needs(0), g.needs(1));
    }

    @Override
    public IntegerLowering integerLowering(Op.Binary op, Node node, Map<String, Tensor> constants) {
        return kind == Op.Binary.Kind.ADD ? new IntegerLowering.Add() : IntegerLowering.RUNS_IN_FLOAT;
    }
}
