package org.bitbudget.ops;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * The attribute-free element-wise functions of one input: Tanh, Erf, Exp, Log, Sqrt, Reciprocal,
 * Neg, Abs, (on booleans) Not, the trigonometric and hyperbolic functions and their inverses,
 * Ceil, Floor and Sign, one descriptor per kind. The output has the input's type and shape; all
 * but Not, Ceil, Floor and Sign are trainable. Opset 1's {@code consumed_inputs} is read and ignored.
 */
final class UnaryMathOperator implements OperatorDescriptor<UnaryMathOperator.UnaryMath> {
    /** The function, its derivative {@code (x, y) -> dy/dx}, and its ONNX name. */
    enum Kind {
        TANH("Tanh", Math::tanh, (x, y) -> 1 - y * y),
        ERF("Erf", Pointwise::erf, (x, y) -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x)),
        EXP("Exp", Math::exp, (x, y) -> y),
        LOG("Log", Math::log, (x, y) -> 1 / x),
        SQRT("Sqrt", Math::sqrt, (x, y) -> 0.5 / y),
        RECIPROCAL("Reciprocal", x -> 1 / x, (x, y) -> -y * y),
        NEG("Neg", x -> -x, (x, y) -> -1),
        ABS("Abs", Math::abs, (x, y) -> Math.signum(x)),
        NOT("Not", x -> x == 0 ? 1 : 0, null),
        COS("Cos", Math::cos, (x, y) -> -Math.sin(x)),
        SIN("Sin", Math::sin, (x, y) -> Math.cos(x)),
        TAN("Tan", Math::tan, (x, y) -> 1 + y * y),
        ACOS("Acos", Math::acos, (x, y) -> -1 / Math.sqrt(1 - x * x)),
        ASIN("Asin", Math::asin, (x, y) -> 1 / Math.sqrt(1 - x * x)),
        ATAN("Atan", Math::atan, (x, y) -> 1 / (1 + x * x)),
        COSH("Cosh", Math::cosh, (x, y) -> Math.sinh(x)),
        SINH("Sinh", Math::sinh, (x, y) -> Math.cosh(x)),
        ACOSH("Acosh", x -> Math.log(x + Math.sqrt(x * x - 1)), (x, y) -> 1 / Math.sqrt(x * x - 1)),
        ASINH(
                "Asinh",
                x -> Math.copySign(Math.log(Math.abs(x) + Math.sqrt(x * x + 1)), x),
                (x, y) -> 1 / Math.sqrt(x * x + 1)),
        ATANH("Atanh", x -> 0.5 * Math.log1p(2 * x / (1 - x)), (x, y) -> 1 / (1 - x * x)),
        // Piecewise constant: their gradient is zero wherever it exists, so none flows through them.
        CEIL("Ceil", Math::ceil, null),
        FLOOR("Floor", Math::floor, null),
        SIGN("Sign", Math::signum, null);

        private final String onnx;
        private final DoubleUnaryOperator function;
        private final PointwiseOps.Derivative derivative;

        Kind(String onnx, DoubleUnaryOperator function, PointwiseOps.Derivative derivative) {
            this.onnx = onnx;
            this.function = function;
            this.derivative = derivative;
        }
    }

    /** The operator of one kind. */
    record UnaryMath(Kind kind) implements Op {
        @Override
        public String type() {
            return kind.onnx;
        }
    }

    private final UnaryMath op;

    UnaryMathOperator(Kind kind) {
        this.op = new UnaryMath(kind);
    }

    @Override
    public String type() {
        return op.type();
    }

    @Override
    public UnaryMath read(OnnxNode n) {
        n.getInts("consumed_inputs", null);
        return op;
    }

    @Override
    public List<ValueType> outputs(UnaryMath op, ShapeInputs in) {
        if (op.kind() == Kind.NOT && in.type(0).type() != DataType.BOOL) {
            throw new IllegalArgumentException(
                    "Not needs a bool input, got " + in.type(0).type());
        }
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(UnaryMath op, FloatContext ctx) {
        DoubleUnaryOperator f = op.kind().function;
        return (in, alloc) -> new Tensor[] {Pointwise.unary(in[0], in[0].type(), f)};
    }

    @Override
    public boolean differentiable(UnaryMath op, int i) {
        return i == 0 && op.kind().derivative != null;
    }

    @Override
    public TrainingForward forward(UnaryMath op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.unary(in[0], op.kind().function));
    }

    @Override
    public DTensor[] backward(UnaryMath op, Gradients g) {
        return new DTensor[] {PointwiseOps.unaryBackward(g.in()[0], g.y(), g.dy(), op.kind().derivative)};
    }
}
