package org.bitbudget.ops;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Broadcast;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * ONNX Equal, Less, Greater, LessOrEqual and GreaterOrEqual, and the logical And, Or and Xor of two
 * bool operands, one descriptor per kind: two operands of one type, numpy broadcasting, a bool result. Not differentiable (the training pass still runs them
 * forward). Before opset 7 the operands broadcast only by the {@code broadcast} attribute, which
 * aligns B at A's last axes exactly as numpy does; an explicit {@code axis} is not supported.
 */
final class ComparisonOperator implements OperatorDescriptor<ComparisonOperator.Comparison> {
    /** The relations, with their ONNX names. */
    enum Kind {
        EQUAL("Equal", (a, b) -> a == b ? 1 : 0),
        LESS("Less", (a, b) -> a < b ? 1 : 0),
        GREATER("Greater", (a, b) -> a > b ? 1 : 0),
        LESS_OR_EQUAL("LessOrEqual", (a, b) -> a <= b ? 1 : 0),
        GREATER_OR_EQUAL("GreaterOrEqual", (a, b) -> a >= b ? 1 : 0),
        AND("And", (a, b) -> a != 0 && b != 0 ? 1 : 0),
        OR("Or", (a, b) -> a != 0 || b != 0 ? 1 : 0),
        XOR("Xor", (a, b) -> (a != 0) != (b != 0) ? 1 : 0);

        private final String onnx;
        private final DoubleBinaryOperator relation;

        boolean logical() {
            return this == AND || this == OR || this == XOR;
        }

        Kind(String onnx, DoubleBinaryOperator relation) {
            this.onnx = onnx;
            this.relation = relation;
        }
    }

    /** The operator of one kind. */
    record Comparison(Kind kind) implements Op {
        @Override
        public String type() {
            return kind.onnx;
        }
    }

    private final Comparison op;

    ComparisonOperator(Kind kind) {
        this.op = new Comparison(kind);
    }

    @Override
    public String type() {
        return op.type();
    }

    @Override
    public Comparison read(OnnxNode n) {
        n.getInt("broadcast", 0);
        if (n.has("axis")) {
            throw n.unsupported(type(), "legacy broadcasting at an explicit axis is not supported");
        }
        return op;
    }

    @Override
    public Arity arity(Comparison op) {
        return Arity.exactly(2);
    }

    @Override
    public List<ValueType> outputs(Comparison op, ShapeInputs in) {
        ValueType a = in.type(0);
        ValueType b = in.type(1);
        if (a.type() != b.type()) {
            throw new IllegalArgumentException(
                    "operands have different element types: " + a.type() + " and " + b.type());
        }
        checkLogical(op, a.type());
        Shape shape = Shape.of(Broadcast.shape(a.shape().dims(), b.shape().dims()));
        return List.of(new ValueType(DataType.BOOL, shape));
    }

    @Override
    public FloatKernel floatKernel(Comparison op, FloatContext ctx) {
        DoubleBinaryOperator f = op.kind().relation;
        return (in, alloc) -> {
            if (in[0].type() != in[1].type()) {
                throw new IllegalArgumentException(
                        "operands have different element types: " + in[0].type() + " and " + in[1].type());
            }
            checkLogical(op, in[0].type());
            return new Tensor[] {Pointwise.binary(in[0], in[1], DataType.BOOL, f)};
        };
    }

    private static void checkLogical(Comparison op, DataType type) {
        if (op.kind().logical() && type != DataType.BOOL) {
            throw new IllegalArgumentException(op.type() + " needs bool operands, got " + type);
        }
    }

    @Override
    public boolean differentiable(Comparison op, int i) {
        return false;
    }

    @Override
    public TrainingForward forward(Comparison op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.binary(in[0], in[1], op.kind().relation));
    }
}
