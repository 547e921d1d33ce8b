package org.bitbudget.ops;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * The parameterised activations of one float input, one descriptor per kind: HardSigmoid
 * {@code max(0, min(1, αx + β))} (α 0.2, β 0.5), HardSwish {@code x · HardSigmoid(x)} with α 1/6
 * and β 0.5 (opset 14), LeakyRelu {@code x < 0 ? αx : x} (α 0.01), Elu {@code x < 0 ? α(eˣ − 1) : x}
 * (α 1), Gelu {@code x Φ(x)}, or with {@code approximate="tanh"} its tanh form (opset 20), Selu
 * {@code γ (x > 0 ? x : α(eˣ − 1))}, Celu {@code max(0, x) + min(0, α(e^(x/α) − 1))}, Softplus
 * {@code ln(eˣ + 1)}, Softsign {@code x / (1 + |x|)}, ThresholdedRelu {@code x > α ? x : 0} and
 * Shrink {@code x < −λ ? x + bias : x > λ ? x − bias : 0}. All are trainable; opset 1's
 * {@code consumed_inputs} is read and ignored.
 */
final class ActivationFunctionOperator implements OperatorDescriptor<ActivationFunctionOperator.ActivationFunction> {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;
    /** Selu's defaults before opset 6, which rounded them to four places. */
    private static final float LEGACY_SELU_ALPHA = 1.6732f;

    private static final float LEGACY_SELU_GAMMA = 1.0507f;

    /**
     * The activations, with the ONNX name and the names and defaults of their first and second
     * attribute (null and NaN where the kind has none).
     */
    enum Kind {
        HARD_SIGMOID("HardSigmoid", "alpha", 0.2f, "beta", 0.5f, 6),
        HARD_SWISH("HardSwish", null, Float.NaN, null, Float.NaN, 14),
        LEAKY_RELU("LeakyRelu", "alpha", 0.01f, null, Float.NaN, 6),
        ELU("Elu", "alpha", 1f, null, Float.NaN, 6),
        GELU("Gelu", null, Float.NaN, null, Float.NaN, 20),
        SELU("Selu", "alpha", 1.67326319217681884765625f, "gamma", 1.05070102214813232421875f, 6),
        CELU("Celu", "alpha", 1f, null, Float.NaN, 12),
        SOFTPLUS("Softplus", null, Float.NaN, null, Float.NaN, 1),
        SOFTSIGN("Softsign", null, Float.NaN, null, Float.NaN, 1),
        THRESHOLDED_RELU("ThresholdedRelu", "alpha", 1f, null, Float.NaN, 10),
        SHRINK("Shrink", "lambd", 0.5f, "bias", 0f, 9);

        private final String onnx;
        private final String alphaName;
        private final float alpha;
        private final String betaName;
        private final float beta;
        private final int since;

        Kind(String onnx, String alphaName, float alpha, String betaName, float beta, int since) {
            this.onnx = onnx;
            this.alphaName = alphaName;
            this.alpha = alpha;
            this.betaName = betaName;
            this.beta = beta;
            this.since = since;
        }
    }

    /**
     * One activation with its attributes.
     *
     * @param alpha slope, scale or threshold: the kind's first attribute (NaN where it has none)
     * @param beta  HardSigmoid's offset, Selu's gamma or Shrink's bias (NaN for the others)
     * @param tanh  Gelu's {@code approximate="tanh"}
     */
    record ActivationFunction(Kind kind, float alpha, float beta, boolean tanh) implements Op {
        @Override
        public String type() {
            return kind.onnx;
        }

        /**
         * The kind's formula in double: the training pass's forward, whose gradients are checked in
         * double, and the inference kernel of every kind but HardSwish (and of HardSigmoid on
         * non-float tensors). Inference of a HardSwish runs {@link Elementwise#hardSwish(float)}
         * instead, the float formula every fused and vector copy equals.
         */
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
                case SELU -> x > 0 ? beta * x : beta * alpha * Math.expm1(x);
                case CELU -> Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha));
                case SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
                case SOFTSIGN -> x / (1 + Math.abs(x));
                case THRESHOLDED_RELU -> x > alpha ? x : 0;
                case SHRINK -> x < -alpha ? x + beta : x > alpha ? x - beta : 0;
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
                case SELU -> x > 0 ? beta : y + beta * alpha;
                case CELU -> x > 0 ? 1 : Math.exp(x / alpha);
                case SOFTPLUS -> 1 / (1 + Math.exp(-x));
                case SOFTSIGN -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)));
                case THRESHOLDED_RELU -> x > alpha ? 1 : 0;
                case SHRINK -> x < -alpha || x > alpha ? 1 : 0;
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
        boolean legacySelu = kind == Kind.SELU && n.opset() < 6;
        float alpha = kind.alphaName == null
                ? Float.NaN
                : n.getFloat(kind.alphaName, legacySelu ? LEGACY_SELU_ALPHA : kind.alpha);
        float beta = kind.betaName == null
                ? Float.NaN
                : n.getFloat(kind.betaName, legacySelu ? LEGACY_SELU_GAMMA : kind.beta);
        if (kind == Kind.CELU && alpha == 0) {
            throw n.error("Celu alpha must not be 0");
        }
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
        if (op.kind().alphaName != null) {
            out.real(op.kind().alphaName, op.alpha());
        }
        if (op.kind().betaName != null) {
            out.real(op.kind().betaName, op.beta());
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
        if (op.kind() == Kind.HARD_SWISH) {
            return (in, alloc) -> {
                if (in[0].type() != DataType.FLOAT) {
                    // The float formula, then the type's rounding: the floats of the FLOAT path.
                    return new Tensor[] {Pointwise.unary(in[0], in[0].type(), x -> Elementwise.hardSwish((float) x))};
                }
                float[] x = in[0].data();
                // The integer engine's float islands hand the array this node filled for the last chunk;
                // the float engine, to which this rule does not declare writesIntoAllocator, a fresh one.
                float[] y = alloc.take(x.length);
                Elementwise.hardSwish(x, y, 0, x.length);
                return new Tensor[] {Tensor.of(in[0].shape(), y)};
            };
        }
        if (op.kind() == Kind.HARD_SIGMOID) {
            return (in, alloc) -> {
                if (in[0].type() != DataType.FLOAT) {
                    return new Tensor[] {Pointwise.unary(in[0], in[0].type(), op::apply)};
                }
                float[] x = in[0].data();
                float[] y = alloc.take(x.length);
                Elementwise.hardSigmoid(x, y, 0, x.length, op.alpha(), op.beta());
                return new Tensor[] {Tensor.of(in[0].shape(), y)};
            };
        }
        return (in, alloc) -> new Tensor[] {Pointwise.unary(in[0], in[0].type(), op::apply)};
    }

    /** HardSwish, whose parameters are fixed, can be applied by the Conv or Gemm before it. */
    @Override
    public Activation asActivation(ActivationFunction op, Node node, Map<String, Tensor> constants) {
        return op.kind() == Kind.HARD_SWISH ? new Activation.HardSwish() : null;
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
