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

/**
 * ONNX BitShift (opset 11): X shifted left or right, as {@code direction} says, by Y bits, with
 * numpy broadcasting, on unsigned integers (of the unsigned types BitBudget carries, uint8); a left
 * shift drops the bits that leave the type. Not differentiable.
 */
final class BitShiftOperator implements OperatorDescriptor<BitShiftOperator.BitShift> {
    /** The checked attribute: {@code direction="LEFT"} when {@code left}, else {@code "RIGHT"}. */
    record BitShift(boolean left) implements Op {
        @Override
        public String type() {
            return "BitShift";
        }

        DoubleBinaryOperator function() {
            // Java masks shift counts to six bits; a shift past the width leaves no bits.
            if (left) {
                return (x, y) -> y >= Long.SIZE ? 0 : (double) ((long) x << (long) y);
            }
            return (x, y) -> y >= Long.SIZE ? 0 : (double) ((long) x >>> (long) y);
        }
    }

    @Override
    public String type() {
        return "BitShift";
    }

    @Override
    public BitShift read(OnnxNode n) {
        String direction = n.getString("direction", null);
        if (!"LEFT".equals(direction) && !"RIGHT".equals(direction)) {
            throw n.error("BitShift direction must be \"LEFT\" or \"RIGHT\", got " + direction);
        }
        return new BitShift(direction.equals("LEFT"));
    }

    @Override
    public Arity arity(BitShift op) {
        return Arity.exactly(2);
    }

    @Override
    public void write(BitShift op, Node node, AttributeWriter out) {
        out.text("direction", op.left() ? "LEFT" : "RIGHT");
    }

    private static void check(DataType a, DataType b) {
        if (a != b) {
            throw new IllegalArgumentException("operands have different element types: " + a + " and " + b);
        }
        if (a != DataType.UINT8) {
            throw new IllegalArgumentException("BitShift needs unsigned integer operands, got " + a);
        }
    }

    @Override
    public List<ValueType> outputs(BitShift op, ShapeInputs in) {
        ValueType a = in.type(0);
        ValueType b = in.type(1);
        check(a.type(), b.type());
        return List.of(
                a.withShape(Shape.of(Broadcast.shape(a.shape().dims(), b.shape().dims()))));
    }

    @Override
    public FloatKernel floatKernel(BitShift op, FloatContext ctx) {
        return (in, alloc) -> {
            check(in[0].type(), in[1].type());
            return new Tensor[] {Pointwise.binary(in[0], in[1], in[0].type(), op.function())};
        };
    }

    @Override
    public boolean differentiable(BitShift op, int i) {
        return false;
    }
}
