package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * The parameterised activations of one float input, one descriptor per kind: HardSigmoid
 * {@code max(0, min(1, αx + β))} (α 0.2, β 0.5), HardSwish {@code x · HardSigmoid(x)} with α 1/6
 * and β 0.5 (opset 14), LeakyRelu {@code x < 0 ? αx : x} (α 0.01), Elu {@code x < 0 ? α(eˣ − 1) : x}
 * (α 1) and Gelu {@code x Φ(x)}, or with {@code approximate="tanh"} its tanh form (opset 20). All
 * are trainable; opset 1's {@code consumed_inputs} is read and ignored.
 */
final class ActivationFunctionOperator implements OperatorDescriptor<ActivationFunctionOperator.ActivationFunction> {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    /** The activations, with the ONNX name and default α and β (NaN where the kind has none). */
    enum Kind {
        HARD_SIGMOID("HardSigmoid", 0.2f, 0.5f, 6),
        HARD_SWISH("HardSwish", Float.NaN, Float.NaN, 14),
        LEAKY_RELU("LeakyRelu", 0.01f, Float.NaN, 6),
        ELU("Elu", 1f, Float.NaN, 6),
        GELU("Gelu", Float.NaN, Float.NaN, 20);

        private final String onnx;
        private final float alpha;
        private final float beta;
        private final int since;

        Kind(String onnx, float alpha, float beta, int since) {
            this.onnx = onnx;
            this.alpha = alpha;
            this.beta = beta;
            this.since = since;
        }
    }

    /**
     * One activation with its attributes.
     *
     * @param alpha slope or scale (NaN for HardSwish and Gelu)
     * @param beta  HardSigmoid's offset (NaN for the others)
     * @param tanh  Gelu's {@code approximate="tanh"}
     */
    record ActivationFunction(Kind kind, float alpha, float beta, boolean tanh) implements Op {
        @Override
        public String type() {
            return kind.onnx;
        }

        double apply(double x) {
            return switch (kind) {
                case HARD_SIGMOID -> Math.max(0, Math.min(1, alpha * x + beta));
                case HARD_SWISH -> x * Math.max(0, Math.min(1, x / 6 + 0.5));
                case LEAKY_RELU -> x < 0 ? alpha * x : x;
                case ELU -> x < 0 ? alpha * Math.expm1(x) : x;
                case GELU ->
                    tanh
                            ? 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)))
                            : 0.5 * x * (1 + Pointwise.erf(x / Math.sqrt(2)));
            };
        }

        /** dy/dx at x, where y = apply(x); at a kink, the derivative of the right-hand piece. */
        double derivative(double x, double y) {
            return switch (kind) {
                case HARD_SIGMOID -> {
                    double t = alpha * x + beta;
                    yield t > 0 && t < 1 ? alpha : 0;
                }
                case HARD_SWISH -> x < -3 ? 0 : x > 3 ? 1 : x / 3 + 0.5;
                case LEAKY_RELU -> x < 0 ? alpha : 1;
                case ELU -> x < 0 ? y + alpha : 1;
                case GELU -> {
                    if (tanh) {
                        double u = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
                        double t = Math.tanh(u);
                        double du = SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * x * x);
                        yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
                    }
                    double cdf = 0.5 * (1 + Pointwise.erf(x / Math.sqrt(2)));
                    yield cdf + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
                }
            };
        }
    }

    private final Kind kind;

    ActivationFunctionOperator(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String type() {
        return kind.onnx;
    }

    @Override
    public ActivationFunction read(OnnxNode n) {
        n.getInts("consumed_inputs", null);
        float alpha = Float.isNaN(kind.alpha) ? Float.NaN : n.getFloat("alpha", kind.alpha);
        float beta = Float.isNaN(kind.beta) ? Float.NaN : n.getFloat("beta", kind.beta);
        boolean tanh = false;
        if (kind == Kind.GELU) {
            String approximate = n.getString("approximate", "none");
            if (!approximate.equals("none") && !approximate.equals("tanh")) {
                throw n.error("Gelu approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
            }
            tanh = approximate.equals("tanh");
        }
        return new ActivationFunction(kind, alpha, beta, tanh);
    }

    @Override
    public int minimumOpset(ActivationFunction op, Node node) {
        return kind.since;
    }

    @Override
    public void write(ActivationFunction op, Node node, AttributeWriter out) {
        if (!Float.isNaN(op.alpha())) {
            out.real("alpha", op.alpha());
        }
        if (!Float.isNaN(op.beta())) {
            out.real("beta", op.beta());
        }
        if (op.tanh()) {
            out.text("approximate", "tanh");
        }
    }

    @Override
    public List<ValueType> outputs(ActivationFunction op, ShapeInputs in) {
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(ActivationFunction op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Pointwise.unary(in[0], in[0].type(), op::apply)};
    }

    @Override
    public TrainingForward forward(ActivationFunction op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.unary(in[0], op::apply));
    }

    @Override
    public DTensor[] backward(ActivationFunction op, Gradients g) {
        return new DTensor[] {PointwiseOps.unaryBackward(g.in()[0], g.y(), g.dy(), op::derivative)};
    }
}
