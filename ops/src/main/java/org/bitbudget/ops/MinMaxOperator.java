package org.bitbudget.ops;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Broadcast;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * ONNX Min and Max: the element-wise minimum or maximum of one or more inputs of one type, with
 * numpy broadcasting (opset 8 on; before it the inputs had one shape, which broadcasting accepts
 * too). Trainable: each output's gradient goes to the input that holds the chosen value. Opset 1's
 * {@code consumed_inputs} is read and ignored.
 */
final class MinMaxOperator implements OperatorDescriptor<MinMaxOperator.MinMax> {
    /** The operator: Max when {@code max}, else Min. */
    record MinMax(boolean max) implements Op {
        @Override
        public String type() {
            return max ? "Max" : "Min";
        }

        DoubleBinaryOperator function() {
            return max ? Math::max : Math::min;
        }
    }

    private final MinMax op;

    MinMaxOperator(boolean max) {
        this.op = new MinMax(max);
    }

    @Override
    public String type() {
        return op.type();
    }

    @Override
    public MinMax read(OnnxNode n) {
        n.getInts("consumed_inputs", null);
        return op;
    }

    @Override
    public Arity arity(MinMax op) {
        return Arity.atLeast(1);
    }

    @Override
    public List<ValueType> outputs(MinMax op, ShapeInputs in) {
        return broadcastOutputs(in);
    }

    /** The one output of a variadic element-wise operator: its inputs' common type, broadcast. */
    static List<ValueType> broadcastOutputs(ShapeInputs in) {
        ValueType first = in.type(0);
        int[] dims = first.shape().dims();
        for (int i = 1; i < in.count(); i++) {
            ValueType t = in.type(i);
            if (t.type() != first.type()) {
                throw new IllegalArgumentException(
                        "operands have different element types: " + first.type() + " and " + t.type());
            }
            dims = Broadcast.shape(dims, t.shape().dims());
        }
        return List.of(first.withShape(Shape.of(dims)));
    }

    @Override
    public FloatKernel floatKernel(MinMax op, FloatContext ctx) {
        DoubleBinaryOperator f = op.function();
        return (in, alloc) -> {
            for (Tensor t : in) {
                if (t.type() != in[0].type()) {
                    throw new IllegalArgumentException(
                            "operands have different element types: " + in[0].type() + " and " + t.type());
                }
            }
            return new Tensor[] {Pointwise.fold(in, f)};
        };
    }

    @Override
    public boolean differentiable(MinMax op, int i) {
        return true;
    }

    @Override
    public TrainingForward forward(MinMax op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.fold(in, op.function()));
    }

    @Override
    public DTensor[] backward(MinMax op, Gradients g) {
        return PointwiseOps.selectBackward(g.in(), g.y(), g.dy(), g.need());
    }
}
