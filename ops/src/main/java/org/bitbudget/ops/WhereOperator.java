package org.bitbudget.ops;

import java.util.List;
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
 * ONNX Where: X where the bool condition holds, else Y, the three broadcast as numpy does; X and Y
 * have one type, the result's. Trainable with respect to X and Y (the condition gets no gradient).
 */
final class WhereOperator implements OperatorDescriptor<WhereOperator.Where> {
    private static final Where WHERE = new Where();

    /** ONNX Where, without attributes. */
    record Where() implements Op {
        @Override
        public String type() {
            return "Where";
        }
    }

    @Override
    public String type() {
        return "Where";
    }

    @Override
    public Where read(OnnxNode n) {
        return WHERE;
    }

    @Override
    public Arity arity(Where op) {
        return Arity.exactly(3);
    }

    @Override
    public List<ValueType> outputs(Where op, ShapeInputs in) {
        check(in.type(0).type(), in.type(1).type(), in.type(2).type());
        int[] dims = Broadcast.shape(
                in.shape(0).dims(),
                Broadcast.shape(in.shape(1).dims(), in.shape(2).dims()));
        return List.of(in.type(1).withShape(Shape.of(dims)));
    }

    private static void check(DataType condition, DataType x, DataType y) {
        if (condition != DataType.BOOL) {
            throw new IllegalArgumentException("the condition must be bool, got " + condition);
        }
        if (x != y) {
            throw new IllegalArgumentException("X and Y have different element types: " + x + " and " + y);
        }
    }

    @Override
    public FloatKernel floatKernel(Where op, FloatContext ctx) {
        return (in, alloc) -> {
            check(in[0].type(), in[1].type(), in[2].type());
            return new Tensor[] {Pointwise.where(in[0], in[1], in[2])};
        };
    }

    @Override
    public boolean differentiable(Where op, int i) {
        return i == 1 || i == 2;
    }

    @Override
    public TrainingForward forward(Where op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.where(in[0], in[1], in[2]));
    }

    @Override
    public DTensor[] backward(Where op, Gradients g) {
        return PointwiseOps.whereBackward(g.in()[0], g.in()[1], g.in()[2], g.dy(), g.needs(1), g.needs(2));
    }
}
