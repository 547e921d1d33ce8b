package org.bitbudget.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Op;

/**
 * The registry of operator descriptors, keyed by domain and operator type. The importer, the
 * exporter, both engines, the training pass, shape inference and the integer lowering all ask it,
 * so a new operator is one {@link OperatorDescriptor} class plus one line in {@link #ALL}.
 *
 * <pre>{@code
 * OperatorDescriptor<Op> relu = Operators.of(node.op());
 * FloatKernel k = relu.floatKernel(node.op(), context);
 * }</pre>
 */
public final class Operators {
    /**
     * Every operator, default-domain ones in the order the documentation and the unsupported-operator
     * error list them. Register a new operator here.
     */
    private static final List<OperatorDescriptor<?>> ALL = List.of(
            new ConvOperator(),
            new GemmOperator(),
            new MatMulOperator(),
            new ArithmeticOperator(Op.Binary.Kind.ADD),
            new ArithmeticOperator(Op.Binary.Kind.SUB),
            new ArithmeticOperator(Op.Binary.Kind.MUL),
            new ArithmeticOperator(Op.Binary.Kind.DIV),
            new BatchNormalizationOperator(),
            new ReluOperator(),
            new ClipOperator(),
            new SigmoidOperator(),
            new PoolOperator(Op.Pool.Kind.MAX),
            new PoolOperator(Op.Pool.Kind.AVERAGE),
            new GlobalAveragePoolOperator(),
            new FlattenOperator(),
            new ReshapeOperator(),
            new ConcatOperator(),
            new IdentityOperator(),
            new SoftmaxOperator(false),
            new RoundOperator(),
            new FakeQuantizeOperator(),
            new ReduceOperator(ReduceOperator.Kind.MEAN),
            new ReduceOperator(ReduceOperator.Kind.SUM),
            new ReduceOperator(ReduceOperator.Kind.MAX),
            new ReduceOperator(ReduceOperator.Kind.MIN),
            new LayerNormalizationOperator(),
            new SoftmaxOperator(true),
            new ActivationFunctionOperator(ActivationFunctionOperator.Kind.HARD_SIGMOID),
            new ActivationFunctionOperator(ActivationFunctionOperator.Kind.HARD_SWISH),
            new ActivationFunctionOperator(ActivationFunctionOperator.Kind.LEAKY_RELU),
            new PReluOperator(),
            new ActivationFunctionOperator(ActivationFunctionOperator.Kind.ELU),
            new UnaryMathOperator(UnaryMathOperator.Kind.TANH),
            new UnaryMathOperator(UnaryMathOperator.Kind.ERF),
            new ActivationFunctionOperator(ActivationFunctionOperator.Kind.GELU),
            new UnaryMathOperator(UnaryMathOperator.Kind.EXP),
            new UnaryMathOperator(UnaryMathOperator.Kind.LOG),
            new PowOperator(),
            new UnaryMathOperator(UnaryMathOperator.Kind.SQRT),
            new UnaryMathOperator(UnaryMathOperator.Kind.RECIPROCAL),
            new UnaryMathOperator(UnaryMathOperator.Kind.NEG),
            new UnaryMathOperator(UnaryMathOperator.Kind.ABS),
            new MinMaxOperator(false),
            new MinMaxOperator(true),
            new WhereOperator(),
            new ComparisonOperator(ComparisonOperator.Kind.EQUAL),
            new ComparisonOperator(ComparisonOperator.Kind.LESS),
            new ComparisonOperator(ComparisonOperator.Kind.GREATER),
            new ComparisonOperator(ComparisonOperator.Kind.LESS_OR_EQUAL),
            new ComparisonOperator(ComparisonOperator.Kind.GREATER_OR_EQUAL),
            new UnaryMathOperator(UnaryMathOperator.Kind.NOT),
            new TransposeOperator(),
            new SqueezeOperator(SqueezeOperator.Kind.SQUEEZE),
            new SqueezeOperator(SqueezeOperator.Kind.UNSQUEEZE),
            new GatherOperator(),
            new SliceOperator(),
            new SplitOperator(),
            new PadOperator(),
            new ExpandOperator(),
            new TileOperator(),
            new ConstantOfShapeOperator(),
            new ShapeOperator(),
            new SizeOperator(),
            new CastOperator(),
            new RangeOperator(),
            new ResizeOperator(false),
            new ResizeOperator(true),
            new ConvTransposeOperator(),
            new LossOperator(LossOperator.Kind.NEGATIVE_LOG_LIKELIHOOD),
            new LossOperator(LossOperator.Kind.SOFTMAX_CROSS_ENTROPY),
            new GatherElementsOperator(),
            new ScatterElementsOperator(false),
            new ScatterElementsOperator(true),
            new GatherNDOperator(),
            new ScatterNDOperator(),
            new TriluOperator(),
            new ArgExtremeOperator(true),
            new ArgExtremeOperator(false),
            new HardmaxOperator(),
            new CumSumOperator(),
            new OneHotOperator(),
            new TopKOperator(),
            new NonZeroOperator(),
            new EinsumOperator());

    /** By type, whatever the domain: types are unique across domains, and {@link Op#type()} names no domain. */
    private static final Map<String, OperatorDescriptor<?>> BY_TYPE = index();

    private Operators() {}

    private static Map<String, OperatorDescriptor<?>> index() {
        Map<String, OperatorDescriptor<?>> byType = new LinkedHashMap<>();
        for (OperatorDescriptor<?> d : ALL) {
            if (byType.put(d.type(), d) != null) {
                throw new IllegalStateException("operator " + d.type() + " is registered twice");
            }
        }
        return byType;
    }

    /**
     * The descriptor of ONNX operator {@code type} in {@code domain} ({@code ""} or {@code ai.onnx} for
     * the default domain), or null when BitBudget does not support it.
     */
    public static OperatorDescriptor<?> forOnnx(String domain, String type) {
        String d = domain.equals("ai.onnx") ? "" : domain;
        OperatorDescriptor<?> descriptor = BY_TYPE.get(type);
        return descriptor != null && descriptor.domain().equals(d) ? descriptor : null;
    }

    /**
     * The descriptor of {@code op}, typed for calls with {@code op} itself.
     *
     * @throws IllegalArgumentException for an operator no descriptor is registered for
     */
    @SuppressWarnings("unchecked")
    public static <O extends Op> OperatorDescriptor<O> of(O op) {
        // Safe: a descriptor reads only the records whose type() is its own.
        OperatorDescriptor<O> descriptor = (OperatorDescriptor<O>) BY_TYPE.get(op.type());
        if (descriptor == null) {
            throw new IllegalArgumentException("no operator descriptor is registered for " + op.type());
        }
        return descriptor;
    }

    /** The default-domain operator types BitBudget reads, in registration order. */
    public static List<String> onnxTypes() {
        return ALL.stream()
                .filter(d -> d.domain().isEmpty())
                .map(OperatorDescriptor::type)
                .toList();
    }
}
