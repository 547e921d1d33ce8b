package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * ONNX IsNaN (opset 9) and IsInf (opset 10), one descriptor per kind: a bool tensor of the input's
 * shape marking NaN, or infinities of the signs that IsInf's {@code detect_negative} and
 * {@code detect_positive} select (both by default). Not differentiable.
 */
final class FloatClassOperator implements OperatorDescriptor<FloatClassOperator.FloatClass> {
    /**
     * The test.
     *
     * @param nan      IsNaN; else IsInf
     * @param negative IsInf marks −∞
     * @param positive IsInf marks +∞
     */
    record FloatClass(boolean nan, boolean negative, boolean positive) implements Op {
        @Override
        public String type() {
            return nan ? "IsNaN" : "IsInf";
        }

        double test(double x) {
            if (nan) {
                return Double.isNaN(x) ? 1 : 0;
            }
            return (negative && x == Double.NEGATIVE_INFINITY) || (positive && x == Double.POSITIVE_INFINITY) ? 1 : 0;
        }
    }

    private final boolean nan;

    FloatClassOperator(boolean nan) {
        this.nan = nan;
    }

    @Override
    public String type() {
        return nan ? "IsNaN" : "IsInf";
    }

    @Override
    public FloatClass read(OnnxNode n) {
        if (nan) {
            return new FloatClass(true, false, false);
        }
        return new FloatClass(false, n.getInt("detect_negative", 1) != 0, n.getInt("detect_positive", 1) != 0);
    }

    @Override
    public void write(FloatClass op, Node node, AttributeWriter out) {
        if (!op.nan()) {
            out.integer("detect_negative", op.negative() ? 1 : 0);
            out.integer("detect_positive", op.positive() ? 1 : 0);
        }
    }

    private static void check(DataType type) {
        if (type.isInteger()) {
            throw new IllegalArgumentException("needs a floating-point input, got " + type);
        }
    }

    @Override
    public List<ValueType> outputs(FloatClass op, ShapeInputs in) {
        check(in.type(0).type());
        return List.of(new ValueType(DataType.BOOL, in.shape(0)));
    }

    @Override
    public FloatKernel floatKernel(FloatClass op, FloatContext ctx) {
        return (in, alloc) -> {
            check(in[0].type());
            return new Tensor[] {Pointwise.unary(in[0], DataType.BOOL, op::test)};
        };
    }

    @Override
    public boolean differentiable(FloatClass op, int i) {
        return false;
    }

    @Override
    public TrainingForward forward(FloatClass op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.unary(in[0], op::test));
    }
}
