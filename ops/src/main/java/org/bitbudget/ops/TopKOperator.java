package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX TopK: the {@code k} largest (or, with {@code largest=0} from opset 11, smallest) entries along
 * {@code axis} (default -1) and their int64 indices, best first, equal values in index order. {@code k} is
 * an attribute before opset 10 and the one-entry input 1 from then on. Results are always sorted,
 * which {@code sorted=0} allows.
 */
final class TopKOperator implements OperatorDescriptor<TopKOperator.TopK> {
    /**
     * The checked attributes.
     *
     * @param k the attribute value before opset 10, or -1 when {@code k} is input 1
     */
    record TopK(int axis, boolean largest, boolean sorted, long k) implements Op {
        public String type() {
            return "TopK";
        }
    }

    @Override
    public String type() {
        return "TopK";
    }

    @Override
    public TopK read(OnnxNode n) {
        long k = -1;
        if (n.opset() < 10) {
            k = n.getInt("k", -1);
            if (k < 0) {
                throw n.error("attribute k is missing or negative");
            }
        }
        return new TopK(n.getInt("axis", -1), n.getInt("largest", 1) != 0, n.getInt("sorted", 1) != 0, k);
    }

    @Override
    public Arity arity(TopK op) {
        return op.k() < 0 ? Arity.exactly(2) : Arity.exactly(1);
    }

    @Override
    public void write(TopK op, Node node, AttributeWriter out) {
        if (op.k() >= 0) {
            throw new IllegalArgumentException("node " + node.name() + ": opset-13 TopK takes k as an input");
        }
        out.integer("axis", op.axis());
        out.integer("largest", op.largest() ? 1 : 0);
        out.integer("sorted", op.sorted() ? 1 : 0);
    }

    private static Shape outputShape(TopK op, Shape x, long k) {
        int axis = ShapeValues.axis(op.axis(), x.rank());
        if (k < 0 || k > x.dim(axis)) {
            throw new IllegalArgumentException("k " + k + " is out of range for axis " + axis + " of " + x);
        }
        return x.with(axis, (int) k);
    }

    @Override
    public List<ValueType> outputs(TopK op, ShapeInputs in) {
        long k = op.k() >= 0 ? op.k() : ShapeValues.required(in, 1, "k")[0];
        Shape out = outputShape(op, in.shape(0), k);
        return List.of(in.type(0).withShape(out), new ValueType(DataType.INT64, out));
    }

    @Override
    public FloatKernel floatKernel(TopK op, FloatContext ctx) {
        return (in, alloc) -> {
            Shape xs = in[0].shape();
            int k = (int) (op.k() >= 0 ? op.k() : in[1].longs()[0]);
            Shape out = outputShape(op, xs, k);
            int axis = ShapeValues.axis(op.axis(), xs.rank());
            int size = xs.dim(axis);
            int inner = xs.size(axis + 1, xs.rank());
            int outer = xs.size(0, axis);
            float[] x = in[0].data();
            float[] values = new float[out.size()];
            float[] indices = new float[out.size()];
            Integer[] order = new Integer[size];
            for (int o = 0; o < outer * inner; o++) {
                int base = (o / inner) * size * inner + o % inner;
                int outBase = (o / inner) * k * inner + o % inner;
                for (int i = 0; i < size; i++) {
                    order[i] = i;
                }
                // A stable sort keeps equal values in index order.
                Arrays.sort(
                        order,
                        (a, b) -> op.largest()
                                ? Float.compare(x[base + b * inner], x[base + a * inner])
                                : Float.compare(x[base + a * inner], x[base + b * inner]));
                for (int j = 0; j < k; j++) {
                    values[outBase + j * inner] = x[base + order[j] * inner];
                    indices[outBase + j * inner] = order[j];
                }
            }
            return new Tensor[] {Tensor.of(in[0].type(), out, values), Tensor.of(DataType.INT64, out, indices)};
        };
    }
}
