package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX CumSum (opsets 11 and 14): running sums along the axis given as the scalar input 1, from the
 * last entry backwards with {@code reverse}, each sum leaving out its own entry with {@code exclusive}.
 */
final class CumSumOperator implements OperatorDescriptor<CumSumOperator.CumSum> {
    /** The checked attributes. */
    record CumSum(boolean exclusive, boolean reverse) implements Op {
        public String type() {
            return "CumSum";
        }
    }

    @Override
    public String type() {
        return "CumSum";
    }

    @Override
    public CumSum read(OnnxNode n) {
        return new CumSum(n.getInt("exclusive", 0) != 0, n.getInt("reverse", 0) != 0);
    }

    @Override
    public Arity arity(CumSum op) {
        return Arity.exactly(2);
    }

    @Override
    public void write(CumSum op, Node node, AttributeWriter out) {
        out.integer("exclusive", op.exclusive() ? 1 : 0);
        out.integer("reverse", op.reverse() ? 1 : 0);
    }

    @Override
    public List<ValueType> outputs(CumSum op, ShapeInputs in) {
        if (in.shape(1).size() != 1) {
            throw new IllegalArgumentException("the axis must be a single value, got shape " + in.shape(1));
        }
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(CumSum op, FloatContext ctx) {
        return (in, alloc) -> {
            Shape xs = in[0].shape();
            int axis = ShapeValues.axis(in[1].longs()[0], xs.rank());
            int size = xs.dim(axis);
            int inner = xs.size(axis + 1, xs.rank());
            int outer = xs.size(0, axis);
            float[] x = in[0].data();
            float[] y = new float[x.length];
            for (int o = 0; o < outer * inner; o++) {
                int base = (o / inner) * size * inner + o % inner;
                double sum = 0;
                for (int step = 0; step < size; step++) {
                    int at = base + (op.reverse() ? size - 1 - step : step) * inner;
                    if (op.exclusive()) {
                        y[at] = (float) sum;
                        sum += x[at];
                    } else {
                        sum += x[at];
                        y[at] = (float) sum;
                    }
                }
            }
            return new Tensor[] {Tensor.of(in[0].type(), xs, y)};
        };
    }
}
