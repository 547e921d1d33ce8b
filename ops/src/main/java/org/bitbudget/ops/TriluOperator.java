package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX Trilu (opset 14): the upper ({@code upper=1}, the default) or lower triangle of each matrix in
 * the last two axes, the rest set to zero; the optional scalar input {@code k} shifts the diagonal (an
 * entry at row i, column j is kept when {@code j - i >= k} for the upper, {@code j - i <= k} for the
 * lower triangle).
 */
final class TriluOperator implements OperatorDescriptor<TriluOperator.Trilu> {
    /** Which triangle is kept. */
    record Trilu(boolean upper) implements Op {
        public String type() {
            return "Trilu";
        }
    }

    @Override
    public String type() {
        return "Trilu";
    }

    @Override
    public Trilu read(OnnxNode n) {
        return new Trilu(n.getInt("upper", 1) != 0);
    }

    @Override
    public Arity arity(Trilu op) {
        return Arity.between(1, 2);
    }

    @Override
    public void write(Trilu op, Node node, AttributeWriter out) {
        throw new IllegalArgumentException("node " + node.name() + ": Trilu (opset 14) has no opset-13 form");
    }

    @Override
    public List<ValueType> outputs(Trilu op, ShapeInputs in) {
        if (in.shape(0).rank() < 2) {
            throw new IllegalArgumentException("Trilu needs rank 2 or more, got " + in.shape(0));
        }
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Trilu op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] dims = in[0].shape().dims();
            if (dims.length < 2) {
                throw new IllegalArgumentException("Trilu needs rank 2 or more, got " + in[0].shape());
            }
            long[] kValue = ShapeValues.optional(in, 1);
            long k = kValue == null ? 0 : kValue[0];
            int rows = dims[dims.length - 2];
            int cols = dims[dims.length - 1];
            float[] x = in[0].data();
            float[] y = new float[x.length];
            for (int base = 0; base < x.length; base += rows * cols) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        long diagonal = (long) j - i;
                        if (op.upper() ? diagonal >= k : diagonal <= k) {
                            y[base + i * cols + j] = x[base + i * cols + j];
                        }
                    }
                }
            }
            return new Tensor[] {Tensor.of(in[0].type(), in[0].shape(), y)};
        };
    }
}
