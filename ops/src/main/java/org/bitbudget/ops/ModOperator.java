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
 * ONNX Mod (opset 10 on): the remainder of A divided by B with numpy broadcasting. With
 * {@code fmod=1} the remainder takes the sign of the dividend (C's {@code fmod}); with the default
 * {@code fmod=0}, allowed for integers only, it takes the sign of the divisor (Python's {@code %}).
 * An integer remainder by zero is 0, as numpy gives. Not differentiable.
 */
final class ModOperator implements OperatorDescriptor<ModOperator.Mod> {
    /** The checked attribute: {@code fmod} set. */
    record Mod(boolean fmod) implements Op {
        @Override
        public String type() {
            return "Mod";
        }

        DoubleBinaryOperator function(DataType type) {
            if (fmod) {
                return type.isInteger() ? (a, b) -> b == 0 ? 0 : a % b : (a, b) -> a % b;
            }
            return (a, b) -> {
                if (b == 0) {
                    return 0;
                }
                double r = a % b;
                return r != 0 && (r < 0) != (b < 0) ? r + b : r;
            };
        }
    }

    @Override
    public String type() {
        return "Mod";
    }

    @Override
    public Mod read(OnnxNode n) {
        int fmod = n.getInt("fmod", 0);
        if (fmod != 0 && fmod != 1) {
            throw n.error("Mod fmod must be 0 or 1, got " + fmod);
        }
        return new Mod(fmod == 1);
    }

    @Override
    public Arity arity(Mod op) {
        return Arity.exactly(2);
    }

    @Override
    public void write(Mod op, Node node, AttributeWriter out) {
        out.integer("fmod", op.fmod() ? 1 : 0);
    }

    private static void check(Mod op, DataType a, DataType b) {
        if (a != b) {
            throw new IllegalArgumentException("operands have different element types: " + a + " and " + b);
        }
        if (a == DataType.BOOL) {
            throw new IllegalArgumentException("Mod needs numeric operands, got " + a);
        }
        if (!op.fmod() && !a.isInteger()) {
            throw new IllegalArgumentException("Mod of " + a + " operands needs fmod=1");
        }
    }

    @Override
    public List<ValueType> outputs(Mod op, ShapeInputs in) {
        ValueType a = in.type(0);
        ValueType b = in.type(1);
        check(op, a.type(), b.type());
        return List.of(
                a.withShape(Shape.of(Broadcast.shape(a.shape().dims(), b.shape().dims()))));
    }

    @Override
    public FloatKernel floatKernel(Mod op, FloatContext ctx) {
        return (in, alloc) -> {
            DataType type = in[0].type();
            check(op, type, in[1].type());
            return new Tensor[] {Pointwise.binary(in[0], in[1], type, op.function(type))};
        };
    }
}
