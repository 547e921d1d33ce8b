package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX Hardmax: 1 at the first largest entry of each row, 0 elsewhere. Before opset 13 the rows are
 * those of the input flattened to 2-D at {@code axis} (default 1), from 13 they run along the one axis
 * (default -1), as for Softmax.
 */
final class HardmaxOperator implements OperatorDescriptor<HardmaxOperator.Hardmax> {
    /** The axis, and whether it is read in the pre-13 flattened way. */
    record Hardmax(int axis, boolean coerce2d) implements Op {
        public String type() {
            return "Hardmax";
        }
    }

    @Override
    public String type() {
        return "Hardmax";
    }

    @Override
    public Hardmax read(OnnxNode n) {
        boolean legacy = n.opset() < 13;
        return new Hardmax(n.getInt("axis", legacy ? 1 : -1), legacy);
    }

    @Override
    public void write(Hardmax op, Node node, AttributeWriter out) {
        if (op.coerce2d()) {
            throw new IllegalArgumentException("node " + node.name() + ": opset-13 Hardmax has no 2-D form");
        }
        out.integer("axis", op.axis());
    }

    /** {outer, row length, inner} of the rows of {@code x}. */
    private static int[] layout(Hardmax op, Shape x) {
        int rank = Math.max(x.rank(), 1);
        if (op.coerce2d()) {
            int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
            if (axis < 0 || axis > x.rank()) {
                throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + x);
            }
            return new int[] {x.size(0, axis), x.size(axis, x.rank()), 1};
        }
        int axis = ShapeValues.axis(op.axis(), x.rank());
        return new int[] {x.size(0, axis), x.dim(axis), x.size(axis + 1, x.rank())};
    }

    @Override
    public List<ValueType> outputs(Hardmax op, ShapeInputs in) {
        layout(op, in.shape(0));
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Hardmax op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] l = layout(op, in[0].shape());
            int size = l[1];
            int inner = l[2];
            float[] x = in[0].data();
            float[] y = new float[x.length];
            for (int o = 0; o < l[0] * inner && size > 0; o++) {
                int base = (o / inner) * size * inner + o % inner;
                int best = 0;
                for (int i = 1; i < size; i++) {
                    if (x[base + i * inner] > x[base + best * inner]) {
                        best = i;
                    }
                }
                y[base + best * inner] = 1f;
            }
            return new Tensor[] {Tensor.of(in[0].type(), in[0].shape(), y)};
        };
    }
}
