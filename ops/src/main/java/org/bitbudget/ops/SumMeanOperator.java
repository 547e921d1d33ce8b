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
 * ONNX Sum and Mean: the element-wise sum or mean of one or more inputs of one type, with numpy
 * broadcasting (opset 8 on; before it the inputs had one shape, which broadcasting accepts too).
 * Trainable with respect to every input. Opset 1's {@code consumed_inputs} is read and ignored.
 */
final class SumMeanOperator implements OperatorDescriptor<SumMeanOperator.SumMean> {
    /** The operator: Mean when {@code mean}, else Sum. */
    record SumMean(boolean mean) implements Op {
        @Override
        public String type() {
            return mean ? "Mean" : "Sum";
        }
    }

    private final SumMean op;

    SumMeanOperator(boolean mean) {
        this.op = new SumMean(mean);
    }

    @Override
    public String type() {
        return op.type();
    }

    @Override
    public SumMean read(OnnxNode n) {
        n.getInts("consumed_inputs", null);
        return op;
    }

    @Override
    public Arity arity(SumMean op) {
        return Arity.atLeast(1);
    }

    @Override
    public List<ValueType> outputs(SumMean op, ShapeInputs in) {
        return MinMaxOperator.broadcastOutputs(in);
    }

    @Override
    public FloatKernel floatKernel(SumMean op, FloatContext ctx) {
        return (in, alloc) -> {
            for (Tensor t : in) {
                if (t.type() != in[0].type()) {
                    throw new IllegalArgumentException(
                            "operands have different element types: " + in[0].type() + " and " + t.type());
                }
            }
            Tensor sum = Pointwise.fold(in, Double::sum);
            int n = in.length;
            return new Tensor[] {op.mean() ? Pointwise.unary(sum, sum.type(), v -> v / n) : sum};
        };
    }

    @Override
    public boolean differentiable(SumMean op, int i) {
        return true;
    }

    @Override
    public TrainingForward forward(SumMean op, Node node, DTensor[] in, boolean training) {
        DTensor sum = PointwiseOps.fold(in, Double::sum);
        int n = in.length;
        return TrainingForward.of(op.mean() ? PointwiseOps.unary(sum, v -> v / n) : sum);
    }

    @Override
    public DTensor[] backward(SumMean op, Gradients g) {
        return PointwiseOps.sumBackward(g.in(), g.dy(), op.mean() ? 1.0 / g.in().length : 1, g.need());
    }
}
